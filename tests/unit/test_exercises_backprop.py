"""Chapter 12's checkers (backpropagation by hand): realistic wrong answers with the hint
each must produce, and correct variants that must be accepted."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases

from dl_workshop import backprop
from dl_workshop.exercises import (backward_suspects, check_layer_grads,
                                   check_sigmoid_backward, check_wrong_backwards)

sig = jax.nn.sigmoid


def grads(w, b):
    return {"w": w, "b": b}


def layer_in_place(a, g):
    g /= len(g)   # "average over the examples", written into the caller's NumPy array
    return grads(a.T @ g, g.sum(0))


def python_sigmoid_backward(z, g):
    s = 1 / (1 + math.exp(-z))
    return g * s * (1 - s)


WRONG = {
    check_layer_grads: [
        (lambda a, g: grads(g.T @ a, g.sum(0)), "the transpose of w's (3, 2)"),
        (lambda a, g: grads(a @ g, g.sum(0)), "check the shapes: inputs is (n, m)"),
        (lambda a, g: grads(a.T @ g, g), "one row per example"),
        (lambda a, g: grads(a.T @ g, g.sum(1)), "summed over the wrong axis"),
        (lambda a, g: grads(a.T @ g, g.sum()), "summed over both axes"),
        (lambda a, g: grads(a.T @ g / len(a), g.sum(0)), "the weight gradient is divided by n"),
        (lambda a, g: grads(a.T @ g, g.mean(0)), "the bias gradient is divided by n"),
        (lambda a, g: grads(a.T @ g / len(a), g.mean(0)), "both gradients are divided by n"),
        (lambda a, g: grads(jnp.outer(a.sum(0), g.sum(0)), g.sum(0)), "you multiplied the sums"),
        (lambda a, g: grads(a.T @ g, jnp.zeros(2)), "the bias gradient is not zero"),
        (lambda a, g: grads(-(a.T @ g), -g.sum(0)), "sign error"),
        (lambda a, g: (a.T @ g, g.sum(0)), "returned a tuple; return a dict"),
        (lambda a, g: {"w": a.T @ g}, "it needs exactly 'w' and 'b'"),
        (lambda a, g: {"W": a.T @ g, "b": g.sum(0)}, "it needs exactly 'w' and 'b'"),
        (lambda a, g: None, "should return a dict"),
        (layer_in_place, "changed its argument `grad_out` in place"),
    ],
    check_sigmoid_backward: [
        (lambda z, g: sig(z) * (1 - sig(z)), "the sigmoid's local derivative alone"),
        (lambda z, g: g, "you passed grad_out through unchanged"),
        (lambda z, g: g * z * (1 - z), "apply the formula to sigmoid(z), not to z"),
        (lambda z, g: g * sig(z), "not sigmoid(z)"),
        (lambda z, g: g * (1 - sig(z)), "not 1 - sigmoid(z)"),
        (lambda z, g: g * (1 - jnp.tanh(z) ** 2), "that is tanh's derivative"),
        (lambda z, g: g * (z > 0), "that is the ReLU's derivative"),
        (lambda z, g: g + sig(z) * (1 - sig(z)), "you added them"),
        (lambda z, g: g * sig(z) ** 2 * (1 - sig(z)), "one factor sigmoid(z) too many"),
        (lambda z, g: -g * sig(z) * (1 - sig(z)), "sign error"),
        (lambda z, g: (g * sig(z) * (1 - sig(z))).sum(0), "do not sum"),
        (python_sigmoid_backward, "works on single numbers only"),
        (lambda z, g: [g * sig(z) * (1 - sig(z))], "returned a Python list"),
    ],
    check_wrong_backwards: [
        ("A", "A is right"),
        ({"A", "B", "C", "E"}, "A is right"),
        ({"B", "C", "D", "E"}, "D is right"),
        ({"B", "C"}, "wrong in the hidden layer only"),
        ({"B", "E"}, "by the same factor (the number of examples)"),
        (["C", "E"], "the hidden layer's bias"),
        (set(), "at least one suspect disagrees"),
        ("", "at least one suspect disagrees"),
        ("BCF", "there are only five suspects, A to E"),
        (3, "got int 3"),
        ([1, 2], "got an item of type int"),
    ],
}

CORRECT = {
    check_layer_grads: [
        lambda a, g: grads(a.T @ g, g.sum(axis=0)),
        lambda a, g: grads(jnp.einsum("nm,nk->mk", a, g), jnp.sum(g, axis=0)),
        lambda a, g: grads(sum(jnp.outer(ai, gi) for ai, gi in zip(a, g)),
                           jnp.ones(len(g)) @ g),                         # a loop of outer products
        lambda a, g: grads(np.asarray(a).T @ np.asarray(g), np.asarray(g).sum(0)),   # NumPy
        lambda a, g: grads((g.T @ a).T, g.sum(0)),
    ],
    check_sigmoid_backward: [
        lambda z, g: g * sig(z) * (1 - sig(z)),
        lambda z, g: g * jnp.exp(-z) / (1 + jnp.exp(-z)) ** 2,
        lambda z, g: g * sig(-z) * (1 - sig(-z)),                           # symmetric
        lambda z, g: g * jax.vmap(jax.vmap(jax.grad(jax.nn.sigmoid)))(z),    # jax.grad
        lambda z, g: jax.vjp(jax.nn.sigmoid, z)[1](g)[0],                    # a VJP
    ],
    check_wrong_backwards: [
        {"B", "C", "E"},
        "BCE",
        "e, c, b",
        ["B", "C", "E"],
        ("b", "c", "e"),
        frozenset("BCE"),
    ],
}


@pytest.mark.parametrize("check, fn, hint", wrong_cases(WRONG))
def test_wrong_answer_gets_its_hint(check, fn, hint, capsys):
    assert_hint(check, fn, hint, capsys)


@pytest.mark.parametrize("check, fn", correct_cases(CORRECT))
def test_correct_variant_is_accepted(check, fn, capsys):
    assert_correct(check, fn, capsys)


def test_tables_are_big_enough():
    assert all(len(rows) >= 6 for rows in WRONG.values())
    assert all(len(rows) >= 3 for rows in CORRECT.values())


def test_the_suspects_are_what_the_checker_says(allow_rank_promotion):
    """The verdict of check_wrong_backwards is the verdict of a gradient check."""
    # Drawn with NumPy: JAX's sampler would compile for each shape, and only the verdicts matter.
    rng = np.random.default_rng(3)
    params = [{"w": jnp.asarray(rng.standard_normal((m, n)) * np.sqrt(2 / m), jnp.float32),
               "b": jnp.full((n,), 0.1, jnp.float32)} for m, n in [(6, 5), (5, 4)]]
    x = jnp.asarray(rng.standard_normal((9, 6)), jnp.float32)
    labels = jnp.asarray(rng.integers(0, 4, 9), jnp.int32)
    reference = jax.grad(backprop.mlp_loss)(params, x, labels)
    wrong = set()
    for letter, suspect in backward_suspects().items():
        got = jax.jit(suspect)(params, x, labels)  # one compile each, not one per operation
        gap = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
                  for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(reference)))
        if gap > 1e-5:
            wrong.add(letter)
    assert wrong == {"B", "C", "E"}
