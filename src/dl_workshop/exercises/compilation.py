"""Answer checks for Part II, chapter 9 (compilation with ``jax.jit``): control flow
that traces, static arguments, and timing that waits for the result."""

from __future__ import annotations

import contextlib
import functools
import math
import numbers
import time
import timeit
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb

__all__ = ["check_soft_threshold", "check_static_moments", "check_timing"]

# What JAX raises when Python needs a value that only exists when the program runs.
_TRACING_HINTS = [
    (jax.errors.TracerBoolConversionError,
     "your function uses Python's if (or and/or, or a comparison chain) on a traced "
     "value; under jit, choose elementwise with jnp.where(condition, a, b)"),
    (jax.errors.TracerArrayConversionError,
     "you passed a traced value to NumPy (np.where, np.sign, ...); NumPy cannot see inside "
     "a tracer: use the jnp version"),
    (jax.errors.ConcretizationTypeError,
     "float() or int() of a traced value fails under jit; keep it an array and use jnp "
     "functions"),
]


def _traced_call(fn: Any, name: str, *args: Any) -> tuple[np.ndarray | None, str]:
    """Call ``jax.jit(fn)(*args)``; explain the tracing errors a reader meets."""
    if not callable(fn):
        return fb.run(fn, name)
    try:
        out = jax.jit(fn)(*args)
    except Exception as err:  # noqa: BLE001 - the reader's code may raise anything
        for kind, hint in _TRACING_HINTS:
            if isinstance(err, kind):
                return None, hint
        if "truth value of an array" in str(err):
            return None, _TRACING_HINTS[0][1]
        if "Pred must be a scalar" in str(err):
            return None, ("lax.cond chooses one branch for the whole call, so its condition "
                          "must be a single boolean; for an elementwise choice use jnp.where")
        return fb.run(jax.jit(fn), name, *args)
    return np.asarray(out, np.float64), ""


def check_soft_threshold(fn: Callable[[Any, Any], Any]) -> bool:
    """Check a jit-compatible ``fn(x, t)``: ``x - t`` above ``t``, ``x + t`` below
    ``-t``, 0 in between, elementwise for ``x`` of shape (n,).

    The check calls ``jax.jit(fn)(x, t)``, with both arguments traced.
    Hints: Python if, np.where, lax.cond on an array, float() of a tracer,
    lost sign, no clamp, hard threshold, clipping, no middle case.

    Example:
      >>> check_soft_threshold(lambda x, t: jnp.sign(x) * jnp.maximum(jnp.abs(x) - t, 0.0))
      Correct: jit-compatible soft thresholding, x shrunk towards 0 by t.
      True
    """
    x = np.array([-3.0, -1.5, -0.5, 0.0, 0.4, 1.0, 2.5], np.float32)
    t = np.float32(1.0)
    got, hint = _traced_call(fn, "soft_threshold(x, t)", jnp.asarray(x), jnp.asarray(t))
    if got is None:
        return fb.verdict(False, hint)
    x64 = x.astype(np.float64)
    expected = np.sign(x64) * np.maximum(np.abs(x64) - t, 0) + 0.0  # no -0.
    mistakes = [
        (np.where(np.abs(x64) > t, x64 - t, 0), "for x below -t the result is x + t: shrink "
                                                "towards zero, e.g. with jnp.sign(x)"),
        (np.sign(x64) * (np.abs(x64) - t), "between -t and t the result must be 0: clamp "
                                           "|x| - t at zero with jnp.maximum"),
        (np.maximum(np.abs(x64) - t, 0), "you lost the sign: multiply by jnp.sign(x)"),
        (np.where(np.abs(x64) > t, x64, 0), "that keeps x unchanged outside [-t, t] (a hard "
                                            "threshold); soft thresholding also moves it by t"),
        (np.clip(x64, -t, t), "that is jnp.clip(x, -t, t), the part that is removed; return "
                              "x minus it"),
        (np.where(x64 > t, x64 - t, x64 + t), "between -t and t the result must be 0; you need "
                                              "a third case"),
    ]
    ok, hint = fb.diagnose(got, expected, mistakes, what=f"soft_threshold(x={fb.fmt(x)}, t=1)")
    return fb.verdict(ok, "jit-compatible soft thresholding, x shrunk towards 0 by t." if ok
                      else hint)


def _moments(x: np.ndarray, k: int) -> np.ndarray:
    return np.array([np.mean(x.astype(np.float64) ** j) for j in range(1, k + 1)])


def check_static_moments(fn: Callable[[Any, int], Any]) -> bool:
    """Check a compiled ``moments(x, k)``: the first ``k`` moments of ``x``, shape (k,).

    ``fn`` must be a ``jax.jit``-compiled function with ``k`` static; it is
    called positionally, ``fn(x, 3)`` then ``fn(x, 2)``.
    Hints: k traced, x static, not compiled, k ignored, int() of a tracer.

    Example:
      >>> def moments(x, k):
      ...     return jnp.stack([jnp.mean(x ** j) for j in range(1, k + 1)])
      >>> check_static_moments(jax.jit(moments, static_argnames="k"))
      Correct: k is static (it sets the output's shape) and x is traced.
      True
    """
    x = jnp.array([0.5, -1.0, 2.0, 1.5], jnp.float32)
    if callable(fn) and not hasattr(fn, "lower"):
        return fb.verdict(False, "that function is not compiled: wrap moments in jax.jit, "
                                 "with k static")
    for k in (3, 2):
        try:
            got, hint = np.asarray(fn(x, k), np.float64), ""
        except jax.errors.TracerIntegerConversionError:
            return fb.verdict(False, "k is traced, but range(1, k + 1) needs a concrete number: "
                                     "mark it static, jax.jit(moments, static_argnames='k')")
        except jax.errors.ConcretizationTypeError:
            return fb.verdict(False, "int(k) of a traced k fails; make k static instead of "
                                     "converting it")
        except ValueError as err:
            if "Non-hashable static arguments" not in str(err):
                raise
            return fb.verdict(False, "you made x static, but an array cannot be static (it "
                                     "is not hashable); only k should be static")
        except Exception:  # noqa: BLE001 - anything else: let fb.run describe it
            got, hint = fb.run(fn, "moments(x, k)", x, k)
        if got is None:
            return fb.verdict(False, hint)
        if got.shape != (k,):
            return fb.verdict(False, f"moments(x, {k}) should have shape ({k},), got shape "
                                     f"{got.shape}: does your function ignore k?")
        ok, hint = fb.diagnose(got, _moments(np.asarray(x), k), [],
                               what=f"moments(x, {k})")
        if not ok:
            return fb.verdict(False, hint)
    return fb.verdict(True, "k is static (it sets the output's shape) and x is traced.")


# check_timing: a stand-in for a compiled function, with JAX's asynchronous dispatch.
_COMPILE, _RUN, _REPEATS = 1.0, 0.02, 4
# The answers' times fall near RUN (right), REPEATS * RUN (a total) or
# (COMPILE + REPEATS * RUN) / REPEATS (compilation included): 0.02, 0.08 and 0.27 s.
# The borders sit at the geometric means (on the real clock, a busy machine, which only
# adds time, has 20 ms and 67 ms of slack before an answer changes class).
_RIGHT_OR_TOTAL = math.sqrt(_RUN * _REPEATS * _RUN)
_TOTAL_OR_COMPILED = math.sqrt(_REPEATS * _RUN * (_COMPILE / _REPEATS + _RUN))


class _Clock:
    """The time the reader's timer reads: it moves only when the stand-in compiles or
    waits, so the answer's number does not depend on how busy the machine is."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        """Serve ``time.perf_counter``, ``time.monotonic``, ``time.time`` and
        ``timeit.default_timer`` from this clock while the answer runs. A timer
        imported by name beforehand still reads the real time, which the stand-in
        also spends (with a busy machine's noise)."""
        with contextlib.ExitStack() as stack:
            for module, name in ((time, "perf_counter"), (time, "monotonic"), (time, "time"),
                                 (timeit, "default_timer")):
                stack.enter_context(mock.patch.object(module, name, self))
            yield


class _Pending:
    """A result that is ready at ``ready_at`` (like a jax.Array still being computed)."""

    def __init__(self, clock: _Clock, ready_at: float, real_ready_at: float) -> None:
        self.clock, self.ready_at, self.real_ready_at = clock, ready_at, real_ready_at

    def block_until_ready(self) -> _Pending:
        time.sleep(max(0.0, self.real_ready_at - _real_time()))
        self.clock.now = max(self.clock.now, self.ready_at)
        return self


_real_time = time.perf_counter


class _FakeCompiled:
    """First call compiles (``_COMPILE`` s); every call queues ``_RUN`` s of work."""

    def __init__(self, clock: _Clock) -> None:
        self.clock, self.compiled = clock, False
        self.busy_until = self.real_busy_until = 0.0

    def __call__(self, *args: Any) -> _Pending:
        if not self.compiled:
            time.sleep(_COMPILE)
            self.clock.now += _COMPILE
            self.compiled = True
        self.busy_until = max(self.busy_until, self.clock.now) + _RUN
        self.real_busy_until = max(self.real_busy_until, _real_time()) + _RUN
        return _Pending(self.clock, self.busy_until, self.real_busy_until)


def check_timing(fn: Callable[..., float]) -> bool:
    """Check ``fn(f, *args, repeats=...)`` returns the seconds one call of ``f`` takes,
    compilation excluded, waiting for the result.

    ``f`` is a stand-in for a jit-compiled function: its first call compiles
    (1 s), and each call returns at once with a result that is ready 0.02 s
    later (``.block_until_ready()`` waits for it, as ``jax.block_until_ready`` does).
    Hints: no blocking, compile time included, total instead of per call,
    milliseconds, not a number.
    """
    clock = _Clock()
    f = _FakeCompiled(clock)
    call = functools.partial(fn, repeats=_REPEATS) if callable(fn) else fn
    with clock.installed():
        got, hint = fb.run(call, "time_call(f, x, repeats=4)", f, 1.0,
                           convert=lambda out: out, returns="a number of seconds")
    if hint:
        return fb.verdict(False, hint)
    if not isinstance(got, (numbers.Real, np.floating, jax.Array)) or np.ndim(got) != 0:
        return fb.verdict(False, f"time_call should return the seconds per call as a number, "
                                 f"got {type(got).__name__}")
    seconds = float(got)
    if seconds < 0.5 * _RUN:
        hint = ("your timer stops before the work is done: calls return at once and compute "
                "in the background, so wait with jax.block_until_ready(result) inside the "
                "timed region")
    elif seconds > 10:
        hint = f"{seconds:.0f} looks like milliseconds; return seconds"
    elif seconds < _RIGHT_OR_TOTAL:
        return fb.verdict(True, "compilation excluded, and the clock waits for the result.")
    elif seconds < _TOTAL_OR_COMPILED:
        hint = ("that looks like the total over all repeats; divide by repeats to get the "
                "time per call")
    else:
        hint = ("your time includes the compilation of the first call: call the function "
                "once (and wait for it) before you start the clock")
    return fb.verdict(False, hint)
