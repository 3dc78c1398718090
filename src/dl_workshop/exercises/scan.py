"""Answer checks for Part II, chapter 7 (jax.lax.scan): a running minimum, an
exponential moving average, and a training loop written as a scan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb

__all__ = ["check_running_minimum", "check_ema_step", "check_train_scan"]

# Chosen so that every documented mistake gives a distinct sequence.
_LOSSES = np.array([5.0, 3.0, 4.0, 2.5, 2.8, 1.0, 1.5], np.float32)
_VALUES = np.array([2.0, 4.0, -1.0, 3.0, 0.5], np.float32)

_TRACED = ("inside jax.lax.scan the values are traced stand-ins, so Python's `if`, `min` "
           "and `max` cannot look at them")


def _scan(step: Any, name: str, init: Any, xs: np.ndarray) -> tuple[Any, str]:
    """Run ``jax.lax.scan(step, init, xs)``; return ((carry, outputs), "") or (None, hint)."""
    if not callable(step):
        return None, (f"pass your function itself, e.g. check(my_step), not its result "
                      f"(got a value of type {type(step).__name__})")
    got, hint = fb.run(lambda x: jax.lax.scan(step, init, x), name, xs,
                       convert=lambda out: out)
    if got is None:
        if "TracerBoolConversionError" in hint or "ConcretizationTypeError" in hint:
            hint = f"{_TRACED}; use jnp functions instead"
        elif "must be a pair" in hint:
            hint = ("a scan step returns a pair (new carry, output), e.g. "
                    "`return new, new`")
        elif "carry input and carry output must have equal types" in hint:
            hint = ("the carry changed its shape or dtype: return a carry of the same shape "
                    "as it came in (one number)")
        return None, hint
    carry, outputs = got
    if outputs is None:
        return None, ("your step returns None as its output, so the scan records nothing: "
                      "return the new value as the output too")
    return (np.asarray(carry, np.float64), np.asarray(outputs, np.float64)), ""


def check_running_minimum(fn: Callable[[Any, Any], tuple]) -> bool:
    """Check a scan step ``fn(best, loss) -> (best, best)`` with ``best = min(best, loss)``.

    It is run as ``jax.lax.scan(fn, jnp.inf, losses)`` on losses of shape (7,); the
    outputs (7,) must be the running minimum. Hints: Python ``if``/``min`` on traced
    values, maximum instead of minimum, output the loss, carry not updated, output
    one round late, not a pair.

    Example:
      >>> check_running_minimum(lambda best, loss: (jnp.minimum(best, loss),) * 2)
      Correct: the carry is the best loss so far, and so is each output.
      True
    """
    got, hint = _scan(fn, "jax.lax.scan(best_so_far, jnp.inf, losses)", jnp.inf, _LOSSES)
    if got is None:
        return fb.verdict(False, hint)
    carry, outputs = got
    x = _LOSSES.astype(np.float64)
    expected = np.minimum.accumulate(x)
    late = np.concatenate([[np.inf], expected[:-1]])
    mistakes = [
        (x, "your outputs are the losses themselves; output the best loss so far"),
        (np.minimum(np.inf, x), "your outputs are the losses themselves; output the best "
                                "loss so far"),
        (late, "your outputs are one round late (the first is inf): output the new best, "
               "not the carry that came in"),
    ]
    if np.all(np.isposinf(outputs)):
        return fb.verdict(False, "every output is inf, as with the running maximum "
                                 "(max(inf, loss) = inf); the best loss is the smallest: "
                                 "jnp.minimum")
    if np.isinf(carry) and not np.isinf(outputs).any():
        return fb.verdict(False, "the carry never changes: return the new best as the first "
                                 "element of the pair (the carry)")
    ok, hint = fb.diagnose(outputs, expected, mistakes, what="the outputs")
    if ok and not np.isclose(carry, expected[-1]):
        ok, hint = False, (f"the outputs are right but the final carry is {fb.fmt(carry)}, "
                           f"not {expected[-1]:g}: return the new best as the carry")
    return fb.verdict(ok, "the carry is the best loss so far, and so is each output."
                      if ok else hint)


def check_ema_step(fn: Callable[[Any, Any], tuple]) -> bool:
    """Check ``fn(average, value) -> (new, new)`` with ``new = 0.9 average + 0.1 value``.

    Run as ``jax.lax.scan(fn, 0.0, values)`` on values of shape (5,). Hints:
    weights swapped, weights not adding up to 1, output the input, carry not
    updated, output one round late, not a pair.

    Example:
      >>> check_ema_step(lambda a, v: (a + 0.1 * (v - a),) * 2)
      Correct: each average is 0.9 x the previous one + 0.1 x the new value.
      True
    """
    got, hint = _scan(fn, "jax.lax.scan(ema_step, 0.0, values)", 0.0, _VALUES)
    if got is None:
        return fb.verdict(False, hint)
    carry, outputs = got

    def ema(keep: float, take: float) -> np.ndarray:
        out, a = [], 0.0
        for v in _VALUES.astype(np.float64):
            a = keep * a + take * v
            out.append(a)
        return np.array(out)

    expected = ema(0.9, 0.1)
    mistakes = [
        (ema(0.1, 0.9), "the weights are swapped: 0.9 * average + 0.1 * value keeps most of "
                        "the old average"),
        (ema(0.9, 1.0), "the weights must add up to 1: 0.9 * average + 0.1 * value"),
        (ema(1.0, 0.1), "the weights must add up to 1: 0.9 * average + 0.1 * value"),
        (_VALUES, "your outputs are the values themselves; output the new average"),
        (0.1 * _VALUES.astype(np.float64), "the carry never changes: return the new average "
                                           "as the first element of the pair (the carry)"),
        (np.concatenate([[0.0], expected[:-1]]), "your outputs are one round late (the first "
                                                 "is 0): output the new average, not the old"),
    ]
    ok, hint = fb.diagnose(outputs, expected, mistakes, what="the outputs")
    if ok and not np.isclose(carry, expected[-1], rtol=1e-4):
        ok, hint = False, (f"the outputs are right but the final carry is {fb.fmt(carry)}, "
                           f"not {expected[-1]:.4g}: return the new average as the carry")
    return fb.verdict(ok, "each average is 0.9 x the previous one + 0.1 x the new value."
                      if ok else hint)


# check_train_scan: 12 points near the line y = 1.5 x + 0.5.
_TX = np.linspace(-1.0, 1.0, 12, dtype=np.float32)[:, None]
_TY = (1.5 * _TX[:, 0] + 0.5 + 0.2 * np.cos(5.0 * _TX[:, 0])).astype(np.float32)


def _reference(lr: float, steps: int, *, carry_new: bool = True,
               loss_after: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Gradient descent on the MSE of ``x @ w + b`` in float64: ([w, b], losses)."""
    x, y = _TX.astype(np.float64), _TY.astype(np.float64)
    w, b, recorded = np.zeros(1), 0.0, []
    for _ in range(steps):
        r = x @ w + b - y
        new_w, new_b = w - lr * 2 * x.T @ r / len(y), b - lr * 2 * np.mean(r)
        after = np.mean((x @ new_w + new_b - y) ** 2)
        recorded.append(after if loss_after else np.mean(r**2))
        if carry_new:
            w, b = new_w, new_b
    return np.append(w, b), np.array(recorded)


def _as_params_and_losses(out: Any) -> np.ndarray:
    params, losses = out  # raises on anything but a pair
    flat = np.append(np.asarray(params["w"], np.float64).ravel(), np.asarray(params["b"]))
    return np.concatenate([flat, np.asarray(losses, np.float64).ravel()])


def check_train_scan(fn: Callable[..., tuple]) -> bool:
    """Check ``fn(params, x, y, learning_rate, steps) -> (params, losses)``.

    Gradient descent on the mean squared error of the linear model, with
    ``params = {"w": (1,), "b": ()}``, ``x`` (12, 1), ``y`` (12,); ``losses`` has
    shape (steps,), each recorded before its update (as ``training.fit`` does).
    Compared with an independent NumPy loop. Hints: old params as the carry,
    loss recorded after the update, sign error, wrong number of steps,
    results in the wrong order, missing ``length``.
    """
    lr, steps = 0.2, 30
    params = {"w": np.zeros(1, np.float32), "b": np.zeros((), np.float32)}
    name = "train_scan(params, x, y, learning_rate, steps)"
    if not callable(fn):
        got, hint = fb.run(fn, name)
        return fb.verdict(False, hint)
    got, hint = fb.run(fn, name, params, _TX, _TY, lr, steps, convert=_as_params_and_losses,
                       returns="a pair (params dict {'w', 'b'}, losses of shape (steps,))")
    if got is None:
        if "no values to scan over" in hint:
            hint = "with xs=None, jax.lax.scan needs the number of rounds: length=steps"
        elif "should return" in hint:
            swapped = fb.run(fn, name, params, _TX, _TY, lr, steps,
                             convert=lambda out: _as_params_and_losses(out[::-1]))[0]
            if swapped is not None:
                hint = "return (params, losses) in that order, as jax.lax.scan gives them"
        return fb.verdict(False, hint)
    expected = np.concatenate(_reference(lr, steps))
    if got.shape != expected.shape:
        n_losses = got.size - 2
        return fb.verdict(False, f"expected {steps} losses (one per step), got {n_losses}: "
                                 f"pass length=steps")
    frozen = np.concatenate(_reference(lr, steps, carry_new=False))
    mistakes = [
        (frozen, "the loss never changes because the carry is the old params: return the "
                 "updated params as the carry"),
        (np.concatenate(_reference(lr, steps, loss_after=True)),
         "each loss is recorded after its update; record the loss of the params that "
         "come in (jax.value_and_grad gives both at once)"),
        (np.concatenate(_reference(-lr, steps)), "sign error: subtract learning_rate * grad"),
    ]
    ok, hint = fb.diagnose(got, expected, mistakes, what="[w, b, losses...]", atol=1e-4,
                           diverged="training diverged: average (not sum) the loss, and "
                                    "subtract learning_rate * grad")
    return fb.verdict(ok, f"after {steps} steps the loss fell from {expected[2]:.3f} to "
                          f"{expected[-1]:.3f}, matching an independent NumPy loop."
                      if ok else hint)
