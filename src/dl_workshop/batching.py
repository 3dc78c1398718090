"""Mini-batches: which rows of the data each optimizer step sees, from a PRNG key.

An **epoch** is one pass over the data in a random order; each epoch is cut
into ``n // batch_size`` mini-batches of ``batch_size`` rows (the last
``n % batch_size`` rows of that epoch's order are left out, so every batch
has the same shape and a compiled step never recompiles). Every epoch gets
its own order, from ``jax.random.fold_in(key, epoch)``: the same key always
gives the same batches, and no two epochs reuse one random draw.

``batch_indices`` returns all the indices at once, for a ``lax.scan`` over
steps; ``minibatches`` yields ``(x_batch, y_batch)`` pairs for a Python loop.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import jax
import jax.numpy as jnp

from dl_workshop import _validation as v

__all__ = ["batch_indices", "minibatches"]


def _check_sizes(n: Any, batch_size: Any, epochs: Any) -> tuple[int, int, int]:
    n = v.check_int(n, "n")
    batch_size = v.check_int(batch_size, "batch_size")
    epochs = v.check_int(epochs, "epochs")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of examples n = {n}, "
                         f"got batch_size={batch_size}")
    return n, batch_size, epochs


def batch_indices(key: jax.Array, n: int, batch_size: int, *, epochs: int = 1) -> jax.Array:
    """Row indices of every mini-batch of ``epochs`` shuffled passes over ``n`` rows.

    Args:
      key: a ``jax.random`` key; epoch ``e`` is shuffled with ``fold_in(key, e)``.
      n: number of examples (rows of ``x``).
      batch_size: rows per mini-batch, ``1 <= batch_size <= n``.
      epochs: number of passes over the data.

    Returns:
      An int32 array of shape ``(epochs, n // batch_size, batch_size)``. Within
      one epoch no index repeats; ``x[idx[e, b]]`` is batch ``b`` of epoch ``e``.

    Example:
      >>> idx = batch_indices(jax.random.key(0), n=10, batch_size=4, epochs=3)
      >>> idx.shape
      (3, 2, 4)
      >>> bool(jnp.all(jnp.sort(idx[0].ravel()) == jnp.unique(idx[0])))
      True
    """
    v.check_key(key)
    return _indices(key, *_check_sizes(n, batch_size, epochs))


@functools.partial(jax.jit, static_argnums=(1, 2, 3))
def _indices(key: jax.Array, n: int, batch_size: int, epochs: int) -> jax.Array:
    """``batch_indices`` after its checks, compiled once per (n, batch_size, epochs)."""
    per_epoch = n // batch_size
    orders = jax.vmap(lambda e: jax.random.permutation(jax.random.fold_in(key, e), n))(
        jnp.arange(epochs))
    return orders[:, :per_epoch * batch_size].reshape(epochs, per_epoch, batch_size)


def minibatches(key: jax.Array, x: jax.Array, y: jax.Array, *, batch_size: int,
                epochs: int = 1) -> Iterator[tuple[jax.Array, jax.Array]]:
    """Iterate over ``(x_batch, y_batch)`` for ``epochs`` shuffled passes over ``(x, y)``.

    The arguments are checked when ``minibatches`` is called, before the first batch.

    Args:
      key: a ``jax.random`` key (see ``batch_indices``).
      x: features, shape (n, d).
      y: targets, shape (n,).
      batch_size: rows per mini-batch, ``1 <= batch_size <= n``.
      epochs: number of passes over the data.

    Yields:
      ``epochs * (n // batch_size)`` pairs, ``x_batch`` of shape
      ``(batch_size, d)`` and ``y_batch`` of shape ``(batch_size,)``, epoch
      by epoch, in the order of ``batch_indices(key, n, batch_size, epochs=epochs)``.

    Example:
      >>> x, y = jnp.arange(20.0).reshape(10, 2), jnp.arange(10.0)
      >>> key = jax.random.key(0)
      >>> batches = list(minibatches(key, x, y, batch_size=4, epochs=2))
      >>> len(batches), batches[0][0].shape, batches[0][1].shape
      (4, (4, 2), (4,))
    """
    v.check_key(key)
    x = v.as_array(x, "x", shape="(n, d)")
    kind = "int" if jnp.issubdtype(getattr(y, "dtype", float), jnp.integer) else "float"
    y = v.as_array(y, "y", shape="(n,)", kind=kind)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (n, d), got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},), one target per row of x, "
                         f"got shape {y.shape}")
    idx = batch_indices(key, x.shape[0], batch_size, epochs=epochs)
    return _batches(x, y, idx.reshape(-1, idx.shape[-1]))


def _batches(x: jax.Array, y: jax.Array,
             rows: jax.Array) -> Iterator[tuple[jax.Array, jax.Array]]:
    """The generator behind ``minibatches`` (its arguments are checked already)."""
    for r in rows:
        yield x[r], y[r]
