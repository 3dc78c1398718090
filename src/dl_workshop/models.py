"""Models: ``init(key, ...) -> params`` and ``apply(params, x) -> predictions``.

Params are plain pytrees: a dict ``{"w": (d,), "b": ()}`` for the linear and
logistic models, a list of ``{"w": (m, k), "b": (k,)}`` dicts for the MLP.
Inputs ``x`` have shape (n, d), one row per example, or (d,) for a single
example, so every ``apply`` also works per example under ``jax.vmap``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from dl_workshop import _validation as v

__all__ = [
    "Model", "linear_init", "linear_apply", "logistic_init", "logistic_apply",
    "logistic_predict_proba", "mlp_init", "mlp_apply", "linear", "logistic", "mlp",
]

Params = Any  # a pytree of jax arrays


class Model(NamedTuple):
    """A model as a pair of pure functions."""

    init: Callable[..., Params]
    apply: Callable[..., jax.Array]


def _check_layer(layer: Any, name: str, w_ndim: int) -> tuple[jax.Array, jax.Array]:
    """Check one ``{"w", "b"}`` dict; return its arrays."""
    if not isinstance(layer, dict) or set(layer) != {"w", "b"}:
        got = sorted(layer) if isinstance(layer, dict) else type(layer).__name__
        raise TypeError(f"{name} must be a dict with keys ['b', 'w'], got {got}")
    shapes = {1: ("(d,)", "()"), 2: ("(m, k)", "(k,)")}[w_ndim]
    w = v.as_array(layer["w"], f"{name}['w']", ndim=w_ndim, shape=shapes[0])
    b = v.as_array(layer["b"], f"{name}['b']", ndim=w_ndim - 1, shape=shapes[1])
    return w, b


def _check_x(x: Any, d: int) -> jax.Array:
    """``x`` of shape (n, d), or (d,) for one example."""
    x = v.as_array(x, "x", shape=f"(n, {d})")
    if x.ndim not in (1, 2) or x.shape[-1] != d:
        hint = (f"; a vector of {x.shape[0]} values is one example with {x.shape[0]} "
                f"features: for {x.shape[0]} examples use x.reshape(-1, 1)"
                if x.ndim == 1 and d == 1 else "")
        raise ValueError(f"x must have shape (n, {d}), or ({d},) for one example, to match "
                         f"the weights, got shape {x.shape}{hint}")
    return x


def _check_mlp(params: Any, x: Any) -> jax.Array:
    """Check an MLP's list of layers, each fed by the one before; return ``x``."""
    if not isinstance(params, (list, tuple)) or not params:
        raise TypeError(f"params must be a non-empty list of {{'w', 'b'}} dicts (one per "
                        f"layer, from mlp_init), got {type(params).__name__}")
    shapes = []
    for i, layer in enumerate(params):
        w, b = _check_layer(layer, f"params[{i}]", w_ndim=2)
        if b.shape != (w.shape[1],):
            raise ValueError(f"params[{i}]['b'] must have shape ({w.shape[1]},) to match "
                             f"params[{i}]['w'] of shape {w.shape}, got shape {b.shape}")
        if shapes and w.shape[0] != shapes[-1][1]:
            raise ValueError(f"params[{i}]['w'] must have {shapes[-1][1]} rows to follow "
                             f"params[{i - 1}]['w'] of shape {shapes[-1]}, got shape {w.shape}")
        shapes.append(w.shape)
    return _check_x(x, shapes[0][0])


def linear_init(key: jax.Array, n_features: int) -> Params:
    """Initial linear-model params: ``w ~ N(0, 1 / n_features)`` (d,), ``b = 0`` ().

    Example:
      >>> params = linear_init(jax.random.key(0), 3)
      >>> params["w"].shape, params["b"].shape
      ((3,), ())
    """
    v.check_key(key)
    d = v.check_int(n_features, "n_features")
    return {"w": jax.random.normal(key, (d,)) / jnp.sqrt(d), "b": jnp.zeros(())}


def linear_apply(params: Params, x: jax.Array) -> jax.Array:
    """Predictions ``x @ w + b`` of shape (n,) for ``x`` of shape (n, d), or a
    scalar for one example ``x`` of shape (d,).

    Example:
      >>> params = {"w": jnp.array([2.0]), "b": jnp.array(-1.0)}
      >>> linear_apply(params, jnp.array([[3.0]]))
      Array([5.], dtype=float32)
    """
    w, b = _check_layer(params, "params", w_ndim=1)
    return _check_x(x, w.shape[0]) @ w + b


logistic_init = linear_init


def logistic_apply(params: Params, x: jax.Array) -> jax.Array:
    """Logits ``x @ w + b`` of shape (n,); ``sigmoid(logits)`` is P(y = 1).

    Same params as :func:`linear_apply`; pass the logits to
    ``losses.binary_cross_entropy``.
    """
    return linear_apply(params, x)


def logistic_predict_proba(params: Params, x: jax.Array) -> jax.Array:
    """Probabilities ``sigmoid(x @ w + b)`` of class 1, shape (n,).

    Example:
      >>> logistic_predict_proba({"w": jnp.array([1.0]), "b": jnp.array(0.0)},
      ...                        jnp.array([[0.0]]))
      Array([0.5], dtype=float32)
    """
    return jax.nn.sigmoid(logistic_apply(params, x))


def mlp_init(key: jax.Array, sizes: Sequence[int]) -> list[Params]:
    """He (Kaiming) normal init for an MLP with layer widths ``sizes``.

    ``sizes = [d, h1, ..., out]``; layer i gets ``w ~ N(0, 2 / fan_in)`` of
    shape (sizes[i], sizes[i+1]) from its own split of ``key``, and ``b = 0``.

    Example:
      >>> params = mlp_init(jax.random.key(0), [30, 16, 1])
      >>> [(p["w"].shape, p["b"].shape) for p in params]
      [((30, 16), (16,)), ((16, 1), (1,))]
    """
    v.check_key(key)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ValueError(f"sizes must be a list of at least two layer widths such as "
                         f"[d, hidden, out], got {sizes!r}")
    sizes = [v.check_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    keys = jax.random.split(key, len(sizes) - 1)
    return [{"w": jax.random.normal(k, (m, n)) * jnp.sqrt(2.0 / m), "b": jnp.zeros((n,))}
            for k, m, n in zip(keys, sizes[:-1], sizes[1:])]


def _mlp_one(params: list[Params], x: jax.Array,
             activation: Callable[[jax.Array], jax.Array]) -> jax.Array:
    """The MLP on one example ``x`` of shape (d,): outputs of shape (sizes[-1],)."""
    *hidden, last = params
    for layer in hidden:
        x = activation(x @ layer["w"] + layer["b"])
    return x @ last["w"] + last["b"]


def mlp_apply(params: list[Params], x: jax.Array,
              activation: Callable[[jax.Array], jax.Array] = jax.nn.relu) -> jax.Array:
    """Raw outputs (logits) of shape (n, sizes[-1]) for ``x`` of shape (n, d),
    or (sizes[-1],) for one example ``x`` of shape (d,).

    Every layer but the last is followed by ``activation``. For a binary
    classifier with one output unit, take ``mlp_apply(params, x)[:, 0]``.
    The layers are written for one example; ``jax.vmap`` maps them over the
    rows of ``x``.

    Example:
      >>> params = mlp_init(jax.random.key(0), [3, 4, 2])
      >>> mlp_apply(params, jnp.ones((5, 3))).shape  # a batch of 5 examples
      (5, 2)
      >>> mlp_apply(params, jnp.ones(3)).shape  # one example
      (2,)
    """
    x = _check_mlp(params, x)
    if x.ndim == 1:
        return _mlp_one(params, x, activation)
    return _mlp_rows(params, x, activation)


@functools.partial(jax.jit, static_argnames="activation")
def _mlp_rows(params: list[Params], x: jax.Array,
              activation: Callable[[jax.Array], jax.Array]) -> jax.Array:
    """``_mlp_one`` mapped over the rows of ``x`` (n, d): outputs of shape (n, sizes[-1]).

    Compiled once per network shape, batch size and activation: called outside ``jit``
    (to predict on a grid, say), the layers would otherwise compile one small program
    per operation and shape.
    """
    return jax.vmap(lambda row: _mlp_one(params, row, activation))(x)


linear = Model(linear_init, linear_apply)
logistic = Model(logistic_init, logistic_apply)
mlp = Model(mlp_init, mlp_apply)
