"""Answer checks for Part II, chapter 6 (jax.vmap): per-example gradients, many
models evaluated at once, and a prediction about a learning-rate sweep."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dl_workshop.exercises import _feedback as fb

__all__ = ["check_per_example_grads", "check_many_models", "check_best_learning_rate"]

# check_per_example_grads: a logistic model with d = 3 and a batch of n = 5.
_GX = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-1.0, 2.0, 0.5], [0.0, -0.5, -1.5],
                [2.0, 1.0, 1.0]], np.float32)
_GY = np.array([1.0, 0.0, 1.0, 0.0, 1.0], np.float32)
_GP = {"w": np.array([0.3, -0.2, 0.1], np.float32), "b": np.array(-0.1, np.float32)}

_IN_AXES = "the parameters are shared by every example and x, y are batched along axis 0: " \
           "in_axes=(None, 0, 0)"


def _grads_dict(out: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(out, dict):
        raise TypeError("not a dict")
    return np.asarray(out["w"], np.float64), np.asarray(out["b"], np.float64)


def check_per_example_grads(fn: Callable[[dict, Any, Any], dict]) -> bool:
    """Check ``fn(params, x, y)`` -> ``{"w": (n, d), "b": (n,)}``, one BCE gradient per example.

    ``params = {"w": (3,), "b": ()}``, ``x`` (5, 3), ``y`` (5,) of 0/1 labels; the
    loss of one example is ``softplus(z) - y z`` with ``z = x_i . w + b``, whose
    gradient is ``(sigmoid(z) - y) * [x_i, 1]``. Compared with NumPy. Hints: the
    gradient of the mean (or summed) loss, per-example losses, gradient with
    respect to x, value_and_grad's pair, in_axes, grad of a batched loss.
    """
    name = "per_example_grads(params, x, y)"
    got, hint = fb.run(fn, name, _GP, _GX, _GY, convert=_grads_dict,
                       returns="a dict {'w': (n, d), 'b': (n,)} of gradients")
    x, y = _GX.astype(np.float64), _GY.astype(np.float64)
    z = x @ _GP["w"].astype(np.float64) + float(_GP["b"])
    residual = 1.0 / (1.0 + np.exp(-z)) - y                     # (n,)
    expected_w, expected_b = residual[:, None] * x, residual
    if got is None:
        raw, _ = fb.run(fn, name, _GP, _GX, _GY)
        if "Gradient only defined for scalar-output" in hint:
            hint = ("jax.grad needs a loss of one number: take jax.grad of the one-example "
                    "loss first, then jax.vmap it over the examples with " + _IN_AXES)
        elif "rank should be at least 1" in hint:
            hint = "vmap tried to slice the params too: " + _IN_AXES
        elif isinstance(fb.run(fn, name, _GP, _GX, _GY, convert=lambda o: o)[0], tuple):
            hint = ("jax.value_and_grad returns a pair (losses, gradients); return only the "
                    "gradients (jax.grad)")
        elif raw is not None and raw.shape == x.shape and np.allclose(
                raw, residual[:, None] * _GP["w"].astype(np.float64), rtol=1e-4, atol=1e-5):
            hint = ("those are gradients with respect to x: jax.grad differentiates its first "
                    "argument, so pass the loss with params first (no argnums)")
        elif raw is not None and raw.shape == y.shape:
            hint = ("you returned one loss per example; differentiate it: "
                    "jax.vmap(jax.grad(bce_one), ...)")
        return fb.verdict(False, hint)
    w, b = got
    if w.shape == expected_w.shape[1:] and b.shape == ():
        if np.allclose(w, expected_w.mean(0), rtol=1e-4, atol=1e-5):
            return fb.verdict(False, "that is one gradient for the whole batch, the gradient "
                                     "of the mean loss; jax.vmap jax.grad(bce_one) to get "
                                     "one per example")
        if np.allclose(w, expected_w.sum(0), rtol=1e-4, atol=1e-5):
            return fb.verdict(False, "that is the gradient of the summed loss, one for the "
                                     "whole batch; jax.vmap jax.grad(bce_one) to get one per "
                                     "example")
    if w.shape != expected_w.shape or b.shape != expected_b.shape:
        return fb.verdict(False, f"expected w of shape {expected_w.shape} and b of shape "
                                 f"{expected_b.shape} (one gradient per example), got "
                                 f"{w.shape} and {b.shape}")
    ok, hint = fb.diagnose(np.concatenate([w, b[:, None]], axis=1),
                           np.concatenate([expected_w, expected_b[:, None]], axis=1),
                           [], what="the gradients [w | b]")
    return fb.verdict(ok, "one gradient per example; their mean is the gradient of the mean "
                          "loss." if ok else hint)


# check_many_models: K = 4 lines with d = 2 features, evaluated on n = 6 examples.
_MP = {"w": np.array([[1.0, 0.0], [0.5, -1.0], [-2.0, 1.0], [0.0, 3.0]], np.float32),
       "b": np.array([0.5, -1.0, 0.0, 2.0], np.float32)}
_MX = np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 0.5], [-1.0, 1.0], [3.0, -2.0], [0.5, 0.5]],
               np.float32)


def check_many_models(fn: Callable[[dict, Any], Any]) -> bool:
    """Check ``fn(stacked_params, x)`` -> (K, n): every model's predictions.

    ``stacked_params = {"w": (4, 2), "b": (4,)}`` holds 4 linear models and ``x``
    has shape (6, 2); row k is ``x @ w[k] + b[k]``. Hints: params not batched /
    no vmap, x batched too, transposed result, averaged over models, only the
    first model, forgotten bias.
    """
    name = "predict_many(stacked_params, x)"
    got, hint = fb.run(fn, name, _MP, _MX)
    w, b, x = (_MP["w"].astype(np.float64), _MP["b"].astype(np.float64),
               _MX.astype(np.float64))
    expected = w @ x.T + b[:, None]                              # (K, n)
    if got is None:
        if "inconsistent sizes" in hint:
            hint = ("in_axes=0 slices x as well as the params; every model sees the same x, "
                    "so share it: in_axes=(0, None)")
        elif "params['w']" in hint:
            hint = ("models.linear_apply takes one model's params; jax.vmap it over the "
                    "stacked params (axis 0) with x shared: in_axes=(0, None)")
        return fb.verdict(False, hint)
    mistakes = [
        (expected.T, "one row per model: the result should have shape (K, n), not (n, K)"),
        (expected.mean(axis=0), "you averaged over the models; return every model's "
                                "predictions, one row each"),
        (expected[0], "those are the first model's predictions only; vmap over all of them"),
        (w @ x.T, "you forgot the bias: x @ w + b for each model"),
    ]
    ok, hint = fb.diagnose(got, expected, mistakes, what=name)
    return fb.verdict(ok, "one row of predictions per model, from one vmap over the "
                          "stacked params." if ok else hint)


_RATES = np.linspace(0.05, 1.2, 24)


def check_best_learning_rate(guess: Any) -> bool:
    """Check a predicted best learning rate for chapter 6's sweep (answer: 0.5).

    Gradient descent on ``(w - 3)**2 + 1`` from ``w = 0`` multiplies the distance
    to the minimum by ``1 - 2 eta`` per step, so ``eta = 0.5`` lands on the
    minimum in one step. The hint explains what the guessed rate does.

    Example:
      >>> check_best_learning_rate(0.3)
      Not yet: at η = 0.3 each step multiplies the distance to the minimum by 1 - 2η = 0.4: it converges, but a smaller factor converges faster. Which η makes the factor 0?
      False
    """
    if callable(guess):
        return fb.verdict(False, "pass your predicted learning rate, a number such as 0.25")
    try:
        eta = float(np.asarray(guess, dtype=np.float64))
    except (TypeError, ValueError):
        return fb.verdict(False, f"pass your predicted learning rate as a number such as "
                                 f"0.25, got {type(guess).__name__}")
    if not np.isfinite(eta):
        return fb.verdict(False, f"pass a finite learning rate, got {eta}")
    if abs(eta - 0.5) < 0.025:
        return fb.verdict(True, "at η = 0.5 the factor 1 - 2η is 0: the first step lands on "
                                "the minimum, w = 0 + 0.5 × 6 = 3, and stays there.")
    if eta < _RATES[0] - 0.025 or eta > _RATES[-1] + 0.025:
        return fb.verdict(False, f"the sweep tries learning rates from {_RATES[0]:.2f} to "
                                 f"{_RATES[-1]:.2f}; pick one of them")
    factor = 1 - 2 * eta
    where = f"at η = {eta:g} each step multiplies the distance to the minimum by 1 - 2η = " \
            f"{factor:.2g}"
    if eta > 1.025:
        hint = f"{where}: its size is above 1, so the distance grows and training diverges"
    elif eta > 0.975:
        hint = (f"{where}: w bounces between 0 and 6 forever, never closer to 3. A factor "
                f"of size below 1 converges; which η makes it 0?")
    elif eta > 0.5:
        hint = (f"{where}: it overshoots the minimum on every step, yet converges. A factor "
                f"nearer 0 converges faster; which η makes it 0?")
    else:
        hint = (f"{where}: it converges, but a smaller factor converges faster. "
                f"Which η makes the factor 0?")
    return fb.verdict(False, hint)
