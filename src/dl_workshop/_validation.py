"""Argument checks shared by the public modules (private).

Every check raises ``TypeError`` (wrong kind of value) or ``ValueError`` (right
kind, wrong value) with a message that names the argument, what was expected
and what was received. Checks that need concrete values (finiteness, ranges)
are skipped for tracers, so the same functions work inside ``jax.jit``.
"""

from __future__ import annotations

import numbers
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


def is_concrete(x: Any) -> bool:
    """True unless ``x`` is a JAX tracer (inside ``jit``, ``grad``, ``vmap``...)."""
    return not isinstance(x, jax.core.Tracer)


def _dtype_of(x: Any) -> np.dtype:
    """The dtype ``x`` has, or would get from NumPy (lists, Python numbers)."""
    if hasattr(x, "dtype"):
        return np.dtype(x.dtype)
    try:
        return np.asarray(x).dtype
    except (TypeError, ValueError):
        return np.dtype(object)


def as_array(x: Any, name: str, *, ndim: int | None = None, shape: str = "",
             kind: str = "float") -> jax.Array:
    """Return ``x`` as a non-empty JAX array of the right kind and rank.

    ``kind`` is "float" (floating point; Python ints/lists of ints are
    converted) or "int" (integer labels). ``shape`` describes the expected
    shape for messages, e.g. "(n, d)".
    """
    dtype = _dtype_of(x)
    is_array = hasattr(x, "dtype")
    if dtype == np.dtype(object) and isinstance(x, (list, tuple)):
        raise TypeError(f"{name} must be an array, got a {type(x).__name__} that NumPy "
                        f"cannot convert; build it with jnp.array(...)")
    if kind == "float":
        if jnp.issubdtype(dtype, jnp.floating):
            out = jnp.asarray(x)
        elif not is_array and jnp.issubdtype(dtype, jnp.integer):
            out = jnp.asarray(x, dtype=jnp.float32)  # Python numbers are fine
        else:
            raise TypeError(
                f"{name} must be a floating-point array (float32), got dtype {dtype}; "
                f"convert it with jnp.asarray({name}, dtype=jnp.float32)")
    elif kind == "int":
        if not jnp.issubdtype(dtype, jnp.integer) or dtype == np.bool_:
            raise TypeError(
                f"{name} must be an integer array of class labels, got dtype {dtype}; "
                f"convert it with jnp.asarray({name}, dtype=jnp.int32)")
        out = jnp.asarray(x)
    else:  # pragma: no cover - programming error inside the library
        raise AssertionError(kind)
    if ndim is not None and out.ndim != ndim:
        expected = f"shape {shape}" if shape else f"{ndim} dimensions"
        raise ValueError(f"{name} must have {expected}, got shape {out.shape}")
    if out.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {out.shape}")
    if kind == "float":
        check_finite(out, name)
    return out


def check_finite(x: jax.Array, name: str) -> None:
    """Raise ValueError if a concrete ``x`` holds NaN or inf (no-op on tracers)."""
    if not is_concrete(x):
        return
    values = np.asarray(x)
    bad = ~np.isfinite(values)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f" (first at index {first})" if values.ndim else ""
        raise ValueError(f"{name} must contain only finite values, got "
                         f"{int(bad.sum())} NaN/inf value(s){where}")


def check_same_shape(a: jax.Array, a_name: str, b: jax.Array, b_name: str) -> None:
    """Raise ValueError unless ``a`` and ``b`` have exactly the same shape.

    Broadcasting would otherwise turn (n,) against (n, 1) into an (n, n)
    result without any error: the silent-broadcast bug.
    """
    if a.shape == b.shape:
        return
    hint = ""
    if sorted([a.ndim, b.ndim]) == [1, 2] and a.shape[0] == b.shape[0]:
        hint = (f"; (n,) against (n, 1) would silently broadcast to (n, n). "
                f"Use .reshape(-1) to make both shape (n,)")
    raise ValueError(f"{b_name} has shape {b.shape} but {a_name} has shape {a.shape}; "
                     f"they must match exactly{hint}")


def check_key(key: Any, name: str = "key") -> None:
    """Raise TypeError unless ``key`` is a JAX PRNG key."""
    dtype = getattr(key, "dtype", None)
    if dtype is not None and jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key):
        return
    if dtype == np.uint32 and getattr(key, "shape", None) == (2,):
        return  # a legacy jax.random.PRNGKey
    got = f"dtype {dtype}" if dtype is not None else type(key).__name__
    raise TypeError(f"{name} must be a JAX random key such as jax.random.key(0), "
                    f"got {got}")


def check_int(value: Any, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= minimum."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def check_float(value: Any, name: str, *, low: float = -np.inf, high: float = np.inf,
                low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a float in the given interval, or raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if getattr(value, "shape", None) == () and not isinstance(value, jax.core.Tracer):
            value = value.item()  # a 0-d array holding a number
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a real number, got "
                            f"{type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise ValueError(f"{name} must be in {left}{low}, {high}{right}, got {value}")
    return value
