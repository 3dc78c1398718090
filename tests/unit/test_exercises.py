"""Answer checks: a correct answer passes, and each documented mistake gets its hint.

The wrong answers below are what a reader might really write. Each checker
prints exactly one line, "Correct: ..." or "Not yet: ...", and never raises.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop import exercises as ex

relu = jax.nn.relu
xlogy = jax.scipy.special.xlogy


def verdict(check, fn, capsys):
    """Run a checker; return (returned bool, the single printed line)."""
    ok = check(fn)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Correct: " if ok else "Not yet: ")
    return ok, lines[0]


def assert_correct(check, fn, capsys):
    ok, line = verdict(check, fn, capsys)
    assert ok, line


def assert_hint(check, fn, hint, capsys):
    ok, line = verdict(check, fn, capsys)
    assert not ok and hint in line, line


# ---- common behaviour ---------------------------------------------------------------

CHECKS = [ex.check_predict, ex.check_mse, ex.check_derivative, ex.check_gradient_descent_step,
          ex.check_training_loop, ex.check_sigmoid, ex.check_binary_cross_entropy,
          ex.check_mlp_forward]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_crashing_answer_becomes_a_hint(check, capsys):
    def crashes(*args):
        raise ZeroDivisionError(f"oops at {object()!r}")  # a memory address in the message

    ok, line = verdict(check, crashes, capsys)
    assert not ok and "raised ZeroDivisionError: oops at <object object at 0x...>" in line


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_passing_a_value_instead_of_a_function_becomes_a_hint(check, capsys):
    assert_hint(check, jnp.zeros(3), "pass your function itself, e.g. check(my_function), "
                                     "not its result (got a value of type ArrayImpl)", capsys)


def test_output_is_deterministic(capsys):
    wrong = lambda w, b, x: w * x + b + 0.123456789  # noqa: E731
    assert verdict(ex.check_predict, wrong, capsys) == verdict(ex.check_predict, wrong, capsys)


# ---- chapter 1: predict and mean squared error ----------------------------------------

def test_check_predict(capsys):
    assert_correct(ex.check_predict, lambda w, b, x: w * x + b, capsys)
    assert_correct(ex.check_predict, jax.jit(lambda w, b, x: w * x + b), capsys)
    assert_hint(ex.check_predict, lambda w, b, x: w * x, "you forgot the bias", capsys)
    assert_hint(ex.check_predict, lambda w, b, x: w * x * b, "you multiplied by b", capsys)
    assert_hint(ex.check_predict, lambda w, b, x: w * x - b, "check the sign of the bias",
                capsys)
    assert_hint(ex.check_predict, lambda w, b, x: b * x + w, "w and b are swapped", capsys)
    assert_hint(ex.check_predict, lambda w, b, x: (w * x + b)[:, None],
                "predict returned shape (5, 1) for x of shape (5,)", capsys)
    assert_hint(ex.check_predict, lambda w, b, x: w * x + b + 0.5,
                "predict(w=2.0, b=-1.0, x=[-2. , -0.5,  0. ,  1. ,  3. ]) should be "
                "[-5., -2., -1.,  1.,  5.], got [-4.5, -1.5, -0.5,  1.5,  5.5]", capsys)


def test_check_mse(capsys, allow_rank_promotion):
    assert_correct(ex.check_mse, lambda p, t: jnp.mean((p - t) ** 2), capsys)
    assert_correct(ex.check_mse, lambda p, t: float(np.mean((np.asarray(p) - t) ** 2)), capsys)
    assert_hint(ex.check_mse, lambda p, t: jnp.sum((p - t) ** 2),
                "you summed the squared errors; average them", capsys)
    assert_hint(ex.check_mse, lambda p, t: jnp.mean(p - t), "you forgot to square", capsys)
    assert_hint(ex.check_mse, lambda p, t: jnp.mean(t - p), "you forgot to square", capsys)
    assert_hint(ex.check_mse, lambda p, t: jnp.mean(jnp.abs(p - t)),
                "that is the mean absolute error", capsys)
    assert_hint(ex.check_mse, lambda p, t: jnp.sqrt(jnp.mean((p - t) ** 2)),
                "that is the root mean squared error", capsys)
    assert_hint(ex.check_mse, lambda p, t: (p - t) ** 2,
                "you returned one squared error per sample", capsys)
    assert_hint(ex.check_mse, lambda p, t: jnp.mean((p[:, None] - t) ** 2),
                "your residual has shape (n, n): an (n, 1) array minus an (n,) array "
                "broadcasts", capsys)
    assert_hint(ex.check_mse, lambda p, t: jnp.sum((p - t) ** 2) / 4,
                "correct for 4 samples but not for 3: did you hard-code", capsys)


# ---- chapter 2: derivatives and gradient descent ---------------------------------------

def test_check_derivative(capsys):
    assert_correct(ex.check_derivative, lambda w: 2 * (w - 3), capsys)
    assert_correct(ex.check_derivative, jax.grad(lambda w: (w - 3) ** 2 + 1), capsys)
    assert_hint(ex.check_derivative, lambda w: 2 * (3 - w), "sign error", capsys)
    assert_hint(ex.check_derivative, lambda w: w - 3, "missing factor 2", capsys)
    assert_hint(ex.check_derivative, lambda w: 2 * (w - 3) + 1,
                "the derivative of a constant is 0", capsys)
    assert_hint(ex.check_derivative, lambda w: 2 * w, "not 2 * w", capsys)
    assert_hint(ex.check_derivative, lambda w: (w - 3) ** 2 + 1, "that is f(w) itself", capsys)
    assert_hint(ex.check_derivative, lambda w: jnp.array([w, w]),
                "df(w) should return one number for one w, got shape (2,)", capsys)


def test_check_gradient_descent_step(capsys):
    assert_correct(ex.check_gradient_descent_step, lambda w, g, lr: w - lr * g, capsys)
    assert_hint(ex.check_gradient_descent_step, lambda w, g, lr: w + lr * g, "sign error",
                capsys)
    assert_hint(ex.check_gradient_descent_step, lambda w, g, lr: w - g,
                "you forgot the learning rate", capsys)
    assert_hint(ex.check_gradient_descent_step, lambda w, g, lr: lr * g,
                "you returned the step", capsys)
    assert_hint(ex.check_gradient_descent_step, lambda w, g, lr: -lr * g,
                "you returned the change in w", capsys)
    assert_hint(ex.check_gradient_descent_step, lambda w, g, lr: w - lr,
                "you forgot the gradient", capsys)


# ---- chapter 3: the training loop ------------------------------------------------------

@functools.partial(jax.jit, static_argnames=("summed", "broadcast"))
def loss_grad(params, x, y, *, summed, broadcast):
    def loss(p):
        pred = x * p["w"] + p["b"] if broadcast else x @ p["w"] + p["b"]
        return (jnp.sum if summed else jnp.mean)((pred - y) ** 2)

    return jax.grad(loss)(params)


def loop(params, x, y, lr, steps, *, sign=1.0, update_b=True, summed=False, early=False,
         broadcast=False):
    """The reader's loop, with switches for the documented mistakes."""
    for _ in range(steps):
        grads = loss_grad(params, x, y, summed=summed, broadcast=broadcast)
        params = {"w": params["w"] - sign * lr * grads["w"],
                  "b": params["b"] - sign * lr * grads["b"] if update_b else params["b"]}
        if early:
            return params
    return params


def test_check_training_loop(capsys, allow_rank_promotion):
    check = ex.check_training_loop
    assert_correct(check, loop, capsys)
    assert_hint(check, lambda *a: loop(*a, sign=-1.0), "sign error", capsys)
    assert_hint(check, lambda *a: loop(*a, summed=True), "training diverged: average (not "
                                                         "sum) the loss", capsys)
    assert_hint(check, lambda *a: loop(*a, update_b=False), "b was never updated", capsys)
    assert_hint(check, lambda *a: loop(*a, early=True), "your loop took only one step", capsys)
    assert_hint(check, lambda p, x, y, lr, s: loop(p, x, y, lr, s - 1), "steps - 1", capsys)
    assert_hint(check, lambda p, *a: p, "params did not change", capsys)
    assert_hint(check, lambda *a: loop(*a, broadcast=True),
                "the residual broadcast to (n, n)", capsys)
    assert_hint(check, lambda *a: tuple(loop(*a).values()),
                "should return the updated params dict", capsys)


# ---- chapters 4 and 5: sigmoid, cross-entropy, MLP -------------------------------------

def test_check_sigmoid(capsys):
    assert_correct(ex.check_sigmoid, lambda z: 1 / (1 + jnp.exp(-z)), capsys)
    assert_correct(ex.check_sigmoid, jax.nn.sigmoid, capsys)
    assert_hint(ex.check_sigmoid, lambda z: 1 / (1 + jnp.exp(z)), "sign error", capsys)
    assert_hint(ex.check_sigmoid, jnp.tanh, "that is tanh", capsys)
    assert_hint(ex.check_sigmoid, lambda z: jnp.exp(z) / (1 + jnp.exp(z)),
                "gave [ 0., nan]: exp overflows for large |z|", capsys)


def bce(p, t):
    return -jnp.mean(t * jnp.log(p) + (1 - t) * jnp.log(1 - p))


def test_check_binary_cross_entropy(capsys):
    check = ex.check_binary_cross_entropy
    assert_correct(check, lambda p, t: -jnp.mean(xlogy(t, p) + xlogy(1 - t, 1 - p)), capsys)
    assert_correct(check, lambda p, t: bce(jnp.clip(p, 1e-7, 1 - 1e-7), t), capsys)
    assert_hint(check, bce, "got nan: 0 * log(0) is NaN; clip p", capsys)
    assert_hint(check, lambda p, t: -bce(p, t), "sign error", capsys)
    assert_hint(check, lambda p, t: bce(p, t) * len(t), "you summed over samples", capsys)
    assert_hint(check, lambda p, t: bce(1 - p, t), "the terms are swapped", capsys)
    assert_hint(check, lambda p, t: -jnp.mean(t * jnp.log(p)),
                "you left out the (1 - targets) * log(1 - p) term", capsys)
    assert_hint(check, lambda p, t: -(t * jnp.log(p) + (1 - t) * jnp.log(1 - p)),
                "you returned one loss per sample", capsys)


def forward(params, x, *, hidden=relu, output=lambda z: z, b1=True, b2=True):
    (l1, l2) = params
    h = hidden(x @ l1["w"] + (l1["b"] if b1 else 0.0))
    return output(h @ l2["w"] + (l2["b"] if b2 else 0.0))


def test_check_mlp_forward(capsys, allow_rank_promotion):
    check = ex.check_mlp_forward
    assert_correct(check, forward, capsys)
    assert_hint(check, lambda p, x: forward(p, x, hidden=lambda z: z),
                "you forgot the activation", capsys)
    assert_hint(check, lambda p, x: forward(p, x, output=relu),
                "no activation on the output layer", capsys)
    assert_hint(check, lambda p, x: forward(p, x, b1=False),
                "you forgot the bias of the hidden layer", capsys)
    assert_hint(check, lambda p, x: forward(p, x, b2=False),
                "you forgot the bias of the output layer", capsys)
    assert_hint(check, lambda p, x: relu(p[0]["w"] @ x + p[0]["b"]) @ p[1]["w"],
                "check the order of the matrix product: x @ w", capsys)
    assert_hint(check, lambda p, x: forward(p, x).T, "your output is transposed", capsys)
    assert_hint(check, lambda p, x: relu(x @ p[0]["w"] + p[0]["b"]),
                "forward(params, x) should have shape (5, 2), got shape (5, 4)", capsys)
