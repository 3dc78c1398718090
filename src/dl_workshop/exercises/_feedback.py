"""Shared machinery of the answer checks (private): call the reader's function the
way the chapter does, turn what goes wrong into a hint, and print a verdict.

A check fails with a *specific* hint: a wrong return type, code that only works on
single numbers, an argument changed in place, a non-finite value, or a known mistake
recognised by its numbers. Only when nothing is recognised does it fall back to
"expected ..., got ...", and even then it says what to look at.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


class NotYet(Exception):
    """Raised inside a check to stop at the first problem; its message is the hint."""


def verdict(ok: bool, message: str) -> bool:
    """Print the one-line verdict and return ``ok``."""
    print(("Correct: " if ok else "Not yet: ") + message)
    return ok


def checked(success: str, body: Callable[[], None]) -> bool:
    """Run ``body`` (which raises NotYet with a hint) and print the verdict."""
    try:
        body()
    except NotYet as hint:
        return verdict(False, str(hint))
    return verdict(True, success)


def fmt(a: Any) -> str:
    """Short, deterministic text for a number or an array (4 significant digits)."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return f"{float(a):.4g}"
    return np.array2string(a, precision=4, separator=", ", suppress_small=True,
                           max_line_width=10**6, threshold=8, edgeitems=3)


_SCALAR_ONLY = ("only length-1 arrays", "only 0-dimensional arrays", "only size-1 arrays",
                "only scalar arrays", "truth value of an array", "concretizationtypeerror",
                "tracerboolconversion", "must be real number, not", "iteration over a 0-d")


def _error_hint(err: Exception, name: str, scalar_only: str) -> str:
    first = (str(err).strip().splitlines() or [""])[0][:200]
    first = re.sub(r"0x[0-9a-fA-F]+", "0x...", first)
    text = f"calling {name} raised {type(err).__name__}: {first}"
    if scalar_only and any(s in f"{type(err).__name__} {err}".lower()
                           for s in _SCALAR_ONLY):
        text += (f". Your code works on single numbers only (math.*, float(), an `if` on a "
                 f"value); {scalar_only}. Use jnp functions and arithmetic, which work "
                 f"elementwise on whole arrays")
    return text


def _host(a: Any) -> Any:
    """An array as a NumPy copy (a PRNG key as its key data); anything else as it is."""
    if isinstance(a, jax.Array) and jax.dtypes.issubdtype(a.dtype, jax.dtypes.prng_key):
        return np.array(jax.random.key_data(a))
    return np.array(a) if isinstance(a, (np.ndarray, jax.Array)) else a


def snapshot(args: tuple) -> Any:
    """A deep copy of the arguments, to detect in-place changes afterwards."""
    return copy.deepcopy(jax.tree.map(_host, args))


def _same(a: Any, b: Any) -> bool:
    try:
        leaves_a, tree_a = jax.tree.flatten(a)
        leaves_b, tree_b = jax.tree.flatten(jax.tree.map(_host, b))
    except Exception:  # noqa: BLE001
        return False
    # Arrays and numbers are compared; other objects (a function, a stateful helper the
    # check passes in on purpose) are the reader's to use as they like.
    data = (np.ndarray, np.generic, int, float, complex)
    return tree_a == tree_b and all(
        not isinstance(x, data) or (np.shape(x) == np.shape(y)
                                    and np.array_equal(np.asarray(x), np.asarray(y)))
        for x, y in zip(leaves_a, leaves_b))


def call(fn: Any, name: str, *args: Any, kwargs: dict | None = None, scalar_only: str = "",
         arg_names: tuple[str, ...] = ()) -> Any:
    """Call the reader's ``fn(*args, **kwargs)`` as the chapter does; raise NotYet on trouble.

    Exceptions from the reader's code become hints (with extra advice when the code
    only works on single numbers), and so does any change to an argument in place.
    """
    if not callable(fn):
        raise NotYet(f"pass your function itself, e.g. check(my_function), not its result "
                     f"(got a value of type {type(fn).__name__})")
    before = snapshot(args)
    try:
        with jax.numpy_rank_promotion("allow"):
            out = fn(*args, **(kwargs or {}))
    except NotYet:
        raise
    except Exception as err:  # noqa: BLE001 - the reader's code may raise anything
        raise NotYet(_error_hint(err, name, scalar_only)) from None
    for i, (old, new) in enumerate(zip(before, args)):
        if not _same(old, new):
            arg = arg_names[i] if i < len(arg_names) else f"argument {i + 1}"
            if isinstance(old, dict):
                raise NotYet(f"{name} changed the dictionary `{arg}` that was passed in "
                             f"(an assignment like {arg}['w'] = ... writes into the "
                             f"caller's dict), so after the call the caller's {arg} is no "
                             f"longer where training started; build a new dict instead: "
                             f"{arg} = {{'w': ..., 'b': ...}} or jax.tree.map(...)")
            raise NotYet(f"{name} changed its argument `{arg}` in place, so the caller's "
                         f"value is different after the call; leave the inputs alone and "
                         f"return a new value (write `a = a - ...`, not `a -= ...` or "
                         f"`a[...] = ...`)")
    return out


def to_array(out: Any, name: str, *, usage: str) -> np.ndarray:
    """The reader's result as a float64 array, or NotYet naming the wrong type."""
    if out is None:
        raise NotYet(f"{name} returned None: did you forget the `return` statement?")
    if isinstance(out, (list, tuple)):
        raise NotYet(f"{name} returned a Python {type(out).__name__}, not an array; "
                     f"{usage}, which fails for a {type(out).__name__}. Compute with array "
                     f"operations (no list comprehension), or wrap the result in "
                     f"jnp.asarray(...)")
    if isinstance(out, dict) or not isinstance(out, (int, float, np.ndarray, np.generic,
                                                     jax.Array)):
        raise NotYet(f"{name} should return an array or a number, got a "
                     f"{type(out).__name__}")
    try:
        return np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise NotYet(f"{name} returned something that is not a number: {err}") from None


def want_shape(got: np.ndarray, shape: tuple, name: str, advice: str) -> None:
    if got.shape != shape:
        raise NotYet(f"{name} has shape {got.shape} but should have shape {shape}; {advice}")


def want_finite(got: np.ndarray, name: str, advice: str) -> None:
    if not np.all(np.isfinite(got)):
        raise NotYet(f"{name} gave {fmt(got)}, which contains NaN or inf; {advice}")


def match(got: np.ndarray, expected: np.ndarray, mistakes: list[tuple[Any, str]], *,
          what: str, fallback: str = "", shape_advice: str = "", atol: float = 1e-5,
          rtol: float = 1e-4, diverged: str = "") -> None:
    """Accept ``got`` if close to ``expected``; else raise NotYet naming the mistake.

    In order: a recognised mistake (its hint); a wrong shape (with
    ``shape_advice``); NaN, inf or a value over 1000 times too large
    (``diverged``, if given); else the expected and actual values, followed by
    ``fallback``, the advice for an unrecognised wrong answer.
    """
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=atol):
        return
    for candidate, hint in mistakes:
        candidate = np.asarray(candidate, dtype=np.float64)
        if candidate.shape == got.shape and np.allclose(got, candidate, rtol=rtol, atol=atol):
            raise NotYet(hint)
    if got.shape != expected.shape:
        raise NotYet(f"{what} has shape {got.shape} but should have shape {expected.shape}"
                     + (f"; {shape_advice}" if shape_advice else ""))
    finite = bool(np.all(np.isfinite(got)))
    if diverged and (not finite or np.abs(got).max() > 1e3 * (1 + np.abs(expected).max())):
        raise NotYet(diverged)
    if not finite:
        raise NotYet(f"{what} contains NaN or inf: {fmt(got)}")
    raise NotYet(f"{what} should be {fmt(expected)}, got {fmt(got)}"
                 + (f": {fallback}" if fallback else ""))


def as_jax(a: Any) -> Any:
    return jax.tree.map(lambda v: jnp.asarray(v) if isinstance(v, np.ndarray) else v, a)


# The same checks as ``(result, hint)`` pairs, for checkers that try several calls
# before deciding (the Part II checks): nothing is raised, an empty hint means no problem.

def _as_array(out: Any) -> np.ndarray:
    return np.asarray(out, dtype=np.float64)


def run(fn: Any, name: str, *args: Any, convert: Callable[[Any], np.ndarray] = _as_array,
        returns: str = "an array or a number") -> tuple[np.ndarray | None, str]:
    """:func:`call` on ``args`` (NumPy arrays become JAX arrays), then ``convert``.

    Returns ``(convert(result), "")``, or ``(None, hint)`` if ``fn`` is not a
    function, raises, changes an argument in place, or returns something
    ``convert`` cannot handle.
    """
    try:
        out = call(fn, name, *as_jax(args))
    except NotYet as hint:
        return None, str(hint)
    try:
        return convert(out), ""
    except (TypeError, ValueError, KeyError, IndexError):
        return None, f"{name} should return {returns}, got {type(out).__name__}"


def diagnose(got: np.ndarray, expected: np.ndarray, mistakes: list[tuple[Any, str]],
             *, what: str, atol: float = 1e-5, diverged: str = "") -> tuple[bool, str]:
    """:func:`match` as a pair: ``(True, "")``, or ``(False, hint)``."""
    try:
        match(got, expected, mistakes, what=what, atol=atol, diverged=diverged)
    except NotYet as hint:
        return False, str(hint)
    return True, ""
