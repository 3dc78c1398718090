"""Answer checks for chapter 4: the sigmoid and the binary cross-entropy.

Both are called on float32 JAX arrays and on NumPy arrays, and on the edge cases
the exercises name: very large |z| for the sigmoid, probabilities of exactly 0
and 1 for the cross-entropy (which must then still be finite).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb
from dl_workshop.exercises._feedback import NotYet

__all__ = ["check_sigmoid", "check_binary_cross_entropy"]

_Z = np.array([-10.0, -2.0, 0.0, 1.5, 10.0], np.float32)
_BIG = np.array([-100.0, 100.0], np.float32)


def check_sigmoid(fn: Callable[[Any], Any]) -> bool:
    """Check ``fn(z) -> 1 / (1 + exp(-z))`` elementwise, also for large |z|.

    Hints: sign error, tanh, operator precedence, a missing ``1 +``, overflow
    (NaN) for large inputs, code for single numbers only, a Python list.

    Example:
      >>> check_sigmoid(lambda z: 1 / (1 + jnp.exp(-z)))
      Correct: sigmoid(z) = 1 / (1 + exp(-z)), squashing any number into (0, 1).
      True
    """
    name = "sigmoid(z)"
    z64 = _Z.astype(np.float64)
    expected = 1 / (1 + np.exp(-z64))
    mistakes = [
        (1 - expected, "sign error: sigmoid(z) = 1 / (1 + exp(-z)), with a minus in the "
                       "exponent"),
        (np.tanh(z64), "that is tanh, which ranges over (-1, 1); the sigmoid is "
                       "1 / (1 + exp(-z))"),
        (1 + np.exp(-z64), "operator precedence: 1 / 1 + exp(-z) divides first; put the "
                           "denominator in brackets, 1 / (1 + exp(-z))"),
        (np.exp(z64), "the denominator needs its 1 +: 1 / (1 + exp(-z))"),
        (np.divide(1, 1 - np.exp(-z64), out=np.full_like(z64, np.inf),
                   where=z64 != 0), "the denominator is 1 + exp(-z), with a plus"),
        (1 / (1 + np.exp(-z64)) ** 2, "no square: sigmoid(z) = 1 / (1 + exp(-z))"),
    ]

    def body() -> None:
        for z in (jnp.asarray(_Z), _Z.copy()):
            out = fb.call(fn, name, z, arg_names=("z",),
                          scalar_only="the chapter applies it to arrays of logits")
            got = fb.to_array(out, name, usage="a model applies it to a whole array of "
                                                "logits")
            fb.match(got, expected, mistakes, what=f"sigmoid({fb.fmt(_Z)})",
                     fallback="compute 1 / (1 + exp(-z)) elementwise with jnp.exp",
                     shape_advice="return one value per entry of z")
        got = fb.to_array(fb.call(fn, name, jnp.asarray(_BIG)), name, usage="")
        if not (np.all(np.isfinite(got)) and np.allclose(got, [0.0, 1.0], atol=1e-6)):
            raise NotYet(f"sigmoid({fb.fmt(_BIG)}) gave {fb.fmt(got)}, should be [0, 1]: "
                         f"exp(z) overflows to inf for large z, and inf / inf is NaN; write "
                         f"it as 1 / (1 + exp(-z)), which only ever divides 1 by a large "
                         f"number")

    return fb.checked("sigmoid(z) = 1 / (1 + exp(-z)), squashing any number into (0, 1).",
                      body)


_EPS_TOO_SMALL = (
    "clipping to [eps, 1 - eps] with a tiny eps does not protect p = 1: in float32, "
    "1 - eps rounds to exactly 1.0 for any eps below about 6e-8 (1 - 1e-12 == 1.0), so "
    "log(1 - p) is still log(0) and 0 * log(0) gives NaN; use eps = 1e-7")


def check_binary_cross_entropy(fn: Callable[[Any, Any], Any]) -> bool:
    """Check ``fn(probabilities, targets)`` = mean binary cross-entropy, always finite.

    ``-mean(t * log(p) + (1 - t) * log(1 - p))``; for probabilities of exactly 0
    or 1 the exercise asks for a finite loss: about 0 for a confident correct
    prediction, a large finite number (e.g. -log(1e-7)) for a confident mistake.
    Hints: sign, summed, swapped terms, missing term, log base, log(0), a clip
    bound that rounds to 1 in float32, xlogy without clipping, nan_to_num.

    Example:
      >>> check_binary_cross_entropy(lambda p, t: -jnp.mean(
      ...     t * jnp.log(jnp.clip(p, 1e-7, 1 - 1e-7))
      ...     + (1 - t) * jnp.log(1 - jnp.clip(p, 1e-7, 1 - 1e-7))))
      Correct: binary cross-entropy is the average of -log(probability of the true class), finite even for p = 0 or 1.
      True
    """
    name = "bce(probabilities, targets)"
    p = np.array([0.9, 0.2, 0.6, 0.3], np.float32)
    t = np.array([1.0, 0.0, 1.0, 1.0], np.float32)
    p64, t64 = p.astype(np.float64), t.astype(np.float64)
    terms = t64 * np.log(p64) + (1 - t64) * np.log(1 - p64)
    swapped = t64 * np.log(1 - p64) + (1 - t64) * np.log(p64)
    mistakes = [
        (np.mean(terms), "sign error: the loss is -mean(...), a positive number"),
        (-np.sum(terms), "you summed over samples; average instead (jnp.mean)"),
        (-np.mean(swapped), "the terms are swapped: targets * log(p) + (1 - targets) * "
                            "log(1 - p)"),
        (-np.mean(t64 * np.log(p64)), "you left out the (1 - targets) * log(1 - p) term "
                                      "for samples of class 0"),
        (-terms, "you returned one loss per sample; average them with jnp.mean"),
        (-np.mean(terms) / np.log(10), "that is log base 10; use the natural log, jnp.log"),
        (-np.mean(terms) / np.log(2), "that is log base 2; use the natural log, jnp.log"),
        (-np.mean(t64 * np.log(p64) + (1 - t64) * np.log(p64)),
         "class-0 samples should be charged -log(1 - p), not -log(p)"),
    ]

    def loss(probs: list[float], targets: list[float]) -> np.ndarray:
        out = fb.call(fn, name, jnp.asarray(probs, jnp.float32),
                      jnp.asarray(targets, jnp.float32))
        return fb.to_array(out, name, usage="training averages it into one number")

    def body() -> None:
        for args in ((jnp.asarray(p), jnp.asarray(t)), (p.copy(), t.copy())):
            out = fb.call(fn, name, *args, arg_names=("probabilities", "targets"),
                          scalar_only="it is called on arrays of probabilities")
            got = fb.to_array(out, name, usage="training averages it into one number")
            fb.match(got, -np.mean(terms), mistakes, what="the loss",
                     fallback="average -(targets * log(p) + (1 - targets) * log(1 - p))",
                     shape_advice="the loss is one number: average over the samples")
        right = loss([1.0, 0.0], [1.0, 0.0])    # confident and correct: loss about 0
        low = loss([0.0], [1.0])                 # confident mistakes: large but finite
        high = loss([1.0], [0.0])
        if np.isfinite(low) and not np.isfinite(high):
            raise NotYet(_EPS_TOO_SMALL)
        if not np.isfinite(right):
            raise NotYet(f"with p = [1, 0] and targets [1, 0] the loss is {fb.fmt(right)}: "
                         f"0 * log(0) is 0 * -inf = NaN; clip p into [eps, 1 - eps] with "
                         f"eps = 1e-7 before taking logs")
        if abs(float(right)) > 1e-3:
            raise NotYet(f"a confident correct prediction (p = [1, 0], targets [1, 0]) "
                         f"should cost about 0, got {fb.fmt(right)}: clip with a small eps "
                         f"such as 1e-7")
        wrong = max(low, high) if np.isfinite(low) and np.isfinite(high) else np.inf
        if not np.isfinite(wrong):
            raise NotYet(f"a confident mistake (p = 0 for a target of 1) gives "
                         f"{fb.fmt(wrong)}, and the exercise asks for a finite loss: "
                         f"-log(0) is inf even with xlogy; clip p into [1e-7, 1 - 1e-7] "
                         f"before taking logs")
        if wrong > 200:
            raise NotYet(f"a confident mistake costs {fb.fmt(wrong)}: replacing inf by the "
                         f"largest float (nan_to_num) makes gradients explode; clip p into "
                         f"[1e-7, 1 - 1e-7] instead, which costs -log(1e-7), about 16")
        if wrong < 3:
            raise NotYet(f"a confident mistake (p = 0 for a target of 1) costs only "
                         f"{fb.fmt(wrong)}: your eps is so large that it hides confident "
                         f"mistakes; use eps = 1e-7")

    return fb.checked("binary cross-entropy is the average of -log(probability of the true "
                      "class), finite even for p = 0 or 1.", body)
