"""Chapter 3's checker: the reader's gradient-descent training loop.

Chapter 3 calls train(params, x, y, learning_rate=0.05, steps=100), reads
params_loop["w"][0] and compares the dict with fit's; the checker must reject
loops that would break or silently change those cells.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases

from dl_workshop import losses, models
from dl_workshop.exercises import check_training_loop

GLOBAL_X = jnp.linspace(-5.0, 5.0, 50)[:, None]   # "the chapter's data"
GLOBAL_Y = 2.0 * GLOBAL_X[:, 0] - 1.0


@functools.partial(jax.jit, static_argnames=("summed", "broadcast"))
def loss_grad(params, x, y, *, summed=False, broadcast=False):
    def loss(p):
        pred = x * p["w"] + p["b"] if broadcast else x @ p["w"] + p["b"]
        return (jnp.sum if summed else jnp.mean)((pred - y) ** 2)

    return jax.grad(loss)(params)


def loop(params, x, y, learning_rate, steps, *, sign=1.0, update_b=True, summed=False,
         early=False, broadcast=False):
    """The reader's loop, with switches for the documented mistakes."""
    for _ in range(steps):
        grads = loss_grad(params, x, y, summed=summed, broadcast=broadcast)
        params = {"w": params["w"] - sign * learning_rate * grads["w"],
                  "b": params["b"] - sign * learning_rate * grads["b"] if update_b
                  else params["b"]}
        if early:
            return params
    return params


def loop_in_place(params, x, y, learning_rate, steps):
    for _ in range(steps):
        grads = loss_grad(params, x, y)
        params["w"] = params["w"] - learning_rate * grads["w"]   # writes into the caller's dict
        params["b"] = params["b"] - learning_rate * grads["b"]
    return params


def loop_positional(p, x, y, lr, n):
    return loop(p, x, y, lr, n)


def loop_from_zeros(params, x, y, learning_rate, steps):
    start = {"w": jnp.zeros(1), "b": jnp.zeros(())}
    return loop(start, x, y, learning_rate, steps)


def loop_global_data(params, x, y, learning_rate, steps):
    return loop(params, GLOBAL_X, GLOBAL_Y, learning_rate, steps)


def loop_library(params, x, y, learning_rate, steps):
    """The solution of the chapter: jax.grad of the library's model and loss."""
    def loss_fn(p, x, y):
        return losses.mean_squared_error(models.linear_apply(p, x), y)

    grad_fn = jax.grad(loss_fn)
    for _ in range(steps):
        params = jax.tree.map(lambda p, g: p - learning_rate * g, params, grad_fn(params, x, y))
    return params


def loop_by_hand(params, x, y, learning_rate, steps):
    """Hand-derived gradients, in NumPy-compatible arithmetic, no jax.grad."""
    w, b = params["w"], params["b"]
    for _ in range(steps):
        r = x @ w + b - y
        w, b = w - learning_rate * 2 * (x.T @ r) / len(y), b - learning_rate * 2 * r.mean()
    return {"w": w, "b": b}


WRONG = {
    check_training_loop: [
        (lambda *a, **k: loop(*a, **k, sign=-1.0), "sign error"),
        (lambda *a, **k: loop(*a, **k, summed=True), "training diverged ([w, b] = "),
        (lambda *a, **k: loop(*a, **k, update_b=False), "b was never updated"),
        (lambda *a, **k: loop(*a, **k, early=True), "your loop took only one step"),
        (lambda p, x, y, learning_rate, steps: loop(p, x, y, learning_rate, steps - 1),
         "steps - 1"),
        (lambda p, *a, **k: p, "params did not change"),
        (lambda *a, **k: loop(*a, **k, broadcast=True), "the residual broadcast to (n, n)"),
        (lambda *a, **k: tuple(loop(*a, **k).values()),
         "should return the updated params dict"),
        (loop_in_place, "changed the dictionary `params` that was passed in"),
        (loop_positional, "name your function's parameters params, x, y, learning_rate "
                          "and steps"),
        (loop_from_zeros, "with steps=0 the params should come back unchanged"),
        (loop_global_data, "use the params, x, y, learning_rate and steps passed in"),
        (lambda *a, **k: {**loop(*a, **k), "loss": 0.0}, "keep exactly the keys 'w' and 'b'"),
    ],
}

CORRECT = {
    check_training_loop: [loop, loop_library, loop_by_hand],
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


def test_numpy_inputs_are_passed_too():
    seen = []

    def spy(params, x, y, learning_rate, steps):
        seen.append(type(x))
        return loop_by_hand(params, x, y, learning_rate, steps)

    check_training_loop(spy)
    assert np.ndarray in seen and any(issubclass(t, jax.Array) for t in seen)
