"""Datasets: simulated regression and classification data, a real dataset,
a deterministic train/test split and feature standardization.

Conventions: features ``x`` have shape (n, d), targets ``y`` have shape (n,),
everything is float32, and all randomness comes from an explicit
``jax.random`` key.
"""

from __future__ import annotations

import functools
import importlib.util
import math
from pathlib import Path
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop import _validation as v

__all__ = [
    "Dataset", "make_linear_data", "make_logistic_data", "load_breast_cancer",
    "breast_cancer_feature_names", "train_test_split", "Standardizer",
    "fit_standardizer", "standardize", "load_digits", "stratified_split",
]


class Dataset(NamedTuple):
    """Features ``x`` of shape (n, d) and targets ``y`` of shape (n,)."""

    x: jax.Array
    y: jax.Array


def _weights(w: Any) -> jax.Array:
    """``w`` as a (d,) float32 array; a Python number means d = 1."""
    w = v.as_array(w, "w", shape="(d,) or a single number")
    if w.ndim == 0:
        return w.reshape(1)
    if w.ndim != 1:
        raise ValueError(f"w must have shape (d,) or be a single number, got shape {w.shape}")
    return w


def make_linear_data(key: jax.Array, n: int, w: Any, b: float, noise_std: float = 1.0,
                     x_range: tuple[float, float] = (-5.0, 5.0)) -> Dataset:
    """Simulate linear-regression data ``y = x @ w + b + noise_std * N(0, 1)``.

    Args:
      key: a ``jax.random`` key.
      n: number of samples.
      w: true weights of shape (d,), or a single number (then d = 1).
      b: true bias.
      noise_std: standard deviation of the Gaussian noise (0 for exact data).
      x_range: ``(low, high)``; each feature is drawn from Uniform(low, high).

    Returns:
      ``Dataset(x, y)`` with ``x`` of shape (n, d) and ``y`` of shape (n,).

    Example:
      >>> data = make_linear_data(jax.random.key(0), n=100, w=2.0, b=-1.0)
      >>> data.x.shape, data.y.shape
      ((100, 1), (100,))
    """
    v.check_key(key)
    n = v.check_int(n, "n")
    w = _weights(w)
    b = v.check_float(b, "b")
    noise_std = v.check_float(noise_std, "noise_std", low=0.0)
    if not isinstance(x_range, (tuple, list)) or len(x_range) != 2:
        raise TypeError(f"x_range must be a pair (low, high), got {x_range!r}")
    low = v.check_float(x_range[0], "x_range[0]")
    high = v.check_float(x_range[1], "x_range[1]")
    if not low < high:
        raise ValueError(f"x_range must satisfy low < high, got {tuple(x_range)}")
    key_x, key_noise = jax.random.split(key)
    x = jax.random.uniform(key_x, (n, w.shape[0]), minval=low, maxval=high)
    y = x @ w + b + noise_std * jax.random.normal(key_noise, (n,))
    return Dataset(x, y)


def make_logistic_data(key: jax.Array, n: int, w: Any, b: float) -> Dataset:
    """Simulate binary classification data from a logistic model.

    ``x ~ N(0, 1)`` with shape (n, d) and ``y ~ Bernoulli(sigmoid(x @ w + b))``
    stored as float32 0. / 1.

    Example:
      >>> key = jax.random.key(0)
      >>> data = make_logistic_data(key, n=200, w=[2.0, -1.0], b=0.5)
      >>> data.x.shape, data.y.shape
      ((200, 2), (200,))
    """
    v.check_key(key)
    n = v.check_int(n, "n")
    w = _weights(w)
    b = v.check_float(b, "b")
    key_x, key_y = jax.random.split(key)
    x = jax.random.normal(key_x, (n, w.shape[0]))
    y = jax.random.bernoulli(key_y, jax.nn.sigmoid(x @ w + b))
    return Dataset(x, y.astype(jnp.float32))


# scikit-learn ships its small datasets as CSV files inside its package. They are read
# here directly, found without importing scikit-learn: its import takes over a second,
# which every chapter that loads a dataset would pay, while reading a file takes a few
# milliseconds. tests/unit/test_data.py checks that the arrays equal scikit-learn's own
# loaders'. Should a release of scikit-learn move the files, its loader is used instead.
def _bundled_csv(name: str) -> Path | None:
    """Path of the CSV file ``name`` that scikit-learn ships, or None if it has none."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), "datasets", "data", name)
    return path if path.is_file() else None


@functools.cache
def _bundled(name: str, header_rows: int, loader: str) -> tuple[np.ndarray, np.ndarray]:
    """(features as float64, integer targets) of a dataset shipped with scikit-learn.

    ``name`` is its CSV file: one example per row, the target in the last column, after
    ``header_rows`` lines. ``loader`` is the scikit-learn function that reads the same
    data, used if the file is not where it is expected.
    """
    path = _bundled_csv(name)
    if path is None:
        from sklearn import datasets

        bunch = getattr(datasets, loader)()  # ships with scikit-learn; no download
        return np.asarray(bunch.data, dtype=np.float64), np.asarray(bunch.target, dtype=int)
    table = np.loadtxt(path, delimiter=",", skiprows=header_rows, dtype=np.float64)
    return table[:, :-1], table[:, -1].astype(int)


def load_breast_cancer() -> Dataset:
    """The Wisconsin breast-cancer dataset that ships with scikit-learn.

    569 tumours, 30 numeric features. Targets are scikit-learn's own labels,
    as float32: **1 = benign, 0 = malignant**. Features are not standardized.

    Example:
      >>> data = load_breast_cancer()
      >>> data.x.shape, data.y.shape
      ((569, 30), (569,))
    """
    x, y = _bundled("breast_cancer.csv", 1, "load_breast_cancer")
    return Dataset(jnp.asarray(x, dtype=jnp.float32), jnp.asarray(y, dtype=jnp.float32))


def breast_cancer_feature_names() -> tuple[str, ...]:
    """The 30 feature names of :func:`load_breast_cancer`, in column order."""
    # The names are written in scikit-learn's code, not in its data file: this imports it.
    from sklearn import datasets

    return tuple(str(name) for name in datasets.load_breast_cancer().feature_names)


def load_digits() -> Dataset:
    """The 8x8 handwritten digits that ship with scikit-learn.

    1797 images of the digits 0-9. ``x`` has shape (1797, 64): each row is an
    8x8 image flattened row by row, with grey levels 0-16 as float32 (not
    rescaled). ``y`` has shape (1797,) and holds the digit as int32.

    Example:
      >>> data = load_digits()
      >>> data.x.shape, data.y.shape, data.y.dtype
      ((1797, 64), (1797,), dtype('int32'))
    """
    x, y = _bundled("digits.csv.gz", 0, "load_digits")
    return Dataset(jnp.asarray(x, dtype=jnp.float32), jnp.asarray(y, dtype=jnp.int32))


def _check_dataset(data: Any, name: str) -> Dataset:
    if not isinstance(data, tuple) or len(data) != 2:
        raise TypeError(f"{name} must be a Dataset(x, y), got {type(data).__name__}")
    x = v.as_array(data[0], f"{name}.x", ndim=2, shape="(n, d)")
    y = jnp.asarray(data[1])
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{name}.y must have shape ({x.shape[0]},) to match {name}.x "
                         f"of shape {x.shape}, got shape {y.shape}")
    return Dataset(x, y)


def train_test_split(key: jax.Array, data: Dataset,
                     test_fraction: float = 0.25) -> tuple[Dataset, Dataset]:
    """Shuffle ``data`` with ``key`` and split it into (train, test).

    The test set gets ``ceil(test_fraction * n)`` samples (as in
    scikit-learn); the same key always gives the same split.

    Example:
      >>> train, test = train_test_split(jax.random.key(0), load_breast_cancer())
      >>> train.x.shape, test.x.shape
      ((426, 30), (143, 30))
    """
    v.check_key(key)
    data = _check_dataset(data, "data")
    test_fraction = v.check_float(test_fraction, "test_fraction", low=0.0, high=1.0,
                                  low_open=True, high_open=True)
    n = data.x.shape[0]
    n_test = math.ceil(test_fraction * n)
    if not 1 <= n_test < n:
        raise ValueError(f"test_fraction={test_fraction} leaves {n - n_test} of {n} "
                         f"samples for training; both sets need at least one sample")
    x_train, y_train, x_test, y_test = _shuffled_split(key, data.x, data.y, n_test)
    return Dataset(x_train, y_train), Dataset(x_test, y_test)


@functools.partial(jax.jit, static_argnames="n_test")
def _shuffled_split(key: jax.Array, x: jax.Array, y: jax.Array,
                    n_test: int) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """(x_train, y_train, x_test, y_test): the rows in the order of a permutation drawn
    with ``key``, the first ``n_test`` of them for testing.

    One compiled program per shape: run op by op, the permutation and the four gathers
    compile about fifteen small programs in a fresh kernel.
    """
    order = jax.random.permutation(key, x.shape[0])
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


class Standardizer(NamedTuple):
    """Per-feature ``mean`` and ``std``, both of shape (d,)."""

    mean: jax.Array
    std: jax.Array


def fit_standardizer(x: jax.Array) -> Standardizer:
    """Per-feature mean and standard deviation of ``x`` (n, d).

    Fit it on the training set only, then apply it to every split. A feature
    that is constant gets std 1 so that standardizing never divides by zero.

    Example:
      >>> s = fit_standardizer(jnp.array([[1.0, 10.0], [3.0, 10.0]]))
      >>> s.mean.tolist(), s.std.tolist()
      ([2.0, 10.0], [1.0, 1.0])
    """
    x = v.as_array(x, "x", ndim=2, shape="(n, d)")
    std = jnp.std(x, axis=0)
    return Standardizer(jnp.mean(x, axis=0), jnp.where(std > 0, std, 1.0))


def standardize(x: jax.Array, s: Standardizer) -> jax.Array:
    """Return ``(x - s.mean) / s.std`` for ``x`` of shape (n, d).

    Example:
      >>> s = Standardizer(mean=jnp.array([2.0]), std=jnp.array([0.5]))
      >>> standardize(jnp.array([[3.0]]), s).tolist()
      [[2.0]]
    """
    x = v.as_array(x, "x", ndim=2, shape="(n, d)")
    if not isinstance(s, Standardizer):
        raise TypeError(f"s must be a Standardizer from fit_standardizer, "
                        f"got {type(s).__name__}")
    if s.mean.shape != (x.shape[1],) or s.std.shape != (x.shape[1],):
        raise ValueError(f"x has {x.shape[1]} features but the standardizer was fit on "
                         f"mean of shape {s.mean.shape}; expected shape ({x.shape[1]},)")
    return (x - s.mean[None, :]) / s.std[None, :]


def stratified_split(key: jax.Array, data: Dataset, fractions: tuple[float, float, float]
                     = (0.6, 0.2, 0.2)) -> tuple[Dataset, Dataset, Dataset]:
    """Split ``data`` into (train, validation, test) with every class in proportion.

    Each class's samples are shuffled with ``key`` and dealt out by
    ``fractions`` (rounded to whole samples, the test set first), so every
    split has the class mix of the whole dataset. ``y`` must hold integer class
    labels of shape (n,); the three splits keep ``x``'s (·, d) layout. The same
    key always gives the same split, and no sample is in two splits.

    Example:
      >>> train, val, test = stratified_split(jax.random.key(0), load_digits())
      >>> train.x.shape[0], val.x.shape[0], test.x.shape[0]
      (1079, 359, 359)
    """
    v.check_key(key)
    data = _check_dataset(data, "data")
    if not jnp.issubdtype(data.y.dtype, jnp.integer):
        raise TypeError(f"data.y must hold integer class labels, got dtype {data.y.dtype}")
    if not isinstance(fractions, (tuple, list)) or len(fractions) != 3:
        raise TypeError(f"fractions must be three numbers (train, validation, test), "
                        f"got {fractions!r}")
    fracs = [v.check_float(f, f"fractions[{i}]", low=0.0, high=1.0, low_open=True)
             for i, f in enumerate(fractions)]
    if not math.isclose(sum(fracs), 1.0, abs_tol=1e-6):
        raise ValueError(f"fractions must add up to 1, got {tuple(fractions)} "
                         f"(sum {sum(fracs):.6g})")
    labels, x_host = np.asarray(data.y), np.asarray(data.x)  # indexed on the host
    # One draw of two uniform numbers per sample: the first orders each class, the second
    # each split. (One JAX call of a fixed shape: a permutation per class would compile
    # once per class size on a fresh kernel.)
    rank, order = np.asarray(jax.random.uniform(key, (2, labels.shape[0])))
    parts: list[list[np.ndarray]] = [[], [], []]
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        members = members[np.argsort(rank[members], kind="stable")]
        n_test = round(fracs[2] * len(members))
        n_val = round(fracs[1] * len(members))
        parts[2].append(members[:n_test])
        parts[1].append(members[n_test:n_test + n_val])
        parts[0].append(members[n_test + n_val:])
    out = []
    for name, chunks in zip(("train", "validation", "test"), parts):
        index = np.concatenate(chunks)
        if index.size == 0:
            raise ValueError(f"fractions={tuple(fractions)} leave the {name} split empty")
        index = index[np.argsort(order[index], kind="stable")]
        out.append(Dataset(jnp.asarray(x_host[index]), jnp.asarray(labels[index])))
    return tuple(out)
