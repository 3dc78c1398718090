"""Shared settings and fixtures for the unit tests.

Strict settings: implicit rank promotion is an error (so (n,) + (n, 1) can
never broadcast silently inside the library), and pyproject.toml turns every
warning into an error.
"""

import sys
from pathlib import Path

import jax
import matplotlib
import numpy as np
import pytest

# Always test this checkout's library, whatever the venv has installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
matplotlib.use("Agg")
jax.config.update("jax_numpy_rank_promotion", "raise")

from dl_workshop import data  # noqa: E402  (after the config above)


@pytest.fixture(scope="session")
def breast_cancer():
    """The breast-cancer data, split 75/25 by a fixed key and standardized with
    training-set statistics: (x_train, y_train, x_test, y_test) as NumPy arrays."""
    train, test = data.train_test_split(jax.random.key(0), data.load_breast_cancer())
    scaler = data.fit_standardizer(train.x)
    return tuple(np.asarray(a) for a in (data.standardize(train.x, scaler), train.y,
                                         data.standardize(test.x, scaler), test.y))


@pytest.fixture
def allow_rank_promotion():
    """Run a test with NumPy-style broadcasting, as in a reader's notebook."""
    with jax.numpy_rank_promotion("allow"):
        yield
