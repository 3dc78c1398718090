"""Answer checks for chapter 11 (softmax regression): a stable log-softmax, reading
the confusion matrix, and top-k accuracy.

Expected values come from independent NumPy computations in float64.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb
from dl_workshop.exercises._feedback import NotYet

__all__ = ["check_log_softmax", "check_most_confused", "check_top_k_accuracy"]


# ---- a stable log-softmax ----------------------------------------------------------------

# Small logits (3 examples, 4 classes: n != k, so a missing keepdims cannot broadcast).
_SMALL = np.array([[2.0, 1.0, 0.1, -1.0],
                   [0.0, 0.0, 0.0, 0.0],
                   [-0.5, 3.0, 1.5, 0.2]], np.float32)
# Large logits: row 0 overflows exp in float32 (also after subtracting the row's min),
# row 1 underflows to exp(...) = 0 unless each row's own max is subtracted.
_LARGE = np.array([[100.0, 101.0, 99.0, 0.0],
                   [-1000.0, -999.0, -1001.0, -1010.0]], np.float32)


def _log_softmax(z: np.ndarray, axis: Any = 1) -> np.ndarray:
    z = z.astype(np.float64)
    m = np.max(z, axis=axis, keepdims=True)
    return z - m - np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))


def check_log_softmax(fn: Callable[[Any], Any]) -> bool:
    """Check ``fn(logits) -> log_probabilities`` row by row, for logits of shape (n, k).

    Row ``i`` of the answer is ``z_i - log(sum_j exp(z_ij))``, computed so that
    it stays finite for logits in the hundreds or below -1000. Hints: the
    probabilities instead of their log, a missing normalizer or log, the wrong
    axis, a whole-array sum, the sign, a missing ``keepdims``, overflow of a
    naive version, and the whole array's max instead of each row's.

    Example:
      >>> check_log_softmax(lambda z: jax.nn.log_softmax(z, axis=1))
      Correct: each row's log-probabilities, finite even for logits of -1000 or 100.
      True
    """
    name = "log_softmax(logits)"

    def run(z: np.ndarray) -> np.ndarray:
        try:
            out = fb.call(fn, name, jnp.asarray(z), arg_names=("logits",))
        except NotYet as hint:
            if "broadcast" in str(hint).lower():
                raise NotYet(f"{hint}; the row max (or row sum) has shape (n,): keep it a "
                             f"column of shape (n, 1) with keepdims=True so that it "
                             f"broadcasts across each row") from None
            raise
        return fb.to_array(out, name, usage="the loss picks one entry per row, "
                                            "log_probs[i, label_i]")

    def body() -> None:
        z = _SMALL.astype(np.float64)
        expected = _log_softmax(z)
        mistakes = [
            (np.exp(expected), "you returned the probabilities (the softmax); return their "
                               "log: z - max - log(sum(exp(z - max)))"),
            (z - z.max(axis=1, keepdims=True), "you subtracted the max but not the "
                                               "normalizer: also subtract "
                                               "log(sum(exp(z - max))) of each row"),
            (z - z.max(axis=1, keepdims=True) - np.sum(np.exp(z - z.max(axis=1, keepdims=True)),
                                                       axis=1, keepdims=True),
             "take the log of the sum: subtract jnp.log(jnp.sum(jnp.exp(z - max), ...)), "
             "not the sum itself"),
            (_log_softmax(z, axis=0), "you normalized each column (axis=0); a row is one "
                                      "example and its columns are the classes: use "
                                      "axis=1 with keepdims=True"),
            (_log_softmax(z, axis=None), "you normalized over the whole array; normalize "
                                         "each row on its own: axis=1, keepdims=True"),
            (-expected, "wrong sign: log-probabilities are at most 0; return "
                        "z - logsumexp(z), not logsumexp(z) - z"),
        ]
        got = run(_SMALL)
        fb.match(got, expected, mistakes, what=f"{name} on small logits",
                 fallback="subtract from each logit the log of its row's sum of exponentials",
                 shape_advice="return one log-probability per logit, shape (n, k)")
        big = run(_LARGE)
        expected = _log_softmax(_LARGE)
        if big.shape == expected.shape and not np.all(np.isfinite(big[0])):
            raise NotYet("right for small logits, but NaN or inf for the row "
                         "[100, 101, 99, 0]: exp overflows float32 above about 88. Subtract "
                         "each row's max before exp, so the largest exponent is exp(0) = 1")
        if big.shape == expected.shape and not np.all(np.isfinite(big[1])):
            raise NotYet("NaN or inf for the row [-1000, -999, -1001, -1010]: every exp "
                         "underflows to 0 and log(0) = -inf. Subtract each row's own max "
                         "(axis=1, keepdims=True), not the max of the whole array")
        fb.match(big, expected, [], what=f"{name} on large logits", atol=1e-3,
                 fallback="subtract each row's max, then the log of the row's sum of "
                          "exp(z - max)")

    return fb.checked("each row's log-probabilities, finite even for logits of -1000 or "
                      "100.", body)


# ---- reading the confusion matrix ----------------------------------------------------------

def _confusion(y_true: Any, y_pred: Any, k: int = 10) -> np.ndarray:
    t, p = np.asarray(y_true).astype(int), np.asarray(y_pred).astype(int)
    if t.ndim != 1 or t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must both have shape (n,), got y_true "
                         f"{t.shape} and y_pred {p.shape}")
    counts = np.zeros((k, k), int)
    np.add.at(counts, (t, p), 1)
    return counts


def _as_pair(answer: Any, k: int) -> tuple[int, int]:
    if isinstance(answer, str):
        raise NotYet(f"answer with two numbers, not a string: (true digit, predicted "
                     f"digit), e.g. (3, 5) rather than {answer!r}")
    if answer is None or np.ndim(answer) != 1 or len(answer) != 2:
        raise NotYet("answer with a pair (true digit, predicted digit): the row of the "
                     "cell, then its column, e.g. (3, 5)")
    values = []
    for a in answer:
        if isinstance(a, str) or not np.isscalar(a) and np.ndim(a) != 0:
            raise NotYet("answer with two numbers: (true digit, predicted digit), e.g. (3, 5)")
        if float(a) != round(float(a)) or not 0 <= float(a) < k:
            raise NotYet(f"the classes are the digits 0 to {k - 1}; got {answer!r}")
        values.append(int(round(float(a))))
    return values[0], values[1]


def check_most_confused(answer: Any, y_true: Any, y_pred: Any) -> bool:
    """Check that ``answer = (true, predicted)`` is the most frequent mistake.

    ``y_true`` and ``y_pred`` (n,) hold the test labels and the model's
    predicted digits; the answer must be an off-diagonal cell of their 10x10
    confusion matrix with the largest count (any of them, if tied). Hints: not
    a pair, a diagonal cell, the pair read the wrong way round, an empty cell,
    a smaller count.

    Example:
      >>> check_most_confused((3, 5), [3, 3, 5, 1], [5, 5, 3, 1])
      Correct: a true 3 read as 5 is the most frequent mistake (2 test digits).
      True
    """
    counts = _confusion(y_true, y_pred)
    try:
        t, p = _as_pair(answer, counts.shape[0])
        off = counts * (1 - np.eye(counts.shape[0], dtype=int))
        most = off.max()
        if most == 0:
            raise NotYet("these predictions make no mistake at all: pass the test labels "
                         "and the model's predicted digits")
        if t == p:
            raise NotYet(f"({t}, {p}) is on the diagonal, where the correct predictions "
                         f"are counted; look at the cells off the diagonal")
        if off[p, t] == most and off[t, p] < most:
            raise NotYet(f"the wrong way round: rows are the true digit and columns the "
                         f"predicted one. A {t} read as {p} happened {off[t, p]} times; "
                         f"answer (row, column) = (true, predicted)")
        if off[t, p] == 0:
            raise NotYet(f"no test {t} was predicted as {p} (that cell is 0); look for the "
                         f"largest number off the diagonal")
        if off[t, p] < most:
            raise NotYet(f"the cell (true {t}, predicted {p}) counts {off[t, p]} "
                         f"mistake{'' if off[t, p] == 1 else 's'}, but another off-diagonal "
                         f"cell counts {most}")
    except NotYet as hint:
        return fb.verdict(False, str(hint))
    digits = "test digit" if most == 1 else "test digits"
    return fb.verdict(True, f"a true {t} read as {p} is the most frequent mistake "
                            f"({most} {digits}).")


# ---- top-k accuracy -----------------------------------------------------------------------

# 8 examples, 5 classes, no ties; top-1, top-2 and top-3 accuracies all differ.
_TOPK_LOGITS = np.round(3.0 * np.sin(1.7 * np.arange(40.0)), 2).reshape(8, 5).astype(np.float32)
_TOPK_LABELS = np.array([1, 0, 1, 1, 0, 3, 2, 4], np.int32)  # ranks 1, 2, 3, 1, 2, 3, 5, 4


def _top_k(logits: np.ndarray, labels: np.ndarray, k: int, *, largest: bool = True,
           axis: int = 1) -> float:
    order = np.argsort(-logits if largest else logits, axis=axis)
    top = order[:, :k]  # with axis=0 this is the mistake of sorting each column
    return float(np.mean(np.any(top == labels[:, None], axis=1)))


def check_top_k_accuracy(fn: Callable[[Any, Any, int], Any]) -> bool:
    """Check ``fn(logits, labels, k)``: the fraction of examples whose label is among
    the ``k`` largest logits of their row.

    ``logits`` (n, c), ``labels`` (n,) integers, ``k`` an int; the answer is one
    number in [0, 1]. Checked for k = 1, 2, 3 against NumPy. Hints: the k
    smallest logits, k ignored, off by one, a count instead of a fraction, the
    fraction of misses, per-example results, the wrong sorting axis.

    Example:
      >>> check_top_k_accuracy(lambda z, y, k: jnp.mean(jnp.any(
      ...     jnp.argsort(-z, axis=1)[:, :k] == y[:, None], axis=1)))
      Correct: top-1, top-2 and top-3 accuracy are 25%, 50% and 75%.
      True
    """
    name = "top_k_accuracy(logits, labels, k)"
    ks = (1, 2, 3)
    z, y = _TOPK_LOGITS, _TOPK_LABELS
    expected = np.array([_top_k(z, y, k) for k in ks])

    def body() -> None:
        got = []
        for k in ks:
            out = fb.call(fn, name, jnp.asarray(z), jnp.asarray(y), k,
                          arg_names=("logits", "labels", "k"))
            out = fb.to_array(out, name, usage="the chapter prints it as a percentage")
            if out.shape != ():
                raise NotYet(f"{name} returned shape {out.shape}; return one number, the "
                             f"mean over the examples (jnp.mean of the hits)")
            got.append(float(out))
        got = np.array(got)
        n = len(y)
        mistakes = [
            (np.array([_top_k(z, y, k, largest=False) for k in ks]),
             "you took the k smallest logits: sort in decreasing order, e.g. "
             "jnp.argsort(-logits, axis=1)[:, :k], or use jax.lax.top_k"),
            (np.full(3, expected[0]), "your answer ignores k: it is the top-1 accuracy for "
                                      "every k"),
            (np.array([_top_k(z, y, k + 1) for k in ks]), "off by one: you kept k + 1 "
                                                          "classes; keep exactly k"),
            (np.array([_top_k(z, y, max(k - 1, 0)) for k in ks]), "off by one: you kept "
                                                                  "k - 1 classes; keep "
                                                                  "exactly k"),
            (expected * n, "return the fraction of examples (a mean), not the number of hits"),
            (1.0 - expected, "you returned the fraction of misses; return the fraction of "
                             "hits"),
            (np.array([_top_k(z, y, k, axis=0) for k in ks]), "sort each row (axis=1): the "
                                                              "classes of one example are "
                                                              "its columns"),
        ]
        fb.match(got, expected, mistakes, what=f"{name} for k = 1, 2, 3",
                 fallback="count an example as a hit when its label is among the k "
                          "largest logits of its row, then take the mean")

    return fb.checked(f"top-1, top-2 and top-3 accuracy are "
                      f"{', '.join(f'{a:.0%}' for a in expected[:-1])} and "
                      f"{expected[-1]:.0%}.", body)
