"""Optimizers from scratch: pairs of pure functions with a NamedTuple state.

``state = opt.init(params)`` once, then at every step
``params, state = opt.update(grads, state, params)``. Unlike optax, ``update``
returns the new params directly. All three follow optax's update rules
(``optax.sgd``, ``optax.sgd(momentum=...)``, ``optax.adam``).

An optimizer is data, not a closure: ``init`` and ``update`` are
:class:`jax.tree_util.Partial` objects that bind a module-level update rule
(static) to its hyperparameters (pytree leaves). Two optimizers of the same
kind therefore have the same tree structure, whatever their learning rates,
and a compiled training loop that takes the optimizer as an argument runs
them all without compiling again.

Hyperparameters are numbers, or 1-d arrays of shape (K,) holding one value
per model for :func:`dl_workshop.training.fit_many`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import Partial

from dl_workshop import _validation as v

__all__ = ["Optimizer", "GradientDescentState", "MomentumState", "AdamState",
           "gradient_descent", "momentum", "adam"]

Params = Any  # a pytree of jax arrays
Hyperparameter = float | jax.Array  # a number, or shape (K,): one value per model


class Optimizer(NamedTuple):
    """``init(params) -> state``; ``update(grads, state, params) -> (params, state)``.

    ``learning_rate`` is kept for messages (e.g. ``fit``'s divergence error).
    """

    init: Callable[[Params], Any]
    update: Callable[[Params, Any, Params], tuple[Params, Any]]
    learning_rate: Hyperparameter


class GradientDescentState(NamedTuple):
    """Plain gradient descent keeps no state."""


class MomentumState(NamedTuple):
    """``velocity``: running sum of past gradients, same tree as params."""

    velocity: Params


class AdamState(NamedTuple):
    """``count`` of steps taken; first (``mu``) and second (``nu``) moments."""

    count: jax.Array
    mu: Params
    nu: Params


# ---- checks (shapes only, so they also run while JAX traces) ----------------------------

def _check_tree(tree: Params, name: str, params: Params) -> None:
    """Raise ValueError unless ``tree`` has the structure and shapes of ``params``."""
    expected, got = jax.tree.structure(params), jax.tree.structure(tree)
    if got != expected:
        raise ValueError(f"{name} must have the same tree structure as params: "
                         f"expected {expected}, got {got}")
    for (path, a), b in zip(jax.tree_util.tree_flatten_with_path(params)[0],
                            jax.tree.leaves(tree)):
        if jnp.shape(a) != jnp.shape(b):
            where = jax.tree_util.keystr(path)
            raise ValueError(f"{name}{where} must have shape {jnp.shape(a)} like "
                             f"params{where}, got shape {jnp.shape(b)}")


def _check_state(state: Any, cls: type, name: str) -> None:
    if not isinstance(state, cls):
        raise TypeError(f"state must be the {cls.__name__} returned by {name}(...).init"
                        f"(params), got {type(state).__name__}")


def _hyper(value: Any, name: str, **interval: Any) -> Hyperparameter:
    """A number in the interval (as a float), or a 1-d array of them (as float32)."""
    if isinstance(value, jax.core.Tracer):
        return value  # built inside jit or vmap: its values are not known yet
    if np.ndim(value) == 0 or isinstance(value, (str, bytes)):
        return v.check_float(value, name, **interval)
    values = np.asarray(value)
    if values.dtype == bool or not np.issubdtype(values.dtype, np.number):
        raise TypeError(f"{name} must be a number or an array of numbers, got "
                        f"{type(value).__name__} of dtype {values.dtype}")
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name} must be a number or a 1-d array of K >= 1 values (one "
                         f"per model), got shape {values.shape}")
    for i, item in enumerate(values.tolist()):
        v.check_float(item, f"{name}[{i}]", **interval)
    return jnp.asarray(values, jnp.float32)


def _learning_rate(value: Any) -> Hyperparameter:
    return _hyper(value, "learning_rate", low=0.0, low_open=True)


def _decay(value: Any, name: str) -> Hyperparameter:
    return _hyper(value, name, low=0.0, high=1.0, high_open=True)


# ---- the update rules: module-level functions, so they are the same object every time ---

def _no_state(params: Params) -> GradientDescentState:
    return GradientDescentState()


def _zeros_like_params(params: Params) -> MomentumState:
    return MomentumState(jax.tree.map(jnp.zeros_like, params))


def _zero_moments(params: Params) -> AdamState:
    zeros = jax.tree.map(jnp.zeros_like, params)
    return AdamState(jnp.zeros((), jnp.int32), zeros, zeros)


def _gradient_descent_update(learning_rate: Hyperparameter, grads: Params,
                             state: GradientDescentState,
                             params: Params) -> tuple[Params, GradientDescentState]:
    _check_tree(grads, "grads", params)
    _check_state(state, GradientDescentState, "gradient_descent")
    return jax.tree.map(lambda p, g: p - learning_rate * g, params, grads), state


def _momentum_update(learning_rate: Hyperparameter, beta: Hyperparameter, grads: Params,
                     state: MomentumState, params: Params) -> tuple[Params, MomentumState]:
    _check_tree(grads, "grads", params)
    _check_state(state, MomentumState, "momentum")
    velocity = jax.tree.map(lambda g, m: g + beta * m, grads, state.velocity)
    new_params = jax.tree.map(lambda p, m: p - learning_rate * m, params, velocity)
    return new_params, MomentumState(velocity)


def _adam_update(learning_rate: Hyperparameter, b1: Hyperparameter, b2: Hyperparameter,
                 eps: Hyperparameter, grads: Params, state: AdamState,
                 params: Params) -> tuple[Params, AdamState]:
    _check_tree(grads, "grads", params)
    _check_state(state, AdamState, "adam")
    count = state.count + 1
    mu = jax.tree.map(lambda g, m: b1 * m + (1 - b1) * g, grads, state.mu)
    nu = jax.tree.map(lambda g, s: b2 * s + (1 - b2) * g**2, grads, state.nu)
    t = count.astype(jnp.float32)
    new_params = jax.tree.map(
        lambda p, m, s: p - learning_rate * (m / (1 - b1**t)) / (jnp.sqrt(s / (1 - b2**t)) + eps),
        params, mu, nu)
    return new_params, AdamState(count, mu, nu)


# ---- the constructors ---------------------------------------------------------------------

def gradient_descent(learning_rate: Hyperparameter) -> Optimizer:
    """``params - learning_rate * grads``.

    Example:
      >>> opt = gradient_descent(0.1)
      >>> params = {"w": jnp.array([1.0])}
      >>> opt.update({"w": jnp.array([2.0])}, opt.init(params), params)[0]
      {'w': Array([0.8], dtype=float32)}

      Optimizers are data: another learning rate gives the same tree structure.

      >>> jax.tree.structure(opt) == jax.tree.structure(gradient_descent(0.5))
      True
    """
    lr = _learning_rate(learning_rate)
    return Optimizer(Partial(_no_state), Partial(_gradient_descent_update, lr), lr)


def momentum(learning_rate: Hyperparameter, beta: Hyperparameter = 0.9) -> Optimizer:
    """Heavy-ball momentum: ``velocity = grads + beta * velocity``, then
    ``params - learning_rate * velocity`` (optax.sgd with ``momentum=beta``).
    Shapes: every state leaf has the shape of the matching params leaf.

    Example:
      >>> opt = momentum(0.1, beta=0.9)
      >>> params, state = jnp.array([1.0]), opt.init(jnp.array([1.0]))
      >>> params, state = opt.update(jnp.array([2.0]), state, params)
      >>> params, state.velocity
      (Array([0.8], dtype=float32), Array([2.], dtype=float32))
    """
    lr, beta = _learning_rate(learning_rate), _decay(beta, "beta")
    return Optimizer(Partial(_zeros_like_params), Partial(_momentum_update, lr, beta), lr)


def adam(learning_rate: Hyperparameter, b1: Hyperparameter = 0.9,
         b2: Hyperparameter = 0.999, eps: Hyperparameter = 1e-8) -> Optimizer:
    """Adam (Kingma & Ba, 2015) with bias correction, as in optax.adam.

    ``mu = b1 mu + (1 - b1) g``; ``nu = b2 nu + (1 - b2) g**2``;
    ``params - lr * mu_hat / (sqrt(nu_hat) + eps)`` where ``mu_hat`` and
    ``nu_hat`` are divided by ``1 - b1**t`` and ``1 - b2**t`` at step t.

    Example (the first step moves each coordinate by about ``learning_rate``):
      >>> opt = adam(0.1)
      >>> params = jnp.array([1.0, 1.0])
      >>> grads = jnp.array([5.0, -0.01])
      >>> opt.update(grads, opt.init(params), params)[0].round(4)
      Array([0.9, 1.1], dtype=float32)

      One learning rate per model, for ``training.fit_many``:

      >>> adam(jnp.array([0.1, 0.01])).learning_rate
      Array([0.1 , 0.01], dtype=float32)
    """
    lr, b1, b2 = _learning_rate(learning_rate), _decay(b1, "b1"), _decay(b2, "b2")
    eps = _hyper(eps, "eps", low=0.0, low_open=True)
    return Optimizer(Partial(_zero_moments), Partial(_adam_update, lr, b1, b2, eps), lr)
