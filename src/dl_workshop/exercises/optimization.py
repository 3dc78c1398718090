"""Answer checks for Part II, chapter 10 (optimizers from scratch, next to optax):
momentum as an (init, update) pair, a mini-batch training loop, momentum in optax."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop import batching
from dl_workshop.exercises import _feedback as fb

__all__ = ["check_momentum_pair", "check_minibatch_sgd", "check_optax_momentum"]

# The stretched bowl ½(p₁² + 25 p₂²) of the chapter, and a start far along the flat axis.
_CURVATURE = np.array([1.0, 25.0])
_START = np.array([-4.0, 1.5])


def _path(rule: str, lr: float, beta: float, steps: int = 12) -> np.ndarray:
    """Points of a momentum variant on the bowl, in float64; shape (steps, 2)."""
    p, v, m, s, points = _START.copy(), np.zeros(2), np.zeros(2), np.zeros(2), []
    for t in range(1, steps + 1):
        g = _CURVATURE * p
        if rule == "gd":
            p = p - lr * g
        elif rule == "adam":
            m, s = 0.9 * m + 0.1 * g, 0.999 * s + 0.001 * g**2
            p = p - lr * (m / (1 - 0.9**t)) / (np.sqrt(s / (1 - 0.999**t)) + 1e-8)
        else:
            v_old = v
            v = {"sum": g + beta * v, "ema": beta * v + (1 - beta) * g,
                 "beta_on_g": beta * g + v, "stale": g + beta * v, "up": g + beta * v,
                 "nesterov": g + beta * v}[rule]
            step = {"stale": v_old, "nesterov": g + beta * v}.get(rule, v)
            p = p + lr * step if rule == "up" else p - lr * step
        points.append(p)
    return np.array(points)


def _compare_paths(got: np.ndarray, expected: np.ndarray,
                   mistakes: list[tuple[np.ndarray, str]], diverged: str) -> tuple[bool, str]:
    """``fb.diagnose`` on two paths; a fallback hint names only the final points."""
    ok, hint = fb.diagnose(got, expected, mistakes, what="the points", atol=1e-4,
                           diverged=diverged)
    if not ok and hint.startswith("the points should be") and got.shape == expected.shape:
        hint = (f"after {len(expected)} steps the point should be {fb.fmt(expected[-1])}, "
                f"got {fb.fmt(got[-1])}")
    return ok, hint


def _momentum_mistakes(lr: float, beta: float) -> list[tuple[np.ndarray, str]]:
    return [
        (_path("gd", lr, beta), "your path is plain gradient descent: step along the velocity "
                                "v = grads + beta * v, and return the new v as the state"),
        (_path("ema", lr, beta), "you averaged, v = beta * v + (1 - beta) * grads; this "
                                 "momentum sums: v = grads + beta * v"),
        (_path("beta_on_g", lr, beta), "beta multiplies the old velocity, not the gradient: "
                                       "v = grads + beta * v"),
        (_path("stale", lr, beta), "you stepped with the old velocity: update v first, then "
                                   "params - learning_rate * v"),
        (_path("up", lr, beta), "sign error: subtract learning_rate * v from the params"),
        (_path("nesterov", lr, beta), "that is Nesterov's look-ahead step; step by "
                                      "learning_rate * v"),
        (_path("sum", beta, lr), "learning_rate and beta are swapped: the arguments are "
                                 "heavy_ball(learning_rate, beta)"),
    ]


def _run_pair(pair: Any, start: Any, steps: int) -> tuple[Any, str]:
    """Run ``(init, update)`` on the bowl (params an array or a dict); points or a hint."""
    if not (isinstance(pair, tuple) and len(pair) == 2 and all(map(callable, pair))):
        return None, (f"heavy_ball should return a pair of functions (init, update), "
                      f"got {type(pair).__name__}")
    init, update = pair
    grad = jax.grad(lambda p: jnp.sum(jnp.asarray(_CURVATURE) * _flat(p) ** 2) / 2)
    params, points = start, []
    try:
        state = init(params)
        for _ in range(steps):
            out = update(grad(params), state, params)
            params, state = out
            points.append(np.asarray(_flat(params), np.float64))
    except Exception as err:  # noqa: BLE001 - the reader's code may raise anything
        return None, (f"running init and update raised {type(err).__name__}: "
                      f"{(str(err).strip().splitlines() or [''])[0][:160]}")
    return np.array(points), ""


def _flat(p: Any) -> jax.Array:
    return jnp.concatenate([p["a"], p["b"]]) if isinstance(p, dict) else p


def check_momentum_pair(fn: Callable[[float, float], tuple[Callable, Callable]]) -> bool:
    """Check ``fn(learning_rate, beta) -> (init, update)`` for heavy-ball momentum.

    Runs the pair for 12 steps on the stretched bowl ½(p₁² + 25 p₂²) and compares
    every point with NumPy; then again with the params as a dict of arrays.
    Hints: plain gradient descent, averaged velocity, beta on the gradient,
    stale velocity, sign, Nesterov, swapped arguments, arrays only.

    Example:
      >>> from dl_workshop import optimizers
      >>> check_momentum_pair(lambda lr, b: tuple(optimizers.momentum(lr, b)[:2]))
      Correct: your momentum takes the same 12 steps as an independent NumPy loop.
      True
    """
    lr, beta = 0.05, 0.5
    pair, hint = fb.run(fn, "heavy_ball(learning_rate, beta)", lr, beta,
                        convert=lambda out: out, returns="a pair (init, update)")
    if hint:
        return fb.verdict(False, hint)
    got, hint = _run_pair(pair, jnp.asarray(_START, jnp.float32), 12)
    if got is None:
        return fb.verdict(False, hint)
    ok, hint = _compare_paths(got, _path("sum", lr, beta), _momentum_mistakes(lr, beta),
                              "your path diverged: check the sign and the velocity")
    if not ok:
        return fb.verdict(False, hint)
    tree = {"a": jnp.asarray(_START[:1], jnp.float32), "b": jnp.asarray(_START[1:], jnp.float32)}
    got, hint = _run_pair(pair, tree, 12)
    if got is None or not np.allclose(got, _path("sum", lr, beta), rtol=1e-4, atol=1e-4):
        why = f" ({hint})" if hint else ""
        return fb.verdict(False, f"correct for an array, but not for a dict of params: use "
                                 f"jax.tree.map over grads, velocity and params{why}")
    return fb.verdict(True, "your momentum takes the same 12 steps as an independent NumPy "
                            "loop.")


# check_minibatch_sgd: 12 examples with 2 features, batches of 4, 3 epochs.
_SX = np.linspace(-1.0, 1.0, 24, dtype=np.float32).reshape(12, 2) ** np.array([1.0, 2.0],
                                                                              np.float32)
_SY = (_SX @ np.array([2.0, -1.0], np.float32) + 0.5
       + 0.2 * np.cos(5 * np.arange(12, dtype=np.float32)))
_KEY_SEED, _LR, _BATCH, _EPOCHS = 7, 0.2, 4, 3


def _sgd_reference(order: np.ndarray, *, lr: float = _LR, scale: float = 1.0,
                   use_batch: bool = True) -> np.ndarray:
    """Gradient steps on the MSE of ``x @ w + b`` over batches ``order`` (k, batch)."""
    x, y = _SX.astype(np.float64), _SY.astype(np.float64)
    w, b = np.zeros(2), 0.0
    for rows in order:
        xb, yb = (x[rows], y[rows]) if use_batch else (x, y)
        r = xb @ w + b - yb
        w, b = w - lr * scale * 2 * xb.T @ r / len(yb), b - lr * scale * 2 * np.mean(r)
    return np.append(w, b)


def check_minibatch_sgd(fn: Callable[..., dict]) -> bool:
    """Check ``fn(key, params, x, y, learning_rate, batch_size, epochs) -> params``.

    Mini-batch gradient descent on the MSE of the linear model, one step per
    batch of ``batching.minibatches(key, x, y, batch_size=..., epochs=...)``,
    compared with NumPy on the same batches. Hints: full-data gradients, one
    step per epoch, the same shuffle every epoch, no shuffling, one epoch only,
    one step only, sign, summed loss, params unchanged.

    Example:
      >>> from dl_workshop import models, losses
      >>> def sgd(key, params, x, y, lr, batch_size, epochs):
      ...     loss = lambda p, xb, yb: losses.mean_squared_error(models.linear_apply(p, xb), yb)
      ...     for xb, yb in batching.minibatches(key, x, y, batch_size=batch_size, epochs=epochs):
      ...         params = jax.tree.map(lambda p, g: p - lr * g, params,
      ...                               jax.grad(loss)(params, xb, yb))
      ...     return params
      >>> check_minibatch_sgd(sgd)
      Correct: 9 steps on batches of 4 over 3 epochs, matching NumPy on the same batches.
      True
    """
    key = jax.random.key(_KEY_SEED)
    params = {"w": np.zeros(2, np.float32), "b": np.zeros((), np.float32)}
    got, hint = fb.run(fn, "sgd(key, params, x, y, learning_rate, batch_size, epochs)", key,
                       params, _SX, _SY, _LR, _BATCH, _EPOCHS,
                       convert=lambda out: np.append(np.asarray(out["w"], np.float64).ravel(),
                                                     np.asarray(out["b"], np.float64)),
                       returns="the params dict {'w': array (2,), 'b': number}")
    if got is None:
        return fb.verdict(False, hint)
    n = len(_SY)
    order = np.asarray(batching.batch_indices(key, n, _BATCH, epochs=_EPOCHS)).reshape(-1, _BATCH)
    first = np.asarray(batching.batch_indices(key, n, _BATCH, epochs=1)).reshape(-1, _BATCH)
    in_order = np.arange(n // _BATCH * _BATCH).reshape(-1, _BATCH)
    mistakes = [
        (_sgd_reference(order, use_batch=False), "each step must use the gradient on its batch "
                                                 "(x_batch, y_batch), not on all of x and y"),
        (_sgd_reference(order[:_EPOCHS], use_batch=False),
         "take one step per batch, not one per epoch"),
        (_sgd_reference(np.tile(first, (_EPOCHS, 1))),
         "every epoch used the same shuffle: pass epochs=epochs to minibatches (it reshuffles "
         "each epoch) instead of looping over epochs with the same key"),
        (_sgd_reference(np.tile(in_order, (_EPOCHS, 1))),
         "your batches are not shuffled: draw them with batching.minibatches(key, ...)"),
        (_sgd_reference(first), "you trained for one epoch only: pass epochs=epochs"),
        (_sgd_reference(order[:1]), "only one step was taken: is `return` inside the loop?"),
        (_sgd_reference(order, lr=-_LR), "sign error: subtract learning_rate * grad"),
        (_sgd_reference(order, scale=_BATCH), "you summed the loss over the batch; average it "
                                              "(the loss is the mean squared error)"),
        (np.zeros(3), "params did not change: assign the updated params inside the loop"),
    ]
    if got.shape != (3,):
        return fb.verdict(False, f"params['w'] should have shape (2,) and params['b'] shape "
                                 f"(), got {got.size} numbers in all")
    ok, hint = fb.diagnose(got, _sgd_reference(order), mistakes, what="[w1, w2, b] after training",
                           atol=1e-4, diverged="training diverged: average the loss and "
                                               "subtract learning_rate * grad")
    return fb.verdict(ok, f"{len(order)} steps on batches of {_BATCH} over {_EPOCHS} epochs, "
                          f"matching NumPy on the same batches." if ok else hint)


def check_optax_momentum(tx: Any) -> bool:
    """Check that the optax transformation ``tx`` steps like ``momentum(0.05, beta=0.8)``.

    Runs ``tx`` for 12 steps on the stretched bowl (applying its updates by
    adding them, as ``optax.apply_updates`` does) and compares with NumPy.
    Hints: no momentum, Nesterov, swapped numbers, 1 - beta, Adam, missing
    minus sign in a chain, the constructor instead of a transformation, the
    library's optimizer instead of optax's.
    """
    from dl_workshop.optimizers import Optimizer  # the library's own, to recognise it
    lr, beta = 0.05, 0.8
    if isinstance(tx, Optimizer):
        return fb.verdict(False, "that is the book's optimizer, whose update returns new "
                                 "params; build the optax one, e.g. with optax.sgd")
    if not (callable(getattr(tx, "init", None)) and callable(getattr(tx, "update", None))):
        called = " (call it: optax.sgd(...))" if callable(tx) else ""
        return fb.verdict(False, f"pass an optax GradientTransformation with init and update"
                                 f"{called}, got {type(tx).__name__}")
    start = jnp.asarray(_START, jnp.float32)
    points = []
    try:
        params, state = start, tx.init(start)
        for _ in range(12):
            updates, state = tx.update(jnp.asarray(_CURVATURE, jnp.float32) * params, state,
                                       params)
            params = params + updates
            points.append(np.asarray(params, np.float64))
    except Exception as err:  # noqa: BLE001
        return fb.verdict(False, f"running tx raised {type(err).__name__}: "
                                 f"{(str(err).strip().splitlines() or [''])[0][:160]}")
    mistakes = [
        (_path("gd", lr, beta), "no momentum: give optax.sgd a momentum=0.8"),
        (_path("nesterov", lr, beta), "nesterov=True is a different method; leave it False"),
        (_path("sum", beta, lr), "learning rate and momentum are swapped: "
                                 "optax.sgd(learning_rate, momentum=beta)"),
        (_path("sum", lr, 1 - beta), "momentum is beta itself (0.8), not 1 - beta"),
        (_path("adam", lr, beta), "that is Adam; momentum is optax.sgd with momentum=..."),
        (_path("up", lr, beta), "your steps go uphill: optax adds the updates to the params, "
                                "so scale by minus the learning rate, optax.scale(-0.05)"),
    ]
    ok, hint = _compare_paths(np.array(points), _path("sum", lr, beta), mistakes,
                              "your steps diverged: check the learning rate and sign")
    return fb.verdict(ok, "same 12 steps as optimizers.momentum(0.05, beta=0.8)." if ok
                      else hint)
