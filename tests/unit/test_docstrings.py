"""Every example in the library's docstrings runs and prints what it claims."""

import doctest

import jax
import jax.numpy as jnp
import pytest

import dl_workshop
from dl_workshop import (backprop, batching, data, diagnostics, exercises, flax_bridge,
                         initializers, interactive, losses, models, optimizers, plotting,
                         regularization, training, trajectories)
from dl_workshop.exercises import backprop as backprop_exercises
from dl_workshop.exercises import (classification, compilation, deeper, gradients, libraries,
                                   networks, optimization, random_keys, regression, scan,
                                   softmax, training_loop, vmap)

MODULES = [dl_workshop, data, losses, models, optimizers, plotting, training, exercises,
           interactive, regression, classification, gradients, training_loop, networks, vmap,
           scan, random_keys, batching, trajectories, compilation, optimization, softmax,
           backprop, backprop_exercises, diagnostics, initializers, regularization, deeper,
           flax_bridge, libraries]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    globs = {"jax": jax, "jnp": jnp, **vars(module)}
    result = doctest.testmod(module, globs=globs, optionflags=doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.failed == 0
