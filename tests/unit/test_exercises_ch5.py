"""Chapter 5's checker: the forward pass of a one-hidden-layer MLP."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases

from dl_workshop import models
from dl_workshop.exercises import check_mlp_forward

relu = jax.nn.relu


def forward(params, x, *, hidden=relu, output=lambda z: z, b1=True, b2=True):
    (l1, l2) = params
    h = hidden(x @ l1["w"] + (l1["b"] if b1 else 0.0))
    return output(h @ l2["w"] + (l2["b"] if b2 else 0.0))


def forward_in_place(params, x):
    params[0]["b"] = params[0]["b"][None, :]   # "reshape for broadcasting", in the caller's dict
    return forward(params, x)


WRONG = {
    check_mlp_forward: [
        (lambda p, x: forward(p, x, hidden=lambda z: z), "you forgot the activation"),
        (lambda p, x: forward(p, x, output=relu), "no activation on the output layer"),
        (lambda p, x: forward(p, x, output=jax.nn.sigmoid), "no sigmoid on the output"),
        (lambda p, x: forward(p, x, b1=False), "you forgot the bias of the hidden layer"),
        (lambda p, x: forward(p, x, b2=False), "you forgot the bias of the output layer"),
        (lambda p, x: forward(p, x, hidden=jax.nn.sigmoid), "not the sigmoid"),
        (lambda p, x: forward(p, x, hidden=jnp.tanh), "not tanh"),
        (lambda p, x: relu(p[0]["w"] @ x + p[0]["b"]) @ p[1]["w"],
         "check the order of the matrix product: x @ w"),
        (lambda p, x: forward(p, x).T, "your output is transposed"),
        (lambda p, x: relu(x @ p[0]["w"] + p[0]["b"]),
         "forward(params, x) has shape (5, 4) but should have shape (5, 2)"),
        (lambda p, x: jnp.squeeze(forward(p, x)), "with one output unit, keep the column"),
        (forward_in_place, "changed its argument `params` in place"),
        (lambda p, x: [forward(p, x)], "returned a Python list"),
    ],
}

CORRECT = {
    check_mlp_forward: [
        forward,
        lambda p, x: models.mlp_apply(p, x),
        lambda p, x: jnp.maximum(x @ p[0]["w"] + p[0]["b"], 0) @ p[1]["w"] + p[1]["b"],
        lambda p, x: jnp.stack([forward(p, xi[None, :])[0] for xi in x]),       # a loop
        lambda p, x: np.maximum(np.asarray(x) @ p[0]["w"] + p[0]["b"], 0) @ p[1]["w"]
        + p[1]["b"],                                                             # NumPy
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
