"""Answer checks for Part II, chapter 8 (PRNG keys): per-epoch shuffling, one key
per model, and a random walk that draws its steps from keys inside a scan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop import models
from dl_workshop.exercises import _feedback as fb

__all__ = ["check_epoch_orders", "check_init_many", "check_walk_step"]

_KEY, _OTHER_KEY = jax.random.key(11), jax.random.key(12)


def _is_permutation(row: np.ndarray, n: int) -> bool:
    return row.shape == (n,) and np.array_equal(np.sort(row), np.arange(n))


def check_epoch_orders(fn: Callable[[Any, int, int], Any]) -> bool:
    """Check ``fn(key, n, epochs)`` -> (epochs, n): one fresh permutation per epoch.

    Any correct scheme (split, fold_in, a chain of splits) is accepted: every row
    must be a permutation of ``range(n)``, rows must differ, the same key must give
    the same rows and another key other rows. Hints: the key reused every epoch,
    the parent key used after splitting, the same ``fold_in`` number every epoch,
    sampling with replacement, NumPy's global random state, the key ignored,
    transposed result.

    Example:
      >>> check_epoch_orders(lambda key, n, epochs: jnp.stack(
      ...     [jax.random.permutation(k, n) for k in jax.random.split(key, epochs)]))
      Correct: a new order every epoch, the same orders for the same key.
      True
    """
    n, epochs, name = 12, 5, "shuffled_orders(key, n, epochs)"
    got, hint = fb.run(fn, name, _KEY, n, epochs)
    if got is None:
        return fb.verdict(False, hint)
    if got.shape == (n, epochs):
        return fb.verdict(False, f"your result has shape {got.shape}; put one epoch per row: "
                                 f"shape (epochs, n) = ({epochs}, {n})")
    if got.shape != (epochs, n):
        return fb.verdict(False, f"{name} should have shape (epochs, n) = ({epochs}, {n}), "
                                 f"got shape {got.shape}")
    if not all(_is_permutation(row, n) for row in got):
        return fb.verdict(False, "a row repeats some examples and skips others: that is "
                                 "sampling with replacement; use jax.random.permutation")
    parent = np.asarray(jax.random.permutation(_KEY, n))
    if all(np.array_equal(row, got[0]) for row in got):
        if np.array_equal(got[0], parent):
            return fb.verdict(False, "every epoch has the same order because the same key is "
                                     "used every epoch: split it, jax.random.split(key, "
                                     "epochs), and use one child per epoch")
        folded = np.asarray(jax.random.permutation(jax.random.fold_in(_KEY, 0), n))
        if np.array_equal(got[0], folded):
            return fb.verdict(False, "every epoch uses fold_in(key, 0): fold in the epoch "
                                     "number, fold_in(key, epoch)")
        return fb.verdict(False, "every epoch has the same order: each epoch needs its own "
                                 "key")
    if any(np.array_equal(row, parent) for row in got):
        return fb.verdict(False, "you split the key but an epoch still uses the parent key: "
                                 "after splitting, use only the children")
    again, hint = fb.run(fn, name, _KEY, n, epochs)
    if again is None or not np.array_equal(again, got):
        return fb.verdict(False, hint or "the same key gave different orders on a second "
                                         "call: draw with jax.random and the key, not with "
                                         "np.random or another hidden state")
    other, hint = fb.run(fn, name, _OTHER_KEY, n, epochs)
    if other is None or np.array_equal(other, got):
        return fb.verdict(False, hint or "another key gave the same orders: derive every "
                                         "epoch's key from the key argument")
    return fb.verdict(True, "a new order every epoch, the same orders for the same key.")


def _stacked(out: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(out, dict):
        raise TypeError("not a dict")
    return np.asarray(out["w"], np.float64), np.asarray(out["b"], np.float64)


def check_init_many(fn: Callable[[Any, int, int], dict]) -> bool:
    """Check ``fn(key, k, n_features)`` -> ``{"w": (k, d), "b": (k,)}`` of k models.

    Each model must be ``models.linear_init`` with its own key; any way of making
    k different keys from ``key`` is accepted. Hints: one key for every model,
    the parent key used after splitting, a list of dicts instead of one stacked
    dict, transposed weights, zero weights, the key ignored, hidden random state.

    Example:
      >>> check_init_many(lambda key, k, d: jax.vmap(
      ...     lambda kk: models.linear_init(kk, d))(jax.random.split(key, k)))
      Correct: 4 models with different starting weights, stacked along a leading axis.
      True
    """
    k, d, name = 4, 3, "init_many(key, k, n_features)"
    got, hint = fb.run(fn, name, _KEY, k, d, convert=_stacked,
                       returns="one dict {'w': (k, n_features), 'b': (k,)}")
    if got is None:
        if "got list" in hint or "got tuple" in hint:
            hint = ("return one dict whose leaves have a leading axis k, not a list of k "
                    "dicts: stack them (jax.vmap does it for you), as fit_many expects")
        return fb.verdict(False, hint)
    w, b = got
    if w.shape == (d, k):
        return fb.verdict(False, f"w has shape {w.shape}: the models go along the first "
                                 f"axis, shape (k, n_features) = ({k}, {d})")
    if w.shape != (k, d) or b.shape != (k,):
        return fb.verdict(False, f"expected w of shape ({k}, {d}) and b of shape ({k},), got "
                                 f"{w.shape} and {b.shape}")
    if not np.any(w):
        return fb.verdict(False, "the weights are all zero: identical models would train "
                                 "identically; initialise each with models.linear_init and "
                                 "its own key")
    if all(np.array_equal(row, w[0]) for row in w):
        parent = np.asarray(models.linear_init(_KEY, d)["w"], np.float64)
        if np.allclose(w[0], parent):
            return fb.verdict(False, "every model got the same key, so all start from the "
                                     "same weights: jax.random.split(key, k) gives one key "
                                     "per model")
        return fb.verdict(False, "all models start from the same weights: give each its own "
                                 "key")
    again = fb.run(fn, name, _KEY, k, d, convert=_stacked)[0]
    if again is None or not np.array_equal(again[0], w):
        return fb.verdict(False, "the same key gave different weights on a second call: draw "
                                 "with jax.random and the key, not with a hidden state")
    other = fb.run(fn, name, _OTHER_KEY, k, d, convert=_stacked)[0]
    if other is None or np.array_equal(other[0], w):
        return fb.verdict(False, "another key gave the same weights: derive the models' keys "
                                 "from the key argument")
    if np.any(b):
        return fb.verdict(False, "models.linear_init starts the bias at 0; use it for each "
                                 "model rather than drawing b")
    return fb.verdict(True, f"{k} models with different starting weights, stacked along a "
                            f"leading axis.")


def check_walk_step(fn: Callable[[Any, Any], tuple]) -> bool:
    """Check a scan step ``fn(position, key) -> (new, new)``, ``new = position + N(0, 1)``.

    Run as ``jax.lax.scan(fn, 0.0, jax.random.split(key, 6))``; the standard normal
    step is ``jax.random.normal(key)``. Hints: the steps as outputs (not the
    positions), the position not carried, a fixed key, a step of shape (1,),
    uniform instead of normal, NumPy random numbers, not a pair.

    Example:
      >>> check_walk_step(lambda p, key: (p + jax.random.normal(key),) * 2)
      Correct: each round adds a fresh normal step drawn with that round's key.
      True
    """
    keys = jax.random.split(_KEY, 6)
    name = "jax.lax.scan(walk_step, 0.0, keys)"
    if not callable(fn):
        return fb.verdict(False, fb.run(fn, name)[1])
    got, hint = fb.run(lambda ks: jax.lax.scan(fn, 0.0, ks), name, keys,
                       convert=lambda out: (np.asarray(out[0], np.float64),
                                            np.asarray(out[1], np.float64)))
    if got is None:
        if "must be a pair" in hint:
            hint = "a scan step returns a pair (new carry, output): `return new, new`"
        elif "must have equal types" in hint:
            hint = ("the position changed shape: draw one number, jax.random.normal(key), "
                    "not an array of shape (1,)")
        return fb.verdict(False, hint)
    carry, outputs = got
    steps = np.array([float(jax.random.normal(k)) for k in keys])
    expected = np.cumsum(steps)
    mistakes = [
        (steps, "your outputs are the steps; output the position, position + step"),
        (np.full(6, float(jax.random.normal(keys[0]))), "every step is the same: draw with "
                                                        "the round's key, the second argument"),
        (np.cumsum(np.full(6, float(jax.random.normal(_KEY)))), "every step is the same: "
                                                                "draw with the round's key"),
        (np.cumsum(np.full(6, float(jax.random.normal(jax.random.key(0))))),
         "every step is the same: draw with the round's key, not a fixed jax.random.key(0)"),
        (np.cumsum([float(jax.random.uniform(k)) for k in keys]),
         "those steps are uniform on [0, 1); draw standard normal steps, "
         "jax.random.normal(key)"),
        (np.concatenate([[0.0], expected[:-1]]), "your outputs are one round late (the first "
                                                 "is 0): output the new position"),
    ]
    if np.allclose(outputs, steps) and np.isclose(carry, 0.0):
        return fb.verdict(False, "the position never moves on: return the new position as "
                                 "the carry (the first element of the pair)")
    if np.allclose(np.diff(outputs), outputs[0], rtol=1e-4) and not np.allclose(outputs, expected):
        if not any(np.allclose(outputs, m) for m, _ in mistakes):
            return fb.verdict(False, "every step is the same: draw with the round's key; "
                                     "np.random and fixed keys are drawn once when JAX traces "
                                     "the step")
    ok, hint = fb.diagnose(outputs, expected, mistakes, what="the positions")
    if ok and not np.isclose(carry, expected[-1], rtol=1e-4):
        ok, hint = False, ("the positions are right but the final carry is not the last "
                           "position: return the new position as the carry")
    return fb.verdict(ok, "each round adds a fresh normal step drawn with that round's key."
                      if ok else hint)
