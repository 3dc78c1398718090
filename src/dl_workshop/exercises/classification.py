"""Answer checks for chapters 4-5: the sigmoid, binary cross-entropy and the
forward pass of a one-hidden-layer MLP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dl_workshop.exercises import _feedback as fb

__all__ = ["check_sigmoid", "check_binary_cross_entropy", "check_mlp_forward"]


def check_sigmoid(fn: Callable[[Any], Any]) -> bool:
    """Check ``fn(z) -> 1 / (1 + exp(-z))`` elementwise, also for large |z|.

    Hints: sign error, tanh, overflow (NaN) for large inputs.

    Example:
      >>> check_sigmoid(lambda z: 1 / (1 + jnp.exp(-z)))
      Correct: sigmoid(z) = 1 / (1 + exp(-z)), squashing any number into (0, 1).
      True
    """
    z = np.array([-10.0, -2.0, 0.0, 1.5, 10.0], np.float32)
    got, hint = fb.run(fn, "sigmoid(z)", z)
    if got is None:
        return fb.verdict(False, hint)
    expected = 1 / (1 + np.exp(-z.astype(np.float64)))
    mistakes = [(1 - expected, "sign error: sigmoid(z) = 1 / (1 + exp(-z))"),
                (np.tanh(z), "that is tanh; the sigmoid is 1 / (1 + exp(-z))")]
    ok, hint = fb.diagnose(got, expected, mistakes, what=f"sigmoid({fb.fmt(z)})")
    if ok:
        big = np.array([-100.0, 100.0], np.float32)
        got, hint = fb.run(fn, "sigmoid(z)", big)
        ok = got is not None and np.allclose(got, [0.0, 1.0], atol=1e-6)
        hint = hint or (f"sigmoid({fb.fmt(big)}) gave {fb.fmt(got)}: exp overflows for large "
                        f"|z|; write it as 1 / (1 + exp(-z))")
    return fb.verdict(ok, "sigmoid(z) = 1 / (1 + exp(-z)), squashing any number into "
                        "(0, 1)." if ok else hint)


def check_binary_cross_entropy(fn: Callable[[Any, Any], Any]) -> bool:
    """Check ``fn(probabilities, targets)`` = mean binary cross-entropy.

    ``-mean(t * log(p) + (1 - t) * log(1 - p))``, including probabilities of
    exactly 0 and 1. Hints: sign, summed, swapped terms, missing term, log(0).

    Example:
      >>> check_binary_cross_entropy(lambda p, t: -jnp.mean(
      ...     jax.scipy.special.xlogy(t, p) + jax.scipy.special.xlogy(1 - t, 1 - p)))
      Correct: binary cross-entropy is the average of -log(probability of the true class).
      True
    """
    p = np.array([0.9, 0.2, 0.6, 0.3], np.float32)
    t = np.array([1.0, 0.0, 1.0, 1.0], np.float32)
    got, hint = fb.run(fn, "bce(probabilities, targets)", p, t)
    if got is None:
        return fb.verdict(False, hint)
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
        (-terms, "you returned one loss per sample; average them"),
    ]
    ok, hint = fb.diagnose(got, -np.mean(terms), mistakes, what="the loss")
    if ok:
        edge_p, edge_t = np.array([1.0, 0.0, 0.5], np.float32), np.array([1.0, 0.0, 1.0])
        got, hint = fb.run(fn, "bce(probabilities, targets)", edge_p, edge_t.astype(np.float32))
        ok = got is not None and np.allclose(got, np.log(2) / 3, atol=1e-5)
        hint = hint or (f"with probabilities {fb.fmt(edge_p)} and targets {fb.fmt(edge_t)} the "
                        f"loss should be {np.log(2) / 3:.4f}, got {fb.fmt(got)}: 0 * log(0) "
                        f"is NaN; clip p, e.g. jnp.clip(p, 1e-7, 1 - 1e-7)")
    return fb.verdict(ok, "binary cross-entropy is the average of -log(probability of the "
                        "true class)." if ok else hint)


_MLP_X = np.linspace(-2.0, 2.0, 15).reshape(5, 3).astype(np.float32)
_MLP_PARAMS = [
    {"w": np.array([[0.5, -1.0, 0.8, 0.2], [-0.3, 0.6, -0.9, 1.0], [0.7, 0.4, -0.5, -0.8]],
                   np.float32), "b": np.array([0.1, -0.2, 0.3, -0.4], np.float32)},
    {"w": np.array([[1.0, -0.5], [-0.7, 0.9], [0.6, -1.2], [-0.4, 0.3]], np.float32),
     "b": np.array([0.5, -0.5], np.float32)},
]


def check_mlp_forward(fn: Callable[[list, Any], Any]) -> bool:
    """Check ``fn(params, x)`` for a one-hidden-layer ReLU MLP.

    ``params = [{"w": (d, h), "b": (h,)}, {"w": (h, k), "b": (k,)}]``, ``x``
    (n, d); the answer is ``relu(x @ w1 + b1) @ w2 + b2`` of shape (n, k).
    Hints: forgot the activation, activation on the output, wrong order of
    the matrix product, forgot a bias.
    """
    got, hint = fb.run(fn, "forward(params, x)", _MLP_PARAMS, _MLP_X)
    if got is None:
        if "dot_general" in hint or "matmul" in hint:
            hint += ("; check the order of the matrix product: x @ w, with x of shape "
                     "(n, d) and w of shape (d, h)")
        return fb.verdict(False, hint)
    (w1, b1), (w2, b2) = ((p["w"].astype(float), p["b"].astype(float)) for p in _MLP_PARAMS)
    x = _MLP_X.astype(np.float64)
    relu = lambda z: np.maximum(z, 0.0)  # noqa: E731
    expected = relu(x @ w1 + b1) @ w2 + b2
    mistakes = [
        ((x @ w1 + b1) @ w2 + b2, "you forgot the activation: apply relu to the hidden layer"),
        (relu(expected), "no activation on the output layer: return the raw scores"),
        (relu(x @ w1) @ w2 + b2, "you forgot the bias of the hidden layer"),
        (relu(x @ w1 + b1) @ w2, "you forgot the bias of the output layer"),
        (expected.T, "your output is transposed: compute x @ w so the result is (n, k)"),
    ]
    ok, hint = fb.diagnose(got, expected, mistakes, what="forward(params, x)")
    return fb.verdict(ok, "relu(x @ w1 + b1) @ w2 + b2." if ok else hint)
