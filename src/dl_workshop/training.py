"""Training: ``fit`` runs a whole optimization as a jit-compiled ``lax.scan``.

One call of ``fit`` traces the training step once, compiles it into a loop
that runs on the device, and returns the final params with the loss at every
step. Long runs can be split into chunks so a progress bar can advance
between them. A NaN or inf loss stops training with an error that names the
step and the learning rate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from dl_workshop import _validation as v
from dl_workshop.optimizers import Optimizer

__all__ = ["FitResult", "fit", "accuracy"]

Params = Any  # a pytree of jax arrays


class FitResult(NamedTuple):
    """Final ``params``; ``losses`` (steps,) training loss before each update;
    ``val_losses`` (steps,) held-out loss at the same params, or None."""

    params: Params
    losses: jax.Array
    val_losses: jax.Array | None


@functools.partial(jax.jit, static_argnums=(0, 1, 2, 3))
def _run_chunk(model_apply: Callable, loss: Callable, optimizer: Optimizer, n_steps: int,
               params: Params, opt_state: Any, x: jax.Array, y: jax.Array,
               x_val: jax.Array | None, y_val: jax.Array | None) -> tuple:
    """``n_steps`` optimizer steps as one ``lax.scan``; recompiled only for new
    functions, optimizer, chunk length, or input shapes/dtypes."""

    def train_loss(p: Params) -> jax.Array:
        return loss(model_apply(p, x), y)

    def step(carry: tuple, _: None) -> tuple:
        p, state = carry
        value, grads = jax.value_and_grad(train_loss)(p)
        val = None if x_val is None else loss(model_apply(p, x_val), y_val)
        p, state = optimizer.update(grads, state, p)
        return (p, state), (value, val)

    (params, opt_state), (losses, val_losses) = jax.lax.scan(
        step, (params, opt_state), None, length=n_steps)
    return params, opt_state, losses, val_losses


def _check_data(x: Any, y: Any, x_name: str, y_name: str) -> tuple[jax.Array, jax.Array]:
    x = v.as_array(x, x_name, shape="(n, d)")
    if x.ndim == 0:
        raise ValueError(f"{x_name} must have shape (n, d), got a scalar")
    kind = "int" if jnp.issubdtype(getattr(y, "dtype", float), jnp.integer) else "float"
    y = v.as_array(y, y_name, shape=f"({x.shape[0]},)", kind=kind)
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{y_name} must have one target per row of {x_name}: expected "
                         f"shape ({x.shape[0]},), got shape {y.shape}")
    if y.ndim != 1:
        raise ValueError(f"{y_name} must have shape ({x.shape[0]},), got shape {y.shape}; "
                         f"a column of targets would broadcast against predictions of "
                         f"shape (n,). Use {y_name}.reshape(-1)")
    return x, y


def _check_params(params: Params) -> Params:
    leaves = jax.tree_util.tree_flatten_with_path(params)[0]
    if not leaves:
        raise TypeError(f"params must be a pytree of arrays such as "
                        f"linear_init(key, d), got {params!r}")
    checked = [v.as_array(leaf, "params" + jax.tree_util.keystr(path)).astype(jnp.float32)
               for path, leaf in leaves]
    return jax.tree.unflatten(jax.tree.structure(params), checked)


def _raise_if_not_finite(values: np.ndarray, start: int, what: str, lr: float) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise FloatingPointError(f"{what} became {values[i]} at step {start + i} with "
                                 f"learning_rate={lr!r}; try a smaller learning rate")


def _join(chunks: list[jax.Array]) -> jax.Array:
    return chunks[0] if len(chunks) == 1 else jnp.concatenate(chunks)


def fit(model_apply: Callable[[Params, jax.Array], jax.Array],
        loss: Callable[[jax.Array, jax.Array], jax.Array], optimizer: Optimizer,
        params: Params, x: jax.Array, y: jax.Array, *, steps: int,
        x_val: jax.Array | None = None, y_val: jax.Array | None = None,
        chunk_size: int | None = None, progress: bool = False) -> FitResult:
    """Minimise ``loss(model_apply(params, x), y)`` for ``steps`` optimizer steps.

    Args:
      model_apply: ``(params, x) -> predictions``, e.g. ``models.linear_apply``.
      loss: ``(predictions, targets) -> scalar``, e.g. ``losses.mean_squared_error``.
      optimizer: e.g. ``optimizers.gradient_descent(0.1)``.
      params: initial params (a pytree of float arrays).
      x, y: training features (n, d) and targets (n,).
      steps: number of optimizer steps.
      x_val, y_val: optional held-out data; its loss is recorded at every step.
      chunk_size: steps per compiled chunk (default: all of them). A final
        shorter chunk compiles once more.
      progress: show a tqdm progress bar advanced once per chunk.

    Returns:
      ``FitResult(params, losses, val_losses)``; ``losses[t]`` is the training
      loss at the params before update ``t``.

    Raises:
      FloatingPointError: the loss became NaN or inf (names the step and the
        learning rate); nothing is returned in that case.

    Example:
      >>> from dl_workshop import data, losses, models, optimizers
      >>> ds = data.make_linear_data(jax.random.key(0), n=100, w=2.0, b=-1.0)
      >>> result = fit(models.linear_apply, losses.mean_squared_error,
      ...              optimizers.gradient_descent(0.05),
      ...              models.linear_init(jax.random.key(1), 1), ds.x, ds.y, steps=500)
      >>> result.losses.shape
      (500,)
    """
    for name, fn in (("model_apply", model_apply), ("loss", loss)):
        if not callable(fn):
            raise TypeError(f"{name} must be a function, got {type(fn).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an Optimizer such as gradient_descent(0.1), "
                        f"got {type(optimizer).__name__}")
    steps = v.check_int(steps, "steps")
    chunk = steps if chunk_size is None else min(v.check_int(chunk_size, "chunk_size"), steps)
    params = _check_params(params)
    x, y = _check_data(x, y, "x", "y")
    if (x_val is None) != (y_val is None):
        raise ValueError(f"x_val and y_val must be given together, got "
                         f"x_val={'None' if x_val is None else 'an array'} and "
                         f"y_val={'None' if y_val is None else 'an array'}")
    if x_val is not None:
        x_val, y_val = _check_data(x_val, y_val, "x_val", "y_val")
        if x_val.shape[1:] != x.shape[1:] or y_val.dtype != y.dtype:
            raise ValueError(f"x_val must have shape (m, {', '.join(map(str, x.shape[1:]))})"
                             f" like x {x.shape} and y_val the dtype of y ({y.dtype}), got "
                             f"x_val {x_val.shape} and y_val dtype {y_val.dtype}")

    lr = optimizer.learning_rate
    state = optimizer.init(params)
    losses, val_losses = [], []
    with tqdm(total=steps, disable=not progress, unit="step") as bar:
        for start in range(0, steps, chunk):
            n = min(chunk, steps - start)
            params, state, chunk_losses, chunk_val = _run_chunk(
                model_apply, loss, optimizer, n, params, state, x, y, x_val, y_val)
            _raise_if_not_finite(np.asarray(chunk_losses), start, "loss", lr)
            losses.append(chunk_losses)
            if chunk_val is not None:
                _raise_if_not_finite(np.asarray(chunk_val), start, "held-out loss", lr)
                val_losses.append(chunk_val)
            bar.update(n)
    if not all(np.isfinite(np.asarray(leaf)).all() for leaf in jax.tree.leaves(params)):
        raise FloatingPointError(f"params became NaN or inf in the update at step "
                                 f"{steps - 1} with learning_rate={lr!r}; try a smaller "
                                 f"learning rate")
    return FitResult(params, _join(losses), _join(val_losses) if val_losses else None)


def accuracy(logits: jax.Array, targets: jax.Array) -> jax.Array:
    """Fraction of samples where ``(logits > 0)`` equals the 0/1 ``targets``.

    Args:
      logits: shape (n,) (or any shape), raw scores; ``> 0`` means class 1.
      targets: the same shape, 0/1 labels (float or int).

    Returns:
      A scalar float32 array in [0, 1].

    Example:
      >>> accuracy(jnp.array([2.0, -1.0, 0.5]), jnp.array([1.0, 0.0, 0.0]))
      Array(0.6666667, dtype=float32)
    """
    logits = v.as_array(logits, "logits")
    kind = "int" if jnp.issubdtype(getattr(targets, "dtype", float), jnp.integer) else "float"
    targets = v.as_array(targets, "targets", kind=kind)
    v.check_same_shape(logits, "logits", targets, "targets")
    if v.is_concrete(targets) and not np.isin(np.asarray(targets), (0, 1)).all():
        raise ValueError(f"targets must be 0/1 labels, got values "
                         f"{np.unique(np.asarray(targets))[:5].tolist()}")
    return jnp.mean((logits > 0) == (targets == 1))
