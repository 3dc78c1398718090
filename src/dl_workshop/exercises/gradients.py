"""Answer checks for chapter 2: a derivative and one gradient-descent step.

Chapter 2 calls ``df`` on Python floats, on JAX scalars and on an array of 31
values (``df(ws)``), and ``gradient_descent_step`` on floats and JAX scalars; the
checks do the same, and also pass NumPy arrays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb
from dl_workshop.exercises._feedback import NotYet

__all__ = ["check_derivative", "check_gradient_descent_step"]

_WS = np.array([-1.0, 0.0, 2.5, 3.0, 5.0])
_WS31 = np.linspace(-5.0, 10.0, 31, dtype=np.float32)


def _df_mistakes(ws: np.ndarray) -> list[tuple[Any, str]]:
    return [
        (-2 * (ws - 3), "sign error: f'(w) = 2 * (w - 3), which is negative for w < 3"),
        (ws - 3, "missing factor 2: the derivative of u**2 is 2 * u"),
        (2 * (ws - 3) + 1, "the + 1 is a constant, and the derivative of a constant is 0"),
        (2 * ws, "the derivative of (w - 3)**2 is 2 * (w - 3), not 2 * w"),
        ((ws - 3) ** 2 + 1, "that is f(w) itself; return its derivative"),
        (2 * (ws + 3), "check the sign inside the bracket: f(w) = (w - 3)**2 + 1 gives "
                       "2 * (w - 3)"),
        (2 * (ws - 3) ** 2, "the power rule lowers the power by one: the derivative of "
                            "(w - 3)**2 is 2 * (w - 3)"),
    ]


def check_derivative(fn: Callable[[Any], Any]) -> bool:
    """Check ``fn(w)`` = derivative of ``f(w) = (w - 3)**2 + 1``, i.e. ``2 * (w - 3)``.

    ``fn`` must work for one float and for an array of values (chapter 2 calls
    ``df(ws)``). Hints: sign error, missing factor 2, derivative of the constant,
    f itself, code for single numbers only, plain ``jax.grad(f)`` on an array.

    Example:
      >>> check_derivative(lambda w: 2 * (w - 3))
      Correct: f'(w) = 2 * (w - 3), for one number or a whole array.
      True
    """
    name = "df(w)"

    def body() -> None:
        results = []
        for w in _WS:
            got = fb.to_array(fb.call(fn, name, float(w)), name,
                              usage="gradient descent computes `w - learning_rate * df(w)`")
            if got.shape != ():
                raise NotYet(f"df(w) should return one number for one w, got shape "
                             f"{got.shape}: return the derivative at w, not an array of "
                             f"values")
            results.append(got)
        fb.match(np.array(results), 2 * (_WS - 3), _df_mistakes(_WS),
                 what=f"df(w) at w = {fb.fmt(_WS)}",
                 fallback="differentiate (w - 3)**2 + 1 with the power and chain rules")
        for ws in (jnp.asarray(_WS31), _WS31.copy()):
            try:
                out = fb.call(fn, name, ws, arg_names=("w",),
                              scalar_only="section 2.4 calls df(ws) on an array of 31 values")
            except NotYet as hint:
                if "scalar-output" in str(hint):
                    raise NotYet("jax.grad(f) works on one number at a time, but the chapter "
                                 "calls df(ws) on an array of 31 values; wrap it as "
                                 "jnp.vectorize(jax.grad(f)), or write the derivative as a "
                                 "formula in w") from None
                raise
            got = fb.to_array(out, name, usage="the chapter compares df(ws) with jax.grad "
                                               "elementwise")
            fb.match(got, 2 * (_WS31.astype(np.float64) - 3), _df_mistakes(_WS31),
                     what="df on an array of 31 values",
                     fallback="correct for single numbers but not for an array: compute "
                              "the formula on the whole array, without a loop over a "
                              "fixed number of values",
                     shape_advice="return one derivative per value of w")

    return fb.checked("f'(w) = 2 * (w - 3), for one number or a whole array.", body)


def check_gradient_descent_step(fn: Callable[[Any, Any, float], Any]) -> bool:
    """Check ``fn(w, grad, learning_rate) -> w - learning_rate * grad``.

    Called with floats, JAX arrays and NumPy arrays. Hints: sign error (added the
    gradient), forgot the learning rate or the gradient, returned the step instead
    of the new w, changed w in place, a Python list, code for single numbers only.

    Example:
      >>> check_gradient_descent_step(lambda w, grad, lr: w - lr * grad)
      Correct: one step downhill: w - learning_rate * grad.
      True
    """
    name = "gradient_descent_step(w, grad, learning_rate)"
    w, g = np.array([1.0, -2.0], np.float32), np.array([0.5, 3.0], np.float32)
    cases = [(2.0, 4.0, 0.25), (jnp.asarray(w), jnp.asarray(g), 0.1), (w.copy(), g.copy(), 0.1)]

    def body() -> None:
        for args in cases:
            w_, g_, lr_ = (np.asarray(a, np.float64) for a in args)
            out = fb.call(fn, name, *args, arg_names=("w", "grad", "learning_rate"),
                          scalar_only="later chapters update whole arrays of parameters "
                                      "with the same step")
            got = fb.to_array(out, name, usage="the next step passes it back in as w")
            mistakes = [
                (w_ + lr_ * g_, "sign error: step against the gradient, "
                                "w - learning_rate * grad"),
                (w_ - g_, "you forgot the learning rate: w - learning_rate * grad"),
                (lr_ * g_, "you returned the step; return the new w = "
                           "w - learning_rate * grad"),
                (-lr_ * g_, "you returned the change in w; add it to w"),
                (w_ - lr_, "you forgot the gradient: w - learning_rate * grad"),
                (w_ - g_ / lr_, "you divided by the learning rate; multiply: "
                                "w - learning_rate * grad"),
                ((w_ - g_) * lr_, "brackets: only the gradient is scaled by the learning "
                                  "rate, w - learning_rate * grad"),
            ]
            fb.match(got, w_ - lr_ * g_, mistakes,
                     what=f"step(w={fb.fmt(w_)}, grad={fb.fmt(g_)}, learning_rate={lr_})",
                     fallback="subtract learning_rate * grad from w",
                     shape_advice="return the new w, with the same shape as w")

    return fb.checked("one step downhill: w - learning_rate * grad.", body)
