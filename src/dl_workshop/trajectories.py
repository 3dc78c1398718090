"""Optimizer paths on a 2-D test function: a stretched bowl, and the points an
optimizer visits on it.

The stretched bowl ``(p[0]**2 + stretch * p[1]**2) / 2`` is the simplest loss
on which plain gradient descent struggles: its curvature is 1 along the first
axis and ``stretch`` along the second, so a learning rate small enough for
the steep direction crawls along the flat one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp

from dl_workshop import _validation as v

__all__ = ["stretched_bowl", "trajectory"]


def stretched_bowl(point: jax.Array, stretch: float = 10.0) -> jax.Array:
    """``(point[0]**2 + stretch * point[1]**2) / 2``, minimum 0 at the origin.

    Args:
      point: shape (2,), or (..., 2) for many points at once.
      stretch: curvature along the second axis (the first has curvature 1).

    Returns:
      The loss, shape ``point.shape[:-1]`` (a scalar for one point).

    Example:
      >>> stretched_bowl(jnp.array([2.0, 1.0]), stretch=10.0)
      Array(7., dtype=float32)
    """
    if jnp.shape(point)[-1:] != (2,):
        raise ValueError(f"point must have shape (2,) or (..., 2), got shape "
                         f"{jnp.shape(point)}")
    return (point[..., 0] ** 2 + stretch * point[..., 1] ** 2) / 2


def trajectory(loss: Callable[[jax.Array], jax.Array], optimizer: Any, start: Any,
               steps: int) -> jax.Array:
    """The points ``optimizer`` visits when it minimizes ``loss`` from ``start``.

    Args:
      loss: ``point -> scalar``, e.g. ``stretched_bowl``.
      optimizer: a ``dl_workshop.optimizers`` optimizer (``init``/``update``).
      start: the first point, shape (d,).
      steps: number of optimizer steps, run as one ``lax.scan``.

    Returns:
      An array of shape ``(steps + 1, d)``: row 0 is ``start``, row ``t`` the
      point after ``t`` updates.

    Example:
      >>> from dl_workshop import optimizers
      >>> path = trajectory(stretched_bowl, optimizers.gradient_descent(0.05),
      ...                   jnp.array([2.0, 0.5]), steps=3)
      >>> path.shape
      (4, 2)
      >>> path[1]  # 2 - 0.05 * 2 and 0.5 - 0.05 * 10 * 0.5
      Array([1.9 , 0.25], dtype=float32)
    """
    if not callable(loss):
        raise TypeError(f"loss must be a function of the point, got {type(loss).__name__}")
    if not (callable(getattr(optimizer, "init", None))
            and callable(getattr(optimizer, "update", None))):
        raise TypeError(f"optimizer must have init and update, such as "
                        f"optimizers.adam(0.1), got {type(optimizer).__name__}")
    start = v.as_array(start, "start", ndim=1, shape="(d,)")
    steps = v.check_int(steps, "steps")

    def step(carry: tuple, _: None) -> tuple:
        point, state = carry
        point, state = optimizer.update(jax.grad(loss)(point), state, point)
        return (point, state), point

    _, points = jax.lax.scan(step, (start, optimizer.init(start)), None, length=steps)
    return jnp.concatenate([start[None], points])
