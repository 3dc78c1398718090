"""Every example in the library's docstrings runs and prints what it claims."""

import doctest
import importlib
import re
from pathlib import Path

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


#: Characters of an example that fit its box on the API page at 1280 px: the box sits
#: indented under its function, 4 characters narrower than a chapter's code column.
EXAMPLE_WIDTH = 75


def test_docstring_examples_fit_the_api_page() -> None:
    """An example line wider than its box scrolls sideways on the API page (book/appendix/api)."""
    api_page = (Path(__file__).parents[2] / "book" / "appendix" / "api.md").read_text()
    shown = re.findall(r"^\.\. automodule:: ([\w.]+)", api_page, flags=re.M)
    assert len(shown) >= 10, shown
    wide = []
    for module in map(importlib.import_module, shown):
        for test in doctest.DocTestFinder(recurse=True).find(module):
            for example in test.examples:
                source = example.source.splitlines()
                lines = [">>> " + source[0], *("... " + line for line in source[1:]),
                         *example.want.splitlines()]
                wide += [f"{test.name}: {len(line)} characters: {line}"
                         for line in lines if len(line) > EXAMPLE_WIDTH]
    assert not wide, (f"docstring example lines longer than {EXAMPLE_WIDTH} characters:\n"
                      + "\n".join(sorted(set(wide))))
