"""Chapter 2's checkers: the derivative df(w) and one gradient-descent step.

Chapter 2 calls df on floats and on an array (df(ws)); the checker must reject
code that only works on single numbers, and accept jax.grad wrapped for arrays.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases

from dl_workshop.exercises import check_derivative, check_gradient_descent_step


def f(w):
    return (w - 3.0) ** 2 + 1.0


def df_if(w):
    if w < 3:                      # works for one number, not for an array
        return -2 * (3 - w)
    return 2 * (w - 3)


def step_in_place(w, grad, learning_rate):
    w -= learning_rate * grad      # changes the caller's NumPy array
    return w


WRONG = {
    check_derivative: [
        (lambda w: 2 * (3 - w), "sign error"),
        (lambda w: w - 3, "missing factor 2"),
        (lambda w: 2 * (w - 3) + 1, "the derivative of a constant is 0"),
        (lambda w: 2 * w, "not 2 * w"),
        (lambda w: (w - 3) ** 2 + 1, "that is f(w) itself"),
        (lambda w: 2 * (w + 3), "check the sign inside the bracket"),
        (lambda w: 2 * (w - 3) ** 2, "the power rule lowers the power by one"),
        (jax.grad(f), "jax.grad(f) works on one number at a time, but the chapter calls "
                      "df(ws) on an array of 31 values; wrap it as jnp.vectorize"),
        (df_if, "Your code works on single numbers only"),
        (lambda w: 2 * (math.fsum([w]) - 3), "Your code works on single numbers only"),
        (lambda w: jnp.array([w, w]), "df(w) should return one number for one w, got shape "
                                      "(2,)"),
        (lambda w: [2 * (w - 3)], "returned a Python list"),
    ],
    check_gradient_descent_step: [
        (lambda w, g, lr: w + lr * g, "sign error"),
        (lambda w, g, lr: w - g, "you forgot the learning rate"),
        (lambda w, g, lr: lr * g, "you returned the step"),
        (lambda w, g, lr: -lr * g, "you returned the change in w"),
        (lambda w, g, lr: w - lr, "you forgot the gradient"),
        (lambda w, g, lr: w - g / lr, "you divided by the learning rate"),
        (lambda w, g, lr: (w - g) * lr, "brackets: only the gradient is scaled"),
        (step_in_place, "changed its argument `w` in place"),
        (lambda w, g, lr: float(w - lr * g), "Your code works on single numbers only"),
        (lambda w, g, lr: [w - lr * g], "returned a Python list"),
    ],
}

CORRECT = {
    check_derivative: [
        lambda w: 2 * (w - 3),
        lambda w: 2.0 * w - 6.0,
        jnp.vectorize(jax.grad(f)),                                  # jax.grad, for arrays
        lambda w: np.multiply(2.0, np.subtract(w, 3.0)),             # NumPy
        jax.jit(lambda w: 2 * (w - 3)),
    ],
    check_gradient_descent_step: [
        lambda w, g, lr: w - lr * g,
        lambda w, g, lr: w + (-lr) * g,
        lambda w, g, lr: np.asarray(w) - lr * np.asarray(g),         # NumPy
        lambda w, g, lr: jax.tree.map(lambda p, d: p - lr * d, w, g),  # pytree-ready
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
