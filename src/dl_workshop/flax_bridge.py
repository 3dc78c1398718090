"""Flax bridge: move the book's MLP params into Flax NNX layers and back.

The book's MLP params (``models.mlp_init``) are a list with one
``{"w": (m, k), "b": (k,)}`` dict per layer. A Flax NNX ``nnx.Linear(m, k)``
layer holds the same two arrays as ``nnx.Param`` variables: ``kernel`` of
shape (m, k), in the same (inputs, outputs) layout as ``w`` (no transpose;
PyTorch's ``nn.Linear`` is the one that stores (outputs, inputs)), and
``bias`` of shape (k,).

:func:`load_mlp_params` writes book params into a sequence of ``nnx.Linear``
layers, in place; :func:`mlp_params_from` reads them back as a new book
params list, which ``models.mlp_apply`` accepts. Flax is imported when this
module is, so ``import dl_workshop`` alone does not pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

__all__ = ["load_mlp_params", "mlp_params_from"]

Params = Any  # a pytree of jax arrays


def _check_layers(layers: Any) -> list[nnx.Linear]:
    """``layers`` as a list of ``nnx.Linear``, or a TypeError naming the culprit."""
    if isinstance(layers, nnx.Linear):
        return [layers]
    if isinstance(layers, (str, bytes)) or not isinstance(layers, (Sequence, nnx.List)):
        raise TypeError(f"layers must be a list of nnx.Linear layers, such as model.layers, "
                        f"got {type(layers).__name__}")
    layers = list(layers)
    for i, layer in enumerate(layers):
        if not isinstance(layer, nnx.Linear):
            raise TypeError(f"layers[{i}] must be an nnx.Linear, got {type(layer).__name__}")
        for name in ("kernel", "bias"):
            if not isinstance(getattr(layer, name, None), nnx.Param):
                raise TypeError(f"layers[{i}].{name} must be an nnx.Param (use_bias=True), "
                                f"got {type(getattr(layer, name, None)).__name__}; assigning "
                                f"a plain array (layer.{name} = w) replaces the Param, and "
                                f"the optimizer no longer sees it: write layer.{name}[...] = w")
    return layers


def load_mlp_params(layers: Sequence[nnx.Linear], params: Sequence[Params]) -> None:
    """Copy book MLP ``params`` into ``layers``, in place: ``kernel <- w``, ``bias <- b``.

    Args:
      layers: L ``nnx.Linear`` layers; layer i has ``kernel`` (m_i, k_i) and
        ``bias`` (k_i,).
      params: L dicts ``{"w": (m_i, k_i), "b": (k_i,)}``, as from ``models.mlp_init``.

    The layers' ``nnx.Param`` objects stay the same objects (so an
    ``nnx.Optimizer`` built on the model still tracks them); only their values
    change. Nothing is returned. Raises ValueError on a count or shape mismatch,
    with a hint when a ``w`` is transposed.

    Example:
      >>> from flax import nnx
      >>> from dl_workshop import models
      >>> layers = [nnx.Linear(3, 4, rngs=nnx.Rngs(0)),
      ...           nnx.Linear(4, 2, rngs=nnx.Rngs(1))]
      >>> params = models.mlp_init(jax.random.key(0), [3, 4, 2])
      >>> load_mlp_params(layers, params)
      >>> bool(jnp.all(layers[0].kernel[...] == params[0]["w"]))
      True
    """
    layers = _check_layers(layers)
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"params must be a list of {{'w', 'b'}} dicts (one per layer, from "
                        f"mlp_init), got {type(params).__name__}")
    if len(params) != len(layers):
        raise ValueError(f"params has {len(params)} layers but layers has {len(layers)}; "
                         f"give one {{'w', 'b'}} dict per nnx.Linear")
    new = []
    for i, (layer, p) in enumerate(zip(layers, params)):
        if not isinstance(p, dict) or set(p) != {"w", "b"}:
            got = sorted(p) if isinstance(p, dict) else type(p).__name__
            raise TypeError(f"params[{i}] must be a dict with keys ['b', 'w'], got {got}")
        w, b = jnp.asarray(p["w"], jnp.float32), jnp.asarray(p["b"], jnp.float32)
        kernel_shape, bias_shape = layer.kernel.shape, layer.bias.shape
        if w.shape != kernel_shape:
            hint = (" (it looks transposed: the book's w and nnx's kernel are both "
                    "(inputs, outputs); only PyTorch stores (outputs, inputs))"
                    if w.shape == kernel_shape[::-1] else "")
            raise ValueError(f"params[{i}]['w'] has shape {w.shape} but layers[{i}].kernel "
                             f"has shape {kernel_shape}{hint}")
        if b.shape != bias_shape:
            raise ValueError(f"params[{i}]['b'] has shape {b.shape} but layers[{i}].bias has "
                             f"shape {bias_shape}")
        new.append((layer, w, b))
    for layer, w, b in new:  # all checked first: a bad layer leaves every layer unchanged
        layer.kernel[...] = w
        layer.bias[...] = b


def mlp_params_from(layers: Sequence[nnx.Linear]) -> list[Params]:
    """Book MLP params ``[{"w": kernel, "b": bias}, ...]`` read from ``layers``.

    Args:
      layers: L ``nnx.Linear`` layers with ``kernel`` (m_i, k_i), ``bias`` (k_i,).

    Returns:
      A new list of L dicts ``{"w": (m_i, k_i), "b": (k_i,)}`` of JAX arrays, for
      ``models.mlp_apply``; changing the layers later does not change it.

    Example:
      >>> from flax import nnx
      >>> from dl_workshop import models
      >>> layers = [nnx.Linear(3, 4, rngs=nnx.Rngs(0)),
      ...           nnx.Linear(4, 2, rngs=nnx.Rngs(1))]
      >>> params = mlp_params_from(layers)
      >>> [(p["w"].shape, p["b"].shape) for p in params]
      [((3, 4), (4,)), ((4, 2), (2,))]
      >>> x = jnp.ones((5, 3))
      >>> by_hand = layers[1](jax.nn.relu(layers[0](x)))
      >>> bool(jnp.allclose(models.mlp_apply(params, x), by_hand))
      True
    """
    return [{"w": jnp.array(layer.kernel[...]), "b": jnp.array(layer.bias[...])}
            for layer in _check_layers(layers)]
