"""Loss functions: ``(predictions, targets) -> scalar``, averaged over samples.

Averaging (not summing) keeps the right learning rate independent of the
dataset size. Shapes must match exactly: (n,) against (n, 1) is an error here,
not a silent broadcast to (n, n).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop import _validation as v

__all__ = ["mean_squared_error", "binary_cross_entropy", "softmax_cross_entropy"]


def mean_squared_error(predictions: jax.Array, targets: jax.Array) -> jax.Array:
    """Mean over all elements of ``(predictions - targets) ** 2``.

    Args:
      predictions: any shape, e.g. (n,).
      targets: the same shape as ``predictions``.

    Returns:
      A scalar (shape ``()``) float32 array.

    Example:
      >>> mean_squared_error(jnp.array([1.0, 2.0]), jnp.array([1.0, 4.0]))
      Array(2., dtype=float32)
    """
    predictions = v.as_array(predictions, "predictions")
    targets = v.as_array(targets, "targets")
    v.check_same_shape(predictions, "predictions", targets, "targets")
    return jnp.mean((predictions - targets) ** 2)


def binary_cross_entropy(logits: jax.Array, targets: jax.Array) -> jax.Array:
    """Mean binary cross-entropy between ``sigmoid(logits)`` and 0/1 ``targets``.

    Computed from logits as ``softplus(z) - y * z``, which equals
    ``-[y log p + (1 - y) log(1 - p)]`` with ``p = sigmoid(z)`` but never takes
    ``log(0)``, so it stays finite for any finite logit.

    Args:
      logits: raw scores ``z`` of any shape, e.g. (n,).
      targets: the same shape, values in [0, 1] (usually 0. or 1.).

    Returns:
      A scalar float32 array.

    Example:
      >>> binary_cross_entropy(jnp.array([0.0, 100.0]), jnp.array([1.0, 1.0]))
      Array(0.3465736, dtype=float32)
    """
    logits = v.as_array(logits, "logits")
    targets = v.as_array(targets, "targets")
    v.check_same_shape(logits, "logits", targets, "targets")
    if v.is_concrete(targets):
        low, high = float(np.asarray(targets).min()), float(np.asarray(targets).max())
        if low < 0.0 or high > 1.0:
            raise ValueError(f"targets must lie in [0, 1] (class 1 = 1., class 0 = 0.), "
                             f"got values in [{low:g}, {high:g}]")
    return jnp.mean(jax.nn.softplus(logits) - targets * logits)


def softmax_cross_entropy(logits: jax.Array, labels: jax.Array) -> jax.Array:
    """Mean cross-entropy between ``softmax(logits)`` and integer class labels.

    Per sample this is ``logsumexp(z) - z[label]``, computed stably.

    Args:
      logits: shape (n, k), one row of k class scores per sample.
      labels: shape (n,), integers in ``[0, k)``.

    Returns:
      A scalar float32 array.

    Example:
      >>> softmax_cross_entropy(jnp.zeros((2, 4)), jnp.array([0, 3]))
      Array(1.3862944, dtype=float32)
    """
    logits = v.as_array(logits, "logits", ndim=2, shape="(n, k)")
    labels = v.as_array(labels, "labels", ndim=1, shape=f"({logits.shape[0]},)", kind="int")
    if labels.shape[0] != logits.shape[0]:
        raise ValueError(f"labels has shape {labels.shape} but logits has shape "
                         f"{logits.shape}; expected labels of shape ({logits.shape[0]},)")
    k = logits.shape[1]
    if v.is_concrete(labels):
        bad = np.asarray(labels)
        if bad.min() < 0 or bad.max() >= k:
            raise ValueError(f"labels must be class indices in [0, {k}) for logits with "
                             f"{k} columns, got values in [{bad.min()}, {bad.max()}]")
    picked = jnp.take_along_axis(logits, labels[:, None], axis=1)[:, 0]
    return jnp.mean(jax.nn.logsumexp(logits, axis=1) - picked)
