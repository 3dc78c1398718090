"""Answer check for chapter 5: the forward pass of a one-hidden-layer MLP.

The check passes ``params`` as the chapter's ``models.mlp_init`` builds them (a
list of ``{"w", "b"}`` dicts of JAX arrays), and as NumPy arrays, with two output
units and with one (the chapter's shape, (n, 1)).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import numpy as np

from dl_workshop.exercises import _feedback as fb
from dl_workshop.exercises._feedback import NotYet

__all__ = ["check_mlp_forward"]

_MLP_X = np.linspace(-2.0, 2.0, 15).reshape(5, 3).astype(np.float32)
_MLP_PARAMS = [
    {"w": np.array([[0.5, -1.0, 0.8, 0.2], [-0.3, 0.6, -0.9, 1.0], [0.7, 0.4, -0.5, -0.8]],
                   np.float32), "b": np.array([0.1, -0.2, 0.3, -0.4], np.float32)},
    {"w": np.array([[1.0, -0.5], [-0.7, 0.9], [0.6, -1.2], [-0.4, 0.3]], np.float32),
     "b": np.array([0.5, -0.5], np.float32)},
]


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _mistakes(params: list, x: np.ndarray) -> tuple[np.ndarray, list[tuple[Any, str]]]:
    (w1, b1), (w2, b2) = ((p["w"].astype(float), p["b"].astype(float)) for p in params)
    x = x.astype(np.float64)
    expected = _relu(x @ w1 + b1) @ w2 + b2
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    return expected, [
        ((x @ w1 + b1) @ w2 + b2, "you forgot the activation: apply jax.nn.relu to the "
                                  "hidden layer, x @ w1 + b1"),
        (_relu(expected), "no activation on the output layer: return the raw scores "
                          "(logits); the loss applies the sigmoid itself"),
        (sig(expected), "no sigmoid on the output: return the raw scores (logits); "
                        "losses.binary_cross_entropy takes logits"),
        (_relu(x @ w1) @ w2 + b2, "you forgot the bias of the hidden layer, b1"),
        (_relu(x @ w1 + b1) @ w2, "you forgot the bias of the output layer, b2"),
        (sig(x @ w1 + b1) @ w2 + b2, "the hidden activation in this exercise is the ReLU, "
                                     "jax.nn.relu, not the sigmoid"),
        (np.tanh(x @ w1 + b1) @ w2 + b2, "the hidden activation in this exercise is the "
                                         "ReLU, jax.nn.relu, not tanh"),
        (expected.T, "your output is transposed: compute x @ w so the result is (n, k)"),
        (expected[:, 0], "you kept only the first output unit; return all k columns, "
                         "shape (n, k)"),
    ]


def check_mlp_forward(fn: Callable[[list, Any], Any]) -> bool:
    """Check ``fn(params, x)`` for a one-hidden-layer ReLU MLP.

    ``params = [{"w": (d, h), "b": (h,)}, {"w": (h, k), "b": (k,)}]``, ``x``
    (n, d); the answer is ``relu(x @ w1 + b1) @ w2 + b2`` of shape (n, k), also
    for k = 1. Hints: forgot the activation, an activation on the output, the
    wrong hidden activation, order of the matrix product, a missing bias, a
    squeezed or transposed output, params changed in place.
    """
    name = "forward(params, x)"
    one_output = [_MLP_PARAMS[0], {"w": _MLP_PARAMS[1]["w"][:, :1],
                                   "b": _MLP_PARAMS[1]["b"][:1]}]

    def run(params: list, x: Any) -> np.ndarray:
        try:
            out = fb.call(fn, name, params, x, arg_names=("params", "x"))
        except NotYet as hint:
            if "dot_general" in str(hint) or "matmul" in str(hint) or "shapes" in str(hint):
                raise NotYet(f"{hint}; check the order of the matrix product: x @ w, with x "
                             f"of shape (n, d) and w of shape (d, h)") from None
            raise
        return fb.to_array(out, name, usage="the loss and models.mlp_apply work with "
                                            "arrays of shape (n, k)")

    def body() -> None:
        for params in (fb.as_jax(_MLP_PARAMS), [dict(layer) for layer in _MLP_PARAMS]):
            expected, mistakes = _mistakes(_MLP_PARAMS, _MLP_X)
            x = fb.as_jax(_MLP_X) if isinstance(params[0]["w"], jax.Array) else _MLP_X.copy()
            fb.match(run(params, x), expected, mistakes, what=name,
                     fallback="compute relu(x @ w1 + b1) @ w2 + b2, with w1, b1 from "
                              "params[0] and w2, b2 from params[1]",
                     shape_advice="the result should have one row per example and one "
                                  "column per output unit, (n, k)")
        expected, _ = _mistakes(one_output, _MLP_X)
        got = run(fb.as_jax(one_output), fb.as_jax(_MLP_X))
        fb.match(got, expected, [(expected[:, 0], "with one output unit, keep the column: "
                                                  "return shape (n, 1), as models.mlp_apply "
                                                  "does (do not squeeze it)")],
                 what=f"{name} with one output unit",
                 fallback="with one output unit the result is relu(x @ w1 + b1) @ w2 + b2 "
                          "of shape (n, 1)",
                 shape_advice="with one output unit the result should have shape (n, 1)")

    return fb.checked("relu(x @ w1 + b1) @ w2 + b2.", body)
