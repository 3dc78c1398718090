"""Chapter 9's answer checks, table-driven: realistic wrong answers get their specific
hint, and several correct ways of writing the answer all pass."""

import functools
import time

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import verdict

from dl_workshop import exercises as ex


# ---- soft thresholding under jit ----------------------------------------------------------

def python_if(x, t):
    if x > t:
        return x - t
    return jnp.where(x < -t, x + t, 0.0)


def scalar_cond(x, t):
    return jax.lax.cond(x > t, lambda: x - t,
                        lambda: jax.lax.cond(x < -t, lambda: x + t, lambda: 0.0 * x))


SOFT_CORRECT = [
    lambda x, t: jnp.where(x > t, x - t, jnp.where(x < -t, x + t, 0.0)),
    lambda x, t: jnp.sign(x) * jnp.maximum(jnp.abs(x) - t, 0.0),
    lambda x, t: x - jnp.clip(x, -t, t),
    jax.vmap(scalar_cond, in_axes=(0, None)),
]

SOFT_WRONG = [
    (python_if, "uses Python's if"),
    (lambda x, t: np.where(np.abs(x) > t, x - np.sign(x) * t, 0.0), "you passed a traced value "
                                                                   "to NumPy"),
    (scalar_cond, "lax.cond chooses one branch for the whole call"),
    (lambda x, t: jnp.sign(x) * max(float(t), 0.0), "float() or int() of a traced value"),
    (lambda x, t: jnp.where(jnp.abs(x) > t, x - t, 0.0), "for x below -t the result is x + t"),
    (lambda x, t: jnp.sign(x) * (jnp.abs(x) - t), "clamp |x| - t at zero"),
    (lambda x, t: jnp.maximum(jnp.abs(x) - t, 0.0), "you lost the sign"),
    (lambda x, t: jnp.where(jnp.abs(x) > t, x, 0.0), "(a hard threshold)"),
    (lambda x, t: jnp.clip(x, -t, t), "that is jnp.clip(x, -t, t), the part that is removed"),
    (lambda x, t: jnp.where(x > t, x - t, x + t), "you need a third case"),
    (lambda x, t: x - t, "should be [-2. , -0.5,  0. ,  0. ,  0. ,  0. ,  1.5], got"),
]


@pytest.mark.parametrize("answer", SOFT_CORRECT)
def test_soft_threshold_correct(answer, capsys):
    ok, line = verdict(ex.check_soft_threshold, answer, capsys)
    assert ok, line


@pytest.mark.parametrize("answer, hint", SOFT_WRONG)
def test_soft_threshold_wrong(answer, hint, capsys):
    ok, line = verdict(ex.check_soft_threshold, answer, capsys)
    assert not ok and hint in line, line


# ---- static arguments ---------------------------------------------------------------------

def moments(x, k):
    return jnp.stack([jnp.mean(x ** j) for j in range(1, k + 1)])


MOMENTS_CORRECT = [
    jax.jit(moments, static_argnames="k"),
    jax.jit(moments, static_argnums=1),
    jax.jit(moments, static_argnames=("k",)),
    functools.partial(jax.jit, static_argnums=(1,))(moments),
]

MOMENTS_WRONG = [
    (jax.jit(moments), "k is traced, but range(1, k + 1) needs a concrete number"),
    (jax.jit(moments, static_argnums=0), "you made x static"),
    (jax.jit(moments, static_argnums=(0, 1)), "you made x static"),
    (moments, "that function is not compiled"),
    (jax.jit(lambda x, k: moments(x, 3)), "does your function ignore k?"),
    (jax.jit(lambda x, k: moments(x, int(k))), "int(k) of a traced k fails"),
    (jax.jit(lambda x, k: jnp.stack([jnp.mean(x) ** j for j in range(1, k + 1)]),
             static_argnums=1), "moments(x, 3) should be [0.75 , 1.875, 2.625], got"),
    (jax.jit(moments, static_argnames="k")(jnp.ones(3), 2), "pass your function itself"),
]


@pytest.mark.parametrize("answer", MOMENTS_CORRECT)
def test_static_moments_correct(answer, capsys):
    ok, line = verdict(ex.check_static_moments, answer, capsys)
    assert ok, line


@pytest.mark.parametrize("answer, hint", MOMENTS_WRONG)
def test_static_moments_wrong(answer, hint, capsys):
    ok, line = verdict(ex.check_static_moments, answer, capsys)
    assert not ok and hint in line, line


# ---- timing -------------------------------------------------------------------------------

def time_call(fn, *args, repeats=5, warm_up=True, block=True, per_call=True, scale=1.0,
              statistic=min):
    """The reader's timing function, with switches for the documented mistakes."""
    if warm_up:
        jax.block_until_ready(fn(*args))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn(*args)
        if block:
            jax.block_until_ready(out)
        times.append(time.perf_counter() - start)
    return scale * (statistic(times) if per_call else sum(times))


def time_loop(fn, *args, repeats=5):  # block once, after the loop: also correct
    fn(*args).block_until_ready()
    start = time.perf_counter()
    for _ in range(repeats):
        out = fn(*args)
    out.block_until_ready()
    return (time.perf_counter() - start) / repeats


def buggy_time_call(fn, *args, repeats=5):  # the chapter's version: both bugs
    start = time.perf_counter()
    for _ in range(repeats):
        fn(*args)
    return (time.perf_counter() - start) / repeats


TIMING_CORRECT = [
    time_call,
    functools.partial(time_call, statistic=np.median),
    time_loop,
    functools.partial(time_call, warm_up=False, statistic=np.median),
]

TIMING_WRONG = [
    (buggy_time_call, "your time includes the compilation"),
    (functools.partial(time_call, block=False, warm_up=True),
     "your timer stops before the work is done"),
    (functools.partial(time_call, block=False), "your timer stops before the work is done"),
    (functools.partial(time_call, warm_up=False, statistic=np.mean),
     "your time includes the compilation"),
    (functools.partial(time_call, warm_up=False, statistic=max),
     "your time includes the compilation"),
    (functools.partial(time_call, per_call=False), "that looks like the total over all repeats"),
    (functools.partial(time_call, scale=1000.0), "looks like milliseconds; return seconds"),
    (lambda fn, *args, repeats=5: fn(*args), "should return the seconds per call as a number"),
    (lambda fn, *args: 0.02, "unexpected keyword argument 'repeats'"),
]


@pytest.mark.parametrize("answer", TIMING_CORRECT)
def test_timing_correct(answer, capsys):
    ok, line = verdict(ex.check_timing, answer, capsys)
    assert ok, line


@pytest.mark.parametrize("answer, hint", TIMING_WRONG)
def test_timing_wrong(answer, hint, capsys):
    ok, line = verdict(ex.check_timing, answer, capsys)
    assert not ok and hint in line, line


def test_timing_check_reads_a_clock_that_machine_load_cannot_move(capsys):
    """The stand-in's time is exact on the clock the answer reads (time.perf_counter is
    served by the check while it runs), so a busy CI machine cannot flip a verdict."""
    measured, real_clock = [], time.perf_counter

    def recording(fn, *args, repeats=5):
        seconds = time_call(fn, *args, repeats=repeats)
        measured.append(seconds)
        return seconds

    assert_ok = verdict(ex.check_timing, recording, capsys)[0]
    assert assert_ok and measured == [pytest.approx(0.02, abs=1e-12)]
    assert time.perf_counter is real_clock  # the real clock is back after the check
