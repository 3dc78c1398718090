"""Shared machinery of the answer checks (private): run the reader's function,
compare its answer with the expected one and with known mistakes, print a verdict."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


def verdict(ok: bool, message: str) -> bool:
    """Print the one-line verdict and return ``ok``."""
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def fmt(a: np.ndarray) -> str:
    """Short, deterministic text for a number or an array (4 significant digits)."""
    if a.ndim == 0:
        return f"{float(a):.4g}"
    return np.array2string(a, precision=4, separator=", ", suppress_small=True)


def _as_array(out: Any) -> np.ndarray:
    return np.asarray(out, dtype=np.float64)


def run(fn: Any, name: str, *args: Any, convert: Callable[[Any], np.ndarray] = _as_array,
        returns: str = "an array or a number") -> tuple[np.ndarray | None, str]:
    """Call the reader's ``fn`` on ``args`` (NumPy arrays become JAX arrays).

    Returns ``(convert(result), "")``, or ``(None, hint)`` if ``fn`` is not a
    function, raises, or returns something ``convert`` cannot handle.
    """
    if not callable(fn):
        return None, (f"pass your function itself, e.g. check(my_function), not its "
                      f"result (got a value of type {type(fn).__name__})")
    args = jax.tree.map(lambda a: jnp.asarray(a) if isinstance(a, np.ndarray) else a, args)
    try:
        out = fn(*args)
    except Exception as err:  # noqa: BLE001 - the reader's code may raise anything
        first_line = (str(err).strip().splitlines() or [""])[0][:200]
        first_line = re.sub(r"0x[0-9a-fA-F]+", "0x...", first_line)
        return None, f"calling {name} raised {type(err).__name__}: {first_line}"
    try:
        return convert(out), ""
    except (TypeError, ValueError, KeyError, IndexError):
        return None, f"{name} should return {returns}, got {type(out).__name__}"


def diagnose(got: np.ndarray, expected: np.ndarray, mistakes: list[tuple[Any, str]],
           *, what: str, atol: float = 1e-5, diverged: str = "") -> tuple[bool, str]:
    """Compare an answer with the expected value, then with known mistakes.

    Returns ``(True, "")`` or ``(False, hint)``. ``diverged`` is the hint for an
    answer that is NaN, inf or more than 1000 times too large.
    """
    if got.shape == expected.shape and np.allclose(got, expected, rtol=1e-4, atol=atol):
        return True, ""
    for candidate, hint in mistakes:
        candidate = np.asarray(candidate, dtype=np.float64)
        if candidate.shape == got.shape and np.allclose(got, candidate, rtol=1e-4, atol=atol):
            return False, hint
    if got.shape != expected.shape:
        return False, f"{what} should have shape {expected.shape}, got shape {got.shape}"
    too_big = np.abs(got).max() > 1e3 * (1 + np.abs(expected).max())
    if diverged and (not np.all(np.isfinite(got)) or too_big):
        return False, diverged
    if not np.all(np.isfinite(got)):
        return False, f"{what} contains NaN or inf: {fmt(got)}"
    return False, f"{what} should be {fmt(expected)}, got {fmt(got)}"
