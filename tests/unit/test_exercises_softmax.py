"""Chapter 11's checkers (softmax regression): table-driven, realistic wrong answers with
the hint each must produce, and correct variants that must be accepted."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases
from jax.scipy.special import logsumexp

from dl_workshop.exercises import (check_log_softmax, check_most_confused,
                                   check_top_k_accuracy)


# ---- log-softmax ------------------------------------------------------------------------

def log_softmax(z, *, shift="row", keepdims=True, log_sum=True, axis=1):
    """A reader's log-softmax, with switches for the documented mistakes."""
    if shift == "row":
        m = jnp.max(z, axis=axis, keepdims=keepdims)
    elif shift == "all":
        m = jnp.max(z)
    elif shift == "min":
        m = jnp.min(z, axis=axis, keepdims=True)
    else:
        m = 0.0
    total = jnp.sum(jnp.exp(z - m), axis=axis, keepdims=keepdims)
    return z - m - (jnp.log(total) if log_sum else total)


def naive_log_softmax(z):
    return jnp.log(jnp.exp(z) / jnp.sum(jnp.exp(z), axis=1, keepdims=True))


def stable_softmax(z):
    e = jnp.exp(z - jnp.max(z, axis=1, keepdims=True))
    return e / jnp.sum(e, axis=1, keepdims=True)


LOG_SOFTMAX_WRONG = [
    (naive_log_softmax, "NaN or inf for the row [100, 101, 99, 0]: exp overflows"),
    (lambda z: log_softmax(z, shift=None), "exp overflows float32"),
    (lambda z: log_softmax(z, shift="min"), "Subtract each row's max before exp"),
    (lambda z: log_softmax(z, shift="all"), "not the max of the whole array"),
    (stable_softmax, "you returned the probabilities (the softmax)"),
    (lambda z: z - jnp.max(z, axis=1, keepdims=True), "you subtracted the max but not the "
                                                       "normalizer"),
    (lambda z: log_softmax(z, log_sum=False), "take the log of the sum"),
    (lambda z: log_softmax(z, axis=0), "you normalized each column (axis=0)"),
    (lambda z: z - logsumexp(z), "you normalized over the whole array"),
    (lambda z: -log_softmax(z), "wrong sign"),
    (lambda z: log_softmax(z, keepdims=False), "keep it a column of shape (n, 1) with "
                                               "keepdims=True"),
    (lambda z: None, "did you forget the `return` statement?"),
    (lambda z: [log_softmax(z)], "returned a Python list"),
]
LOG_SOFTMAX_CORRECT = [
    log_softmax,
    lambda z: jax.nn.log_softmax(z, axis=1),
    lambda z: jax.nn.log_softmax(z),
    lambda z: z - logsumexp(z, axis=1, keepdims=True),
    lambda z: z - (m := jax.lax.stop_gradient(z.max(axis=1, keepdims=True)))
    - jnp.log(jnp.exp(z - m).sum(axis=1, keepdims=True)),
    jax.jit(log_softmax),
    lambda z: np.asarray(log_softmax(z)),
]


# ---- the most frequent confusion ----------------------------------------------------------

# 3 -> 5 four times, 5 -> 3 twice, 8 -> 1 three times, 7 -> 2 once; the rest correct.
Y_TRUE = np.array([3] * 4 + [5] * 2 + [8] * 3 + [7] + list(range(10)) * 3)
Y_PRED = np.array([5] * 4 + [3] * 2 + [1] * 3 + [2] + list(range(10)) * 3)


def confused(answer):
    """The checker as the chapter calls it, with the test labels and predictions."""
    return lambda: check_most_confused(answer, Y_TRUE, Y_PRED)


MOST_CONFUSED_WRONG = [
    (confused((5, 3)), "the wrong way round: rows are the true digit"),
    (confused((3, 3)), "is on the diagonal"),
    (confused((8, 1)), "counts 3 mistakes, but another off-diagonal cell counts 4"),
    (confused((7, 2)), "counts 1 mistake, but another"),
    (confused((0, 9)), "no test 0 was predicted as 9 (that cell is 0)"),
    (confused("3, 5"), "answer with two numbers, not a string"),
    (confused(3), "answer with a pair (true digit, predicted digit)"),
    (confused((3, 5, 1)), "answer with a pair (true digit, predicted digit)"),
    (confused((3, 10)), "the classes are the digits 0 to 9"),
    (confused((3.5, 5)), "the classes are the digits 0 to 9"),
    (confused(None), "answer with a pair"),
    (lambda: check_most_confused((3, 5), Y_TRUE, Y_TRUE), "make no mistake at all"),
]
MOST_CONFUSED_CORRECT = [
    confused((3, 5)),
    confused([3, 5]),
    confused(np.array([3, 5])),
    confused((3.0, 5.0)),
    confused((jnp.int32(3), jnp.int32(5))),
]


# ---- top-k accuracy -----------------------------------------------------------------------

def top_k(z, y, k, *, sign=-1.0, axis=1, extra=0, mean=True):
    """A reader's top-k accuracy, with switches for the documented mistakes."""
    top = jnp.argsort(sign * z, axis=axis)[:, :k + extra]
    hits = jnp.any(top == y[:, None], axis=1)
    return jnp.mean(hits) if mean else hits


TOP_K_WRONG = [
    (lambda z, y, k: top_k(z, y, k, sign=1.0), "you took the k smallest logits"),
    (lambda z, y, k: jnp.mean(jnp.argmax(z, axis=1) == y), "your answer ignores k"),
    (lambda z, y, k: top_k(z, y, k, extra=1), "off by one: you kept k + 1 classes"),
    (lambda z, y, k: top_k(z, y, k, extra=-1), "off by one: you kept k - 1 classes"),
    (lambda z, y, k: jnp.sum(top_k(z, y, k, mean=False)), "not the number of hits"),
    (lambda z, y, k: 1.0 - top_k(z, y, k), "you returned the fraction of misses"),
    (lambda z, y, k: top_k(z, y, k, axis=0), "sort each row (axis=1)"),
    (lambda z, y, k: top_k(z, y, k, mean=False), "return one number, the mean over the "
                                                 "examples"),
    (lambda z, y, k: [top_k(z, y, k)], "returned a Python list"),
]
TOP_K_CORRECT = [
    top_k,
    lambda z, y, k: jnp.mean(jnp.any(jax.lax.top_k(z, k)[1] == y[:, None], axis=1)),
    lambda z, y, k: jnp.mean(jnp.sum(z > jnp.take_along_axis(z, y[:, None], axis=1),
                                     axis=1) < k),                        # rank of the label
    lambda z, y, k: np.mean([int(label) in np.argsort(-np.asarray(row))[:k]
                             for row, label in zip(z, y)]),               # a Python loop
]


WRONG = {check_log_softmax: LOG_SOFTMAX_WRONG, check_top_k_accuracy: TOP_K_WRONG}
CORRECT = {check_log_softmax: LOG_SOFTMAX_CORRECT, check_top_k_accuracy: TOP_K_CORRECT}


@pytest.mark.parametrize("check, fn, hint", wrong_cases(WRONG))
def test_wrong_answer_gets_its_hint(check, fn, hint, capsys):
    assert_hint(check, fn, hint, capsys)


@pytest.mark.parametrize("check, fn", correct_cases(CORRECT))
def test_correct_variant_is_accepted(check, fn, capsys):
    assert_correct(check, fn, capsys)


def _call(thunk):
    """check_most_confused takes a value, not a function: adapt it to checker_table."""
    return thunk()


@pytest.mark.parametrize("thunk, hint", MOST_CONFUSED_WRONG,
                         ids=[f"check_most_confused-{i}" for i in range(len(MOST_CONFUSED_WRONG))])
def test_most_confused_wrong_answer_gets_its_hint(thunk, hint, capsys):
    assert_hint(_call, thunk, hint, capsys)


@pytest.mark.parametrize("thunk", MOST_CONFUSED_CORRECT,
                         ids=[f"check_most_confused-{i}" for i in range(len(MOST_CONFUSED_CORRECT))])
def test_most_confused_correct_variant_is_accepted(thunk, capsys):
    assert_correct(_call, thunk, capsys)


def test_most_confused_accepts_any_of_tied_cells(capsys):
    y_true, y_pred = np.array([1, 1, 2, 2, 0]), np.array([2, 2, 1, 1, 0])
    for answer in ((1, 2), (2, 1)):
        assert_correct(lambda _: check_most_confused(answer, y_true, y_pred), None, capsys)


def test_most_confused_rejects_mismatched_arrays():
    with pytest.raises(ValueError, match=r"y_true and y_pred must both have shape \(n,\)"):
        check_most_confused((3, 5), Y_TRUE, Y_PRED[:-1])


def test_tables_are_big_enough():
    assert all(len(rows) >= 6 for rows in (*WRONG.values(), MOST_CONFUSED_WRONG))
    assert all(len(rows) >= 3 for rows in (*CORRECT.values(), MOST_CONFUSED_CORRECT))
