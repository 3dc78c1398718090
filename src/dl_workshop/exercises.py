"""Answer checks for the book's exercises, for use in a live notebook.

Each ``check_*`` takes the reader's function, runs it on fixed inputs, and
prints one line: ``Correct: ...`` or ``Not yet: <specific hint>``. It returns
True or False and never raises on a wrong answer: exceptions from the
reader's code become hints. Expected values come from independent NumPy
computations, and the printed text is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

__all__ = ["check_predict", "check_mse"]

# Fixed, hand-picked inputs: every documented mistake gives a distinct answer.
_W, _B = 2.0, -1.0
_X = np.array([-2.0, -0.5, 0.0, 1.0, 3.0], dtype=np.float32)
_P = np.array([1.0, 2.0, 4.0, 0.5], dtype=np.float32)
_T = np.array([1.5, 2.0, 3.0, -0.5], dtype=np.float32)


def _verdict(ok: bool, message: str) -> bool:
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def _fmt(a: np.ndarray) -> str:
    if a.ndim == 0:
        return f"{float(a):.4g}"
    return np.array2string(a, precision=4, separator=", ", suppress_small=True)


def _run(fn: Any, name: str, *args: Any) -> tuple[np.ndarray | None, str]:
    """Call the reader's ``fn``; return (result as float64 array, "") or (None, hint)."""
    if not callable(fn):
        return None, (f"pass your function itself, e.g. check(my_function), not its "
                      f"result (got a value of type {type(fn).__name__})")
    args = tuple(jnp.asarray(a) if isinstance(a, np.ndarray) else a for a in args)
    try:
        out = fn(*args)
    except Exception as err:  # noqa: BLE001 - the reader's code may raise anything
        first_line = (str(err).strip().splitlines() or [""])[0][:200]
        first_line = re.sub(r"0x[0-9a-fA-F]+", "0x...", first_line)
        return None, f"calling {name} raised {type(err).__name__}: {first_line}"
    try:
        return np.asarray(out, dtype=np.float64), ""
    except (TypeError, ValueError):
        return None, f"{name} should return an array or a number, got {type(out).__name__}"


def _diagnose(got: np.ndarray, expected: np.ndarray, mistakes: list[tuple[Any, str]],
              *, what: str, atol: float = 1e-5) -> tuple[bool, str]:
    """Compare an answer with the expected value and a list of known mistakes."""
    if got.shape == expected.shape and np.allclose(got, expected, rtol=1e-4, atol=atol):
        return True, ""
    for candidate, hint in mistakes:
        candidate = np.asarray(candidate, dtype=np.float64)
        if candidate.shape == got.shape and np.allclose(got, candidate, rtol=1e-4, atol=atol):
            return False, hint
    if got.shape != expected.shape:
        return False, f"{what} should have shape {expected.shape}, got shape {got.shape}"
    if not np.all(np.isfinite(got)):
        return False, f"{what} contains NaN or inf: {_fmt(got)}"
    return False, f"{what} should be {_fmt(expected)}, got {_fmt(got)}"


def check_predict(fn: Callable[[float, float, Any], Any]) -> bool:
    """Check ``fn(w, b, x) -> w * x + b`` for ``x`` of shape (n,).

    Hints: forgot the bias, multiplied instead of added, sign of the bias,
    wrong output shape.

    Example:
      >>> check_predict(lambda w, b, x: w * x + b)
      Correct: predict(w, b, x) = w * x + b.
      True
    """
    got, hint = _run(fn, "predict(w, b, x)", _W, _B, _X)
    if got is None:
        return _verdict(False, hint)
    mistakes = [
        (_W * _X, "you forgot the bias: add b to w * x"),
        (_W * _X * _B, "you multiplied by b; the bias is added: w * x + b"),
        ((_W + _X) * _B, "the slope multiplies x and the bias is added: w * x + b"),
        (_W * _X - _B, "check the sign of the bias: w * x + b, not w * x - b"),
        (_B * _X + _W, "w and b are swapped: w is the slope, b the intercept"),
    ]
    if got.ndim == 2 and got.shape[0] == _X.shape[0]:
        return _verdict(False, f"predict returned shape {got.shape} for x of shape "
                               f"{_X.shape}; keep x one-dimensional (don't reshape it)")
    ok, hint = _diagnose(got, _W * _X + _B, mistakes,
                         what=f"predict(w={_W}, b={_B}, x={_fmt(_X)})")
    return _verdict(ok, "predict(w, b, x) = w * x + b." if ok else hint)


def check_mse(fn: Callable[[Any, Any], Any]) -> bool:
    """Check ``fn(predictions, targets)`` = mean of squared errors (a scalar).

    Hints: summed instead of averaged, forgot to square, absolute error,
    square root (RMSE), per-sample errors, (n, 1) vs (n,) broadcasting.

    Example:
      >>> check_mse(lambda p, t: ((p - t) ** 2).mean())
      Correct: the mean squared error is the average of the squared residuals.
      True
    """
    got, hint = _run(fn, "mse(predictions, targets)", _P, _T)
    if got is None:
        return _verdict(False, hint)
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
                 "average them into a single number"),
    ]
    ok, hint = _diagnose(got, np.mean(err**2), mistakes, what="the loss")
    if ok:  # also on a second input, to catch a hard-coded number of samples
        p2, t2 = _P[:3] * 2, _T[:3]
        got2, hint = _run(fn, "mse(predictions, targets)", p2, t2)
        ok = got2 is not None and np.allclose(got2, np.mean((p2 - t2) ** 2.0), rtol=1e-4)
        hint = hint or ("correct for 4 samples but not for 3: did you hard-code "
                        "the number of samples? use jnp.mean")
    return _verdict(ok, "the mean squared error is the average of the squared "
                        "residuals." if ok else hint)
