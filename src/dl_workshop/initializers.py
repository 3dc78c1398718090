"""Initial weights for an MLP by a named scheme: how big should random weights be?

A scheme gives the standard deviation of layer ``i``'s weights from its
``fan_in`` (inputs per unit, ``sizes[i]``) and ``fan_out`` (``sizes[i + 1]``):

- ``"he"`` (He et al., 2015): ``sqrt(2 / fan_in)``, for ReLU layers;
- ``"glorot"`` (Glorot & Bengio, 2010): ``sqrt(2 / (fan_in + fan_out))``, for
  tanh and sigmoid layers;
- ``"zeros"``: every weight 0;
- a positive number: that standard deviation in every layer, whatever the
  fan-in (e.g. 0.01 for "too small", 1.0 for "too large").

Biases start at 0. :func:`dl_workshop.models.mlp_init` is the ``"he"`` scheme.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from dl_workshop import _validation as v

__all__ = ["SCHEMES", "init_std", "mlp_init"]

Params = Any  # a pytree of jax arrays
SCHEMES = ("he", "glorot", "zeros")


def init_std(scheme: str | float, fan_in: int, fan_out: int) -> float:
    """The standard deviation of a layer's initial weights under ``scheme``.

    Example:
      >>> round(init_std("he", 64, 32), 4), round(init_std("glorot", 64, 32), 4)
      (0.1768, 0.1443)
      >>> init_std(0.01, 64, 32), init_std("zeros", 64, 32)
      (0.01, 0.0)
    """
    fan_in, fan_out = v.check_int(fan_in, "fan_in"), v.check_int(fan_out, "fan_out")
    if isinstance(scheme, str):
        if scheme == "he":
            return math.sqrt(2.0 / fan_in)
        if scheme == "glorot":
            return math.sqrt(2.0 / (fan_in + fan_out))
        if scheme == "zeros":
            return 0.0
        raise ValueError(f"scheme must be one of {list(SCHEMES)} or a positive standard "
                         f"deviation, got {scheme!r}")
    return v.check_float(scheme, "scheme", low=0.0, low_open=True)


def mlp_init(key: jax.Array, sizes: Sequence[int], scheme: str | float = "he") -> list[Params]:
    """MLP params for layer widths ``sizes = [d, h1, ..., out]``, weights drawn by ``scheme``.

    Layer i gets ``w`` of shape (sizes[i], sizes[i+1]) drawn from
    ``N(0, init_std(scheme, sizes[i], sizes[i+1])**2)`` with its own split of
    ``key`` (the same splits as :func:`dl_workshop.models.mlp_init`, so
    ``scheme="he"`` gives exactly its params), and ``b = 0`` of shape (sizes[i+1],).

    Example:
      >>> params = mlp_init(jax.random.key(0), [64, 32, 10], "glorot")
      >>> [p["w"].shape for p in params]
      [(64, 32), (32, 10)]
      >>> float(mlp_init(jax.random.key(0), [3, 2], "zeros")[0]["w"].sum())
      0.0
    """
    v.check_key(key)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ValueError(f"sizes must be a list of at least two layer widths such as "
                         f"[d, hidden, out], got {sizes!r}")
    sizes = [v.check_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    stds = [init_std(scheme, m, n) for m, n in zip(sizes[:-1], sizes[1:])]
    keys = jax.random.split(key, len(sizes) - 1)
    return [{"w": jax.random.normal(k, (m, n)) * std, "b": jnp.zeros((n,))}
            for k, m, n, std in zip(keys, sizes[:-1], sizes[1:], stds)]
