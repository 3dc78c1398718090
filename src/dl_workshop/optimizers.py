"""Optimizers from scratch: pairs of pure functions with a NamedTuple state.

``state = opt.init(params)`` once, then at every step
``params, state = opt.update(grads, state, params)``. Unlike optax, ``update``
returns the new params directly. All three follow optax's update rules
(``optax.sgd``, ``optax.sgd(momentum=...)``, ``optax.adam``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from dl_workshop import _validation as v

__all__ = ["Optimizer", "GradientDescentState", "MomentumState", "AdamState",
           "gradient_descent", "momentum", "adam"]

Params = Any  # a pytree of jax arrays


class Optimizer(NamedTuple):
    """``init(params) -> state``; ``update(grads, state, params) -> (params, state)``."""

    init: Callable[[Params], Any]
    update: Callable[[Params, Any, Params], tuple[Params, Any]]
    learning_rate: float


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


def _lr(learning_rate: Any) -> float:
    return v.check_float(learning_rate, "learning_rate", low=0.0, low_open=True)


def gradient_descent(learning_rate: float) -> Optimizer:
    """``params - learning_rate * grads``.

    Example:
      >>> opt = gradient_descent(0.1)
      >>> params = {"w": jnp.array([1.0])}
      >>> opt.update({"w": jnp.array([2.0])}, opt.init(params), params)[0]
      {'w': Array([0.8], dtype=float32)}
    """
    lr = _lr(learning_rate)

    def init(params: Params) -> GradientDescentState:
        return GradientDescentState()

    def update(grads: Params, state: GradientDescentState,
               params: Params) -> tuple[Params, GradientDescentState]:
        _check_tree(grads, "grads", params)
        _check_state(state, GradientDescentState, "gradient_descent")
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), state

    return Optimizer(init, update, lr)


def momentum(learning_rate: float, beta: float = 0.9) -> Optimizer:
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
    lr = _lr(learning_rate)
    beta = v.check_float(beta, "beta", low=0.0, high=1.0, high_open=True)

    def init(params: Params) -> MomentumState:
        return MomentumState(jax.tree.map(jnp.zeros_like, params))

    def update(grads: Params, state: MomentumState,
               params: Params) -> tuple[Params, MomentumState]:
        _check_tree(grads, "grads", params)
        _check_state(state, MomentumState, "momentum")
        velocity = jax.tree.map(lambda g, m: g + beta * m, grads, state.velocity)
        new_params = jax.tree.map(lambda p, m: p - lr * m, params, velocity)
        return new_params, MomentumState(velocity)

    return Optimizer(init, update, lr)


def adam(learning_rate: float, b1: float = 0.9, b2: float = 0.999,
         eps: float = 1e-8) -> Optimizer:
    """Adam (Kingma & Ba, 2015) with bias correction, as in optax.adam.

    ``mu = b1 mu + (1 - b1) g``; ``nu = b2 nu + (1 - b2) g**2``;
    ``params - lr * mu_hat / (sqrt(nu_hat) + eps)`` where ``mu_hat`` and
    ``nu_hat`` are divided by ``1 - b1**t`` and ``1 - b2**t`` at step t.

    Example (the first step moves each coordinate by about ``learning_rate``):
      >>> opt = adam(0.1)
      >>> params = jnp.array([1.0, 1.0])
      >>> opt.update(jnp.array([5.0, -0.01]), opt.init(params), params)[0].round(4)
      Array([0.9, 1.1], dtype=float32)
    """
    lr = _lr(learning_rate)
    b1 = v.check_float(b1, "b1", low=0.0, high=1.0, high_open=True)
    b2 = v.check_float(b2, "b2", low=0.0, high=1.0, high_open=True)
    eps = v.check_float(eps, "eps", low=0.0, low_open=True)

    def init(params: Params) -> AdamState:
        zeros = jax.tree.map(jnp.zeros_like, params)
        return AdamState(jnp.zeros((), jnp.int32), zeros, zeros)

    def update(grads: Params, state: AdamState, params: Params) -> tuple[Params, AdamState]:
        _check_tree(grads, "grads", params)
        _check_state(state, AdamState, "adam")
        count = state.count + 1
        mu = jax.tree.map(lambda g, m: b1 * m + (1 - b1) * g, grads, state.mu)
        nu = jax.tree.map(lambda g, s: b2 * s + (1 - b2) * g**2, grads, state.nu)
        t = count.astype(jnp.float32)
        new_params = jax.tree.map(
            lambda p, m, s: p - lr * (m / (1 - b1**t)) / (jnp.sqrt(s / (1 - b2**t)) + eps),
            params, mu, nu)
        return new_params, AdamState(count, mu, nu)

    return Optimizer(init, update, lr)
