"""Every example in the library's docstrings runs and prints what it claims."""

import doctest

import jax
import jax.numpy as jnp
import pytest

import dl_workshop
from dl_workshop import (batching, data, exercises, flax_bridge, interactive, losses, models,
                         optimizers, plotting, training, trajectories)
from dl_workshop.exercises import (classification, compilation, gradients, libraries, networks,
                                   optimization, random_keys, regression, scan, softmax,
                                   training_loop, vmap)
from dl_workshop import diagnostics, initializers, regularization
from dl_workshop.exercises import deeper

MODULES = [dl_workshop, data, losses, models, optimizers, plotting, training, exercises,
           interactive, regression, classification, gradients, training_loop, networks, vmap,
           scan, random_keys, batching, trajectories, compilation, optimization, softmax,
           flax_bridge, libraries]
MODULES += [diagnostics, initializers, regularization, deeper]  # Part III, training deeper


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    globs = {"jax": jax, "jnp": jnp, **vars(module)}
    result = doctest.testmod(module, globs=globs, optionflags=doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.failed == 0
