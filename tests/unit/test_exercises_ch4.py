"""Chapter 4's checkers: sigmoid(z) and binary_cross_entropy(probabilities, targets).

The cross-entropy exercise asks for a finite loss even at probabilities of exactly
0 and 1: unclipped code, xlogy alone and a clip bound that rounds to 1 in float32
must each get their own hint.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases

from dl_workshop.exercises import check_binary_cross_entropy, check_sigmoid

xlogy = jax.scipy.special.xlogy


def bce(p, t):
    return -jnp.mean(t * jnp.log(p) + (1 - t) * jnp.log(1 - p))


def clipped(eps):
    return lambda p, t: bce(jnp.clip(p, eps, 1 - eps), t)


WRONG = {
    check_sigmoid: [
        (lambda z: 1 / (1 + jnp.exp(z)), "sign error"),
        (jnp.tanh, "that is tanh"),
        (lambda z: 1 / 1 + jnp.exp(-z), "operator precedence"),
        (lambda z: 1 / jnp.exp(-z), "the denominator needs its 1 +"),
        (lambda z: 1 / (1 - jnp.exp(-z)), "the denominator is 1 + exp(-z), with a plus"),
        (lambda z: jnp.exp(z) / (1 + jnp.exp(z)),
         "gave [ 0., nan], should be [0, 1]: exp(z) overflows"),
        (lambda z: 1 / (1 + math.exp(-z)), "Your code works on single numbers only"),
        (lambda z: [1 / (1 + jnp.exp(-v)) for v in z], "returned a Python list"),
    ],
    check_binary_cross_entropy: [
        (bce, "with p = [1, 0] and targets [1, 0] the loss is nan: 0 * log(0)"),
        (clipped(1e-12), "in float32, 1 - eps rounds to exactly 1.0"),
        (lambda p, t: -jnp.mean(xlogy(t, p) + xlogy(1 - t, 1 - p)),
         "-log(0) is inf even with xlogy; clip p"),
        (lambda p, t: jnp.nan_to_num(-jnp.mean(xlogy(t, p) + xlogy(1 - t, 1 - p))),
         "replacing inf by the largest float (nan_to_num)"),
        (clipped(0.05), "your eps is so large that it hides confident mistakes"),
        (lambda p, t: -bce(p, t), "sign error"),
        (lambda p, t: bce(p, t) * len(t), "you summed over samples"),
        (lambda p, t: bce(1 - p, t), "the terms are swapped"),
        (lambda p, t: -jnp.mean(t * jnp.log(p)), "you left out the (1 - targets) * log(1 - p)"),
        (lambda p, t: -(t * jnp.log(p) + (1 - t) * jnp.log(1 - p)),
         "you returned one loss per sample"),
        (lambda p, t: -jnp.mean(t * jnp.log10(p) + (1 - t) * jnp.log10(1 - p)),
         "that is log base 10"),
    ],
}

CORRECT = {
    check_sigmoid: [
        lambda z: 1 / (1 + jnp.exp(-z)),
        jax.nn.sigmoid,
        lambda z: 0.5 * (1 + jnp.tanh(z / 2)),
        lambda z: 1 / (1 + np.exp(-np.asarray(z, np.float64))),        # NumPy
        lambda z: jnp.array([1 / (1 + jnp.exp(-v)) for v in z]),       # a loop
    ],
    check_binary_cross_entropy: [
        clipped(1e-7),
        lambda p, t: -jnp.mean(t * jnp.log(p + 1e-7) + (1 - t) * jnp.log(1 - p + 1e-7)),
        lambda p, t: -jnp.mean(xlogy(t, jnp.clip(p, 1e-7, 1.0))
                               + xlogy(1 - t, jnp.clip(1 - p, 1e-7, 1.0))),
        lambda p, t: -np.mean(np.where(np.asarray(t) == 1,
                                       np.log(np.clip(p, 1e-7, None)),
                                       np.log(np.clip(1 - np.asarray(p), 1e-7, None)))),
    ],
}


@pytest.mark.parametrize("check, fn, hint", wrong_cases(WRONG))
def test_wrong_answer_gets_its_hint(check, fn, hint, capsys):
    assert_hint(check, fn, hint, capsys)


@pytest.mark.parametrize("check, fn", correct_cases(CORRECT))
def test_correct_variant_is_accepted(check, fn, capsys):
    assert_correct(check, fn, capsys)


def test_tables_are_big_enough():
    assert all(len(rows) >= 6 for rows in WRONG.values())
    assert all(len(rows) >= 3 for rows in CORRECT.values())


def test_the_float32_rounding_that_the_hint_names_is_real():
    assert np.float32(1) - np.float32(1e-12) == np.float32(1)
    assert np.float32(1) - np.float32(1e-7) < np.float32(1)
