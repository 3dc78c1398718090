"""Answer check for chapter 3: a gradient-descent training loop for linear regression.

Chapter 3 calls the reader's loop as ``train(params, x, y, learning_rate=0.05,
steps=100)`` with ``params = {"w": zeros (1,), "b": 0.}``, ``x`` of shape (50, 1)
and ``y`` of shape (50,), then reads ``params_loop["w"][0]`` and compares the dict
leaf by leaf with the result of ``training.fit``. The check calls it the same way,
on other data, and compares it with an independent NumPy loop.
"""

from __future__ import annotations

from collections.abc import Callable

import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb
from dl_workshop.exercises._feedback import NotYet

__all__ = ["check_training_loop"]

# 20 points on a line with a small deterministic wiggle.
_LX = np.linspace(-0.5, 1.5, 20, dtype=np.float32)[:, None]
_LY = (3.0 * _LX[:, 0] - 1.0 + 0.1 * np.sin(7.0 * _LX[:, 0])).astype(np.float32)


def _reference_loop(lr: float, steps: int, *, update_w: bool = True, update_b: bool = True,
                    broadcast_bug: bool = False, summed: bool = False) -> np.ndarray:
    """Gradient descent on the MSE of ``x @ w + b`` in float64; returns [w, b]."""
    x, y = _LX.astype(np.float64), _LY.astype(np.float64)
    w, b = np.zeros(1), 0.0
    for _ in range(steps):
        if broadcast_bug:  # predictions (n, 1) minus y (n,): an (n, n) residual
            r = x * w + b - y[None, :]
            grad_w, grad_b = 2 * np.mean(r * x) * np.ones(1), 2 * np.mean(r)
        else:
            r = x @ w + b - y
            grad_w, grad_b = 2 * x.T @ r / len(y), 2 * np.mean(r)
        w = w - lr * grad_w if update_w else w
        b = b - lr * grad_b if update_b else b
    return np.append(w, b)


def _params_of(out: object, name: str) -> np.ndarray:
    usage = "the next cells read params_loop['w'][0] and compare it with fit's params"
    if not isinstance(out, dict):
        raise NotYet(f"{name} should return the updated params dict {{'w': array (1,), "
                     f"'b': number}}, got a {type(out).__name__}; "
                     f"{usage}, so return a dict with the same keys")
    if set(out) != {"w", "b"}:
        raise NotYet(f"{name} returned a dict with keys {sorted(out)}; keep exactly the "
                     f"keys 'w' and 'b' of the params you were given")
    w = fb.to_array(out["w"], f"{name}['w']", usage=usage)
    b = fb.to_array(out["b"], f"{name}['b']", usage=usage)
    if w.shape != (1,) or b.shape != ():
        raise NotYet(f"params['w'] should keep shape (1,) and params['b'] shape (), got "
                     f"{w.shape} and {b.shape}; the gradient has the same shapes as the "
                     f"params, so update each leaf with its own gradient")
    return np.append(w, b)


def check_training_loop(fn: Callable[..., dict]) -> bool:
    """Check a gradient-descent loop for linear regression with MSE.

    ``fn(params, x, y, learning_rate=..., steps=...)`` starts from ``params =
    {"w": zeros (1,), "b": 0.}`` with ``x`` of shape (20, 1) and ``y`` (20,),
    takes ``steps`` gradient steps on ``mean((x @ w + b - y) ** 2)`` and returns
    a new params dict. Hints: sign error, diverged (e.g. a summed loss), did not
    update w or b, stopped after one step, steps - 1 steps, (n, 1) vs (n,)
    broadcasting, changed the caller's dict, wrong argument names, wrong return type.
    """
    name = "train(params, x, y, learning_rate, steps)"
    lr, steps = 0.1, 50
    expected = _reference_loop(lr, steps)
    mistakes = [
        (_reference_loop(-lr, steps), "sign error: subtract learning_rate * grad"),
        (_reference_loop(lr, 1), "your loop took only one step: is `return` inside it?"),
        (_reference_loop(lr, steps - 1), "you took steps - 1 steps; use range(steps)"),
        (_reference_loop(lr, steps + 1), "you took steps + 1 steps; use range(steps)"),
        (np.zeros(2), "params did not change: assign the updated params inside the loop "
                      "(params = ...) and return them"),
        (_reference_loop(lr, steps, update_b=False), "b was never updated"),
        (_reference_loop(lr, steps, update_w=False), "w was never updated"),
        (_reference_loop(lr, steps, broadcast_bug=True),
         "your predictions have shape (n, 1) and y shape (n,), so the residual broadcast "
         "to (n, n); predict with x @ params['w'] (shape (n,))"),
    ]

    def run(params: dict, x: object, y: object, n_steps: int) -> np.ndarray:
        try:
            out = fb.call(fn, name, params, x, y, arg_names=("params", "x", "y"),
                          kwargs={"learning_rate": lr, "steps": n_steps})
        except NotYet as hint:
            if "unexpected keyword argument" in str(hint):
                raise NotYet("the chapter calls train(params, x, y, learning_rate=0.05, "
                             "steps=100): name your function's parameters params, x, y, "
                             "learning_rate and steps") from None
            raise
        return _params_of(out, name)

    def body() -> None:
        start = {"w": jnp.zeros(1), "b": jnp.zeros(())}
        got = run(start, jnp.asarray(_LX), jnp.asarray(_LY), steps)
        for candidate, hint in mistakes:
            if np.allclose(got, candidate, rtol=1e-4, atol=1e-4):
                raise NotYet(hint)
        if not np.all(np.isfinite(got)) or np.abs(got).max() > 1e3:
            raise NotYet(f"training diverged ([w, b] = {fb.fmt(got)}): average (not sum) "
                         f"the loss over samples, and subtract learning_rate * grad")
        fb.match(got, expected, [], what="[w, b] after training", atol=1e-4,
                 fallback="use the params, x, y, learning_rate and steps passed in (not "
                          "the chapter's global data), and jax.grad of the mean squared "
                          "error with respect to params")
        numpy_start = {"w": np.zeros(1, np.float32), "b": np.float32(0.0)}
        got = run(numpy_start, _LX.copy(), _LY.copy(), steps)
        fb.match(got, expected, [], what="[w, b] after training on NumPy arrays", atol=1e-4,
                 fallback="your loop gives a different result for NumPy inputs")
        got = run({"w": jnp.array([0.5]), "b": jnp.array(0.25)}, jnp.asarray(_LX),
                  jnp.asarray(_LY), 0)
        if not np.allclose(got, [0.5, 0.25]):
            raise NotYet(f"with steps=0 the params should come back unchanged, got "
                         f"{fb.fmt(got)}: start from the params passed in (not from zeros) "
                         f"and loop exactly `steps` times")

    return fb.checked(f"after {steps} steps w = {expected[0]:.3f}, b = {expected[1]:.3f}, "
                      f"matching an independent NumPy loop.", body)
