"""Answer checks for Part I, chapters 1-3: predictions, mean squared error,
derivatives, gradient-descent steps and a training loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from dl_workshop.exercises import _feedback as fb

__all__ = ["check_predict", "check_mse", "check_derivative", "check_gradient_descent_step",
           "check_training_loop"]

# Fixed, hand-picked inputs: every documented mistake gives a distinct answer.
_W, _B = 2.0, -1.0
_X = np.array([-2.0, -0.5, 0.0, 1.0, 3.0], dtype=np.float32)
_P = np.array([1.0, 2.0, 4.0, 0.5], dtype=np.float32)
_T = np.array([1.5, 2.0, 3.0, -0.5], dtype=np.float32)


def check_predict(fn: Callable[[float, float, Any], Any]) -> bool:
    """Check ``fn(w, b, x) -> w * x + b`` for ``x`` of shape (n,).

    Hints: forgot the bias, multiplied instead of added, sign of the bias,
    wrong output shape.

    Example:
      >>> check_predict(lambda w, b, x: w * x + b)
      Correct: predict(w, b, x) = w * x + b.
      True
    """
    got, hint = fb.run(fn, "predict(w, b, x)", _W, _B, _X)
    if got is None:
        return fb.verdict(False, hint)
    mistakes = [
        (_W * _X, "you forgot the bias: add b to w * x"),
        (_W * _X * _B, "you multiplied by b; the bias is added: w * x + b"),
        ((_W + _X) * _B, "the slope multiplies x and the bias is added: w * x + b"),
        (_W * _X - _B, "check the sign of the bias: w * x + b, not w * x - b"),
        (_B * _X + _W, "w and b are swapped: w is the slope, b the intercept"),
    ]
    if got.ndim == 2 and got.shape[0] == _X.shape[0]:
        return fb.verdict(False, f"predict returned shape {got.shape} for x of shape "
                               f"{_X.shape}; keep x one-dimensional (don't reshape it)")
    ok, hint = fb.diagnose(got, _W * _X + _B, mistakes,
                         what=f"predict(w={_W}, b={_B}, x={fb.fmt(_X)})")
    return fb.verdict(ok, "predict(w, b, x) = w * x + b." if ok else hint)


def check_mse(fn: Callable[[Any, Any], Any]) -> bool:
    """Check ``fn(predictions, targets)`` = mean of squared errors (a scalar).

    Hints: summed instead of averaged, forgot to square, absolute error,
    square root (RMSE), per-sample errors, (n, 1) vs (n,) broadcasting.

    Example:
      >>> check_mse(lambda p, t: ((p - t) ** 2).mean())
      Correct: the mean squared error is the average of the squared residuals.
      True
    """
    got, hint = fb.run(fn, "mse(predictions, targets)", _P, _T)
    if got is None:
        return fb.verdict(False, hint)
    err = _P.astype(np.float64) - _T
    outer = _P[:, None].astype(np.float64) - _T[None, :]
    mistakes = [
        (np.sum(err**2), "you summed the squared errors; average them instead "
                         "(divide by the number of samples, or use jnp.mean)"),
        (np.mean(err), "you forgot to square the errors: (predictions - targets) ** 2"),
        (np.mean(-err), "you forgot to square the errors: (predictions - targets) ** 2"),
        (np.mean(np.abs(err)), "that is the mean absolute error; square the errors "
                               "instead of taking their absolute value"),
        (np.sqrt(np.mean(err**2)), "that is the root mean squared error; "
                                   "leave out the square root"),
        (np.mean(outer**2), "your residual has shape (n, n): an (n, 1) array minus an "
                            "(n,) array broadcasts; make both shape (n,)"),
        (err**2, "you returned one squared error per sample; "
                 "average them into a single number"),
    ]
    ok, hint = fb.diagnose(got, np.mean(err**2), mistakes, what="the loss")
    if ok:  # also on a second input, to catch a hard-coded number of samples
        p2, t2 = _P[:3] * 2, _T[:3]
        got2, hint = fb.run(fn, "mse(predictions, targets)", p2, t2)
        ok = got2 is not None and np.allclose(got2, np.mean((p2 - t2) ** 2.0), rtol=1e-4)
        hint = hint or ("correct for 4 samples but not for 3: did you hard-code "
                        "the number of samples? use jnp.mean")
    return fb.verdict(ok, "the mean squared error is the average of the squared "
                        "residuals." if ok else hint)


def check_derivative(fn: Callable[[float], Any]) -> bool:
    """Check ``fn(w)`` = derivative of ``f(w) = (w - 3)**2 + 1``, i.e. ``2 * (w - 3)``.

    Hints: sign error, missing factor 2, derivative of the constant, f itself.

    Example:
      >>> check_derivative(lambda w: 2 * (w - 3))
      Correct: f'(w) = 2 * (w - 3).
      True
    """
    ws = np.array([-1.0, 0.0, 2.5, 3.0, 5.0])
    results = []
    for w in ws:
        got, hint = fb.run(fn, "df(w)", float(w))
        if got is None or got.shape != ():
            return fb.verdict(False, hint or f"df(w) should return one number for one w, "
                                           f"got shape {got.shape}")
        results.append(got)
    mistakes = [
        (-2 * (ws - 3), "sign error: f'(w) = 2 * (w - 3), which is negative for w < 3"),
        (ws - 3, "missing factor 2: the derivative of u**2 is 2 * u"),
        (2 * (ws - 3) + 1, "the + 1 is a constant, and the derivative of a constant is 0"),
        (2 * ws, "the derivative of (w - 3)**2 is 2 * (w - 3), not 2 * w"),
        ((ws - 3) ** 2 + 1, "that is f(w) itself; return its derivative"),
    ]
    ok, hint = fb.diagnose(np.array(results), 2 * (ws - 3), mistakes,
                           what=f"df(w) at w = {fb.fmt(ws)}")
    return fb.verdict(ok, "f'(w) = 2 * (w - 3)." if ok else hint)


def check_gradient_descent_step(fn: Callable[[Any, Any, float], Any]) -> bool:
    """Check ``fn(w, grad, learning_rate) -> w - learning_rate * grad``.

    Hints: sign error (added the gradient), forgot the learning rate, returned
    the step instead of the new w.

    Example:
      >>> check_gradient_descent_step(lambda w, grad, lr: w - lr * grad)
      Correct: one step downhill: w - learning_rate * grad.
      True
    """
    w, g, lr = np.array([1.0, -2.0], np.float32), np.array([0.5, 3.0], np.float32), 0.1
    for args in ((w, g, lr), (2.0, 4.0, 0.25)):
        w_, g_, lr_ = (np.asarray(a, np.float64) for a in args)
        got, hint = fb.run(fn, "step(w, grad, learning_rate)", *args)
        if got is None:
            return fb.verdict(False, hint)
        mistakes = [
            (w_ + lr_ * g_, "sign error: step against the gradient, w - learning_rate * grad"),
            (w_ - g_, "you forgot the learning rate: w - learning_rate * grad"),
            (lr_ * g_, "you returned the step; return the new w = w - learning_rate * grad"),
            (-lr_ * g_, "you returned the change in w; add it to w"),
            (w_ - lr_, "you forgot the gradient: w - learning_rate * grad"),
        ]
        ok, hint = fb.diagnose(got, w_ - lr_ * g_, mistakes,
                             what=f"step(w={fb.fmt(w_)}, grad={fb.fmt(g_)}, learning_rate={lr_})")
        if not ok:
            return fb.verdict(False, hint)
    return fb.verdict(True, "one step downhill: w - learning_rate * grad.")


# check_training_loop: 20 points on a line with a small deterministic wiggle.
_LX = np.linspace(-0.5, 1.5, 20, dtype=np.float32)[:, None]
_LY = (3.0 * _LX[:, 0] - 1.0 + 0.1 * np.sin(7.0 * _LX[:, 0])).astype(np.float32)


def _reference_loop(lr: float, steps: int, *, update_w: bool = True, update_b: bool = True,
                    broadcast_bug: bool = False) -> np.ndarray:
    """Gradient descent on the MSE of ``x @ w + b`` in float64; returns [w, b]."""
    x, y = _LX.astype(np.float64), _LY.astype(np.float64)
    w, b = np.zeros(1), 0.0
    for _ in range(steps):
        if broadcast_bug:  # predictions (n, 1) minus y (n,): an (n, n) residual
            r = x * w + b - y[None, :]
            grad_w, grad_b = 2 * np.mean(r * x) * np.ones(1), 2 * np.mean(r)
        else:
            r = x @ w + b - y
            grad_w, grad_b = 2 * x.T @ r / len(y), 2 * np.mean(r)
        w, b = (w - lr * grad_w if update_w else w), (b - lr * grad_b if update_b else b)
    return np.append(w, b)


def _flatten_params(out: dict) -> np.ndarray:
    return np.append(np.asarray(out["w"], np.float64).ravel(), np.asarray(out["b"]))


def check_training_loop(fn: Callable[[dict, Any, Any, float, int], dict]) -> bool:
    """Check a gradient-descent loop for linear regression with MSE.

    ``fn(params, x, y, learning_rate, steps)`` starts from ``params =
    {"w": zeros (1,), "b": 0.}`` with ``x`` of shape (20, 1) and ``y`` (20,),
    takes ``steps`` gradient steps on ``mean((x @ w + b - y) ** 2)`` and returns
    the final params dict. It is compared with an independent NumPy loop.
    Hints: sign error, diverged (e.g. a summed loss), did not update w or b,
    stopped after one step, (n, 1) vs (n,) broadcasting.
    """
    lr, steps = 0.1, 50
    params = {"w": np.zeros(1, np.float32), "b": np.zeros((), np.float32)}
    got, hint = fb.run(fn, "train(params, x, y, learning_rate, steps)", params, _LX, _LY, lr,
                       steps, convert=_flatten_params,
                       returns="the updated params dict {'w': array (1,), 'b': number}")
    if got is None:
        return fb.verdict(False, hint)
    if got.shape != (2,):
        return fb.verdict(False, f"params['w'] should have shape (1,) and params['b'] "
                               f"shape (), got {got.size - 1} weights")
    mistakes = [
        (_reference_loop(-lr, steps), "sign error: subtract learning_rate * grad"),
        (_reference_loop(lr, 1), "your loop took only one step: is `return` inside it?"),
        (_reference_loop(lr, steps - 1), "you took steps - 1 steps; use range(steps)"),
        (np.zeros(2), "params did not change: assign the updated params inside the loop"),
        (_reference_loop(lr, steps, update_b=False), "b was never updated"),
        (_reference_loop(lr, steps, update_w=False), "w was never updated"),
        (_reference_loop(lr, steps, broadcast_bug=True),
         "your predictions have shape (n, 1) and y shape (n,), so the residual broadcast "
         "to (n, n); predict with x @ params['w'] (shape (n,))"),
    ]
    expected = _reference_loop(lr, steps)
    ok, hint = fb.diagnose(got, expected, mistakes, what="[w, b] after training", atol=1e-4,
                           diverged="training diverged: average (not sum) the loss over "
                                    "samples, and subtract learning_rate * grad")
    return fb.verdict(ok, f"after {steps} steps w = {expected[0]:.3f}, b = {expected[1]:.3f}, "
                        f"matching an independent NumPy loop." if ok else hint)
