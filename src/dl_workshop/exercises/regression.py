"""Answer checks for chapter 1: the linear model's predictions and the mean squared error.

Each check calls the reader's function as chapter 1 does: on float32 JAX arrays of
shape (n,) (and on NumPy arrays, which a reader may pass too), with n = 5 for
readable hints and n = 50, the chapter's size, to catch a hard-coded length.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb
from dl_workshop.exercises._feedback import NotYet

__all__ = ["check_predict", "check_mse"]

# Fixed, hand-picked inputs: every documented mistake gives a distinct answer.
_W, _B = 2.0, -1.0
_X = np.array([-2.0, -0.5, 0.0, 1.0, 3.0], dtype=np.float32)
_X50 = np.linspace(-5.0, 5.0, 50, dtype=np.float32)
_P = np.array([1.0, 2.0, 4.0, 0.5], dtype=np.float32)
_T = np.array([1.5, 2.0, 3.0, -1.0], dtype=np.float32)


def _predict_mistakes(w: float, b: float, x: np.ndarray) -> list[tuple[Any, str]]:
    x = x.astype(np.float64)
    return [
        (w * x, "you forgot the bias: add b to w * x"),
        (w * x * b, "you multiplied by b; the bias is added: w * x + b"),
        ((w + x) * b, "the slope multiplies x and the bias is added: w * x + b"),
        (w * x - b, "check the sign of the bias: w * x + b, not w * x - b"),
        (b * x + w, "w and b are swapped: w is the slope (it multiplies x), b the intercept"),
        (w * (x + b), "brackets: w * (x + b) multiplies the bias by w as well; write "
                      "w * x + b"),
        (np.full_like(x, w * x[0] + b), "every prediction uses the first input: use the "
                                        "whole array x, w * x + b"),
    ]


def check_predict(fn: Callable[[float, float, Any], Any]) -> bool:
    """Check ``fn(w, b, x) -> w * x + b`` for ``x`` of shape (n,).

    Hints: forgot the bias, multiplied instead of added, sign of the bias, w and b
    swapped, a Python list instead of an array, an (n, 1) result, x changed in
    place, code for single numbers only.

    Example:
      >>> check_predict(lambda w, b, x: w * x + b)
      Correct: predict(w, b, x) = w * x + b.
      True
    """
    name = "predict(w, b, x)"

    def body() -> None:
        for x in (jnp.asarray(_X), _X.copy()):
            out = fb.call(fn, name, _W, _B, x, arg_names=("w", "b", "x"),
                          scalar_only="the chapter calls predict on an array of 50 inputs")
            got = fb.to_array(out, name, usage="the next cell computes `guess - y` with the "
                                               "result")
            if got.shape == (_X.size, 1):
                raise NotYet(f"predict returned shape {got.shape} for x of shape {_X.shape}; "
                             f"keep x one-dimensional (don't reshape it), so that the "
                             f"predictions line up with y of shape (n,)")
            fb.match(got, _W * _X.astype(np.float64) + _B, _predict_mistakes(_W, _B, _X),
                     what=f"predict(w={_W}, b={_B}, x={fb.fmt(_X)})",
                     fallback="compute w * x + b, element by element, with the w, b and x "
                              "passed in (not the chapter's guess_w, guess_b or data)",
                     shape_advice="return one prediction per input, the same shape as x")
        out = fb.call(fn, name, _W, _B, jnp.asarray(_X50), arg_names=("w", "b", "x"))
        got = fb.to_array(out, name, usage="the next cell computes `guess - y`")
        fb.match(got, _W * _X50.astype(np.float64) + _B, [],
                 what="predict on the chapter's 50 inputs",
                 fallback="correct for 5 inputs but not for 50: did you hard-code the "
                          "number of inputs?",
                 shape_advice="correct for 5 inputs but not for 50: did you hard-code the "
                              "number of inputs?")

    return fb.checked("predict(w, b, x) = w * x + b.", body)


def check_mse(fn: Callable[[Any, Any], Any]) -> bool:
    """Check ``fn(predictions, targets)`` = mean of squared errors (a scalar).

    Hints: summed instead of averaged, forgot to square, absolute error, square
    root (RMSE), per-sample errors, (n, 1) vs (n,) broadcasting, a hard-coded
    number of samples, an input changed in place, code for single numbers only.

    Example:
      >>> check_mse(lambda p, t: ((p - t) ** 2).mean())
      Correct: the mean squared error is the average of the squared residuals.
      True
    """
    name = "mse(predictions, targets)"
    err = _P.astype(np.float64) - _T
    outer = _P[:, None].astype(np.float64) - _T[None, :]
    mistakes = [
        (np.sum(err**2), "you summed the squared errors; average them instead "
                         "(divide by the number of samples, or use jnp.mean)"),
        (np.mean(err), "you forgot to square the errors: (predictions - targets) ** 2"),
        (np.mean(-err), "you forgot to square the errors: (predictions - targets) ** 2"),
        (np.mean(np.abs(err)), "that is the mean absolute error; square the errors "
                               "instead of taking their absolute value"),
        (np.sqrt(np.mean(err**2)), "that is the root mean squared error; "
                                   "leave out the square root"),
        (np.mean(outer**2), "your residual has shape (n, n): an (n, 1) array minus an "
                            "(n,) array broadcasts; make both shape (n,)"),
        (err**2, "you returned one squared error per sample; "
                 "average them into a single number with jnp.mean"),
        (np.mean(err) ** 2, "you squared the mean error; square each error first, then "
                            "average: jnp.mean((predictions - targets) ** 2)"),
        (np.sum(err**2) / (len(err) - 1), "you divided by n - 1; the mean divides by n "
                                          "(use jnp.mean)"),
    ]

    def body() -> None:
        for p, t in ((jnp.asarray(_P), jnp.asarray(_T)), (_P.copy(), _T.copy())):
            out = fb.call(fn, name, p, t, arg_names=("predictions", "targets"),
                          scalar_only="the chapter calls mse on arrays of 50 values")
            got = fb.to_array(out, name, usage="the chapter prints it as one number")
            fb.match(got, np.mean(err**2), mistakes, what="the loss",
                     fallback="square each difference predictions - targets, then average",
                     shape_advice="the loss is one number: average the squared errors")
        p50, t50 = _X50 * 2.0, _X50 + np.cos(_X50)
        out = fb.call(fn, name, jnp.asarray(p50), jnp.asarray(t50))
        got = fb.to_array(out, name, usage="the chapter prints it as one number")
        hard = ("correct for 4 samples but not for the chapter's 50: did you hard-code the "
                "number of samples? use jnp.mean")
        fb.match(got, np.mean((p50.astype(np.float64) - t50) ** 2), [], what="the loss on "
                 "50 samples", fallback=hard, shape_advice=hard)

    return fb.checked("the mean squared error is the average of the squared residuals.",
                      body)
