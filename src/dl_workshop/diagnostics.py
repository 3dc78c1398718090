"""Look inside an MLP: each layer's activations, their statistics, and the size of
each layer's gradient.

A deep network trains well when the signal keeps a sensible size as it flows
forward through the layers (activations neither vanish nor blow up) and as the
gradient flows backward. These functions measure both, layer by layer, for the
params of :func:`dl_workshop.models.mlp_init` (a list of ``{"w", "b"}`` dicts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from dl_workshop import _validation as v
from dl_workshop import models

__all__ = ["LayerStats", "layer_activations", "activation_stats", "layer_gradient_norms"]

Params = Any  # a list of {"w": (m, k), "b": (k,)} dicts


class LayerStats(NamedTuple):
    """Per-layer ``mean`` and ``std`` of the activations, each of shape (L,)."""

    mean: jax.Array
    std: jax.Array


def layer_activations(params: Params, x: jax.Array,
                      activation: Callable[[jax.Array], jax.Array] = jax.nn.relu
                      ) -> list[jax.Array]:
    """The output of every layer of the MLP ``params`` for inputs ``x`` (n, d).

    Returns a list of L arrays (one per layer, L = ``len(params)``): entry i has
    shape (n, sizes[i+1]) and holds ``activation(h @ w + b)`` of layer i, except
    the last entry, which holds the raw outputs (logits) as
    :func:`dl_workshop.models.mlp_apply` returns them.

    Example:
      >>> params = models.mlp_init(jax.random.key(0), [3, 4, 2])
      >>> [a.shape for a in layer_activations(params, jnp.ones((5, 3)))]
      [(5, 4), (5, 2)]
    """
    x = v.as_array(x, "x", ndim=2, shape="(n, d)")
    models._check_mlp(params, x)  # shapes only (no compute): layers chain, x fits layer 0
    outputs, h = [], x
    for i, layer in enumerate(params):
        h = h @ layer["w"] + layer["b"][None, :]
        if i < len(params) - 1:
            h = activation(h)
        outputs.append(h)
    return outputs


def activation_stats(params: Params, x: jax.Array,
                     activation: Callable[[jax.Array], jax.Array] = jax.nn.relu
                     ) -> LayerStats:
    """Mean and standard deviation of each layer's outputs, over examples and units.

    Returns ``LayerStats(mean, std)``, each of shape (L,) for L = ``len(params)``,
    computed from :func:`layer_activations` (the last entry describes the logits).

    Example:
      >>> params = models.mlp_init(jax.random.key(0), [3, 4, 2])
      >>> stats = activation_stats(params, jnp.zeros((5, 3)))
      >>> stats.mean.tolist(), stats.std.tolist()
      ([0.0, 0.0], [0.0, 0.0])
    """
    outputs = layer_activations(params, x, activation)
    return LayerStats(jnp.stack([jnp.mean(a) for a in outputs]),
                      jnp.stack([jnp.std(a) for a in outputs]))


def layer_gradient_norms(grads: Params) -> jax.Array:
    """The size of each layer's weight gradient: ``||grads[i]["w"]||`` (Frobenius), shape (L,).

    ``grads`` is the gradient of a loss with respect to MLP params, e.g.
    ``jax.grad(loss_of_params)(params)``: a list of ``{"w", "b"}`` dicts.

    Example:
      >>> first = {"w": jnp.full((2, 2), 0.5), "b": jnp.zeros(2)}
      >>> second = {"w": jnp.array([[3.0], [4.0]]), "b": jnp.zeros(1)}
      >>> layer_gradient_norms([first, second])
      Array([1., 5.], dtype=float32)
    """
    if not isinstance(grads, (list, tuple)) or not grads:
        raise TypeError(f"grads must be a non-empty list of {{'w', 'b'}} dicts (the "
                        f"gradient of MLP params), got {type(grads).__name__}")
    norms = []
    for i, layer in enumerate(grads):
        if not isinstance(layer, dict) or "w" not in layer:
            got = sorted(layer) if isinstance(layer, dict) else type(layer).__name__
            raise TypeError(f"grads[{i}] must be a dict with a 'w' entry, got {got}")
        norms.append(jnp.sqrt(jnp.sum(jnp.square(v.as_array(layer["w"], f"grads[{i}]['w']")))))
    return jnp.stack(norms)
