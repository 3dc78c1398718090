"""Weight decay: pull every parameter towards zero at each step, to curb overfitting.

``weight_decay(optimizer, decay)`` wraps any optimizer of
:mod:`dl_workshop.optimizers`: before each update it adds ``decay * params`` to
the gradients. That is the gradient of the L2 penalty
``(decay / 2) * sum(p ** 2)`` over every parameter, so training with it
minimises ``loss + (decay / 2) * ||params||**2`` while ``fit`` records the loss
without the penalty. (With Adam this "L2 in the loss" differs from
*decoupled* weight decay, ``optax.adamw``, which shrinks the params outside
Adam's rescaling.)
"""

from __future__ import annotations

from typing import Any

import jax
from jax.tree_util import Partial

from dl_workshop.optimizers import Hyperparameter, Optimizer, _hyper

__all__ = ["weight_decay"]

Params = Any  # a pytree of jax arrays


def _weight_decay_update(decay: Hyperparameter, inner: Any, grads: Params, state: Any,
                         params: Params) -> tuple[Params, Any]:
    grads = jax.tree.map(lambda g, p: g + decay * p, grads, params)
    return inner(grads, state, params)


def weight_decay(optimizer: Optimizer, decay: Hyperparameter) -> Optimizer:
    """``optimizer`` applied to ``grads + decay * params`` (L2 weight decay).

    ``decay`` is a number >= 0, or an array of shape (K,) with one value per
    model for :func:`dl_workshop.training.fit_many`. The state is the wrapped
    optimizer's; shapes follow the params.

    Example:
      >>> from dl_workshop import optimizers
      >>> opt = weight_decay(optimizers.gradient_descent(0.1), 0.5)
      >>> params = {"w": jnp.array([2.0])}
      >>> opt.update({"w": jnp.array([0.0])}, opt.init(params), params)[0]
      {'w': Array([1.9], dtype=float32)}
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an Optimizer such as optimizers.adam(1e-3), "
                        f"got {type(optimizer).__name__}")
    decay = _hyper(decay, "decay", low=0.0)
    return Optimizer(optimizer.init, Partial(_weight_decay_update, decay, optimizer.update),
                     optimizer.learning_rate)
