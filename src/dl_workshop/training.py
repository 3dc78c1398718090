"""Training: ``fit`` runs a whole optimization as a jit-compiled ``lax.scan``;
``fit_many`` runs K of them at once, batched with ``jax.vmap``.

One call of ``fit`` compiles the training step into a loop that runs on the
device, and returns the final params with the loss at every step. The
compiled program is kept: the next call with the same model function, loss
function, optimizer kind, shapes and chunk length reuses it, whatever the
learning rate or the initial params. Long runs can be split into chunks so a
progress bar can advance between them. A NaN or inf loss stops ``fit`` with
an error that names the step and the learning rate.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.tree_util import Partial
from tqdm.auto import tqdm

from dl_workshop import _validation as v
from dl_workshop.optimizers import Optimizer

__all__ = ["FitResult", "fit", "fit_many", "accuracy"]

Params = Any  # a pytree of jax arrays


class FitResult(NamedTuple):
    """Final ``params``; ``losses`` (steps,) training loss before each update;
    ``val_losses`` (steps,) held-out loss at the same params, or None.
    ``fit_many`` stacks K of each: params leaves (K, ...), losses (K, steps)."""

    params: Params
    losses: jax.Array
    val_losses: jax.Array | None


# ---- the compiled core ------------------------------------------------------------------

def _train(model_apply: Callable, loss: Callable, n_steps: int, optimizer: Optimizer,
           params: Params, opt_state: Any, x: jax.Array, y: jax.Array,
           x_val: jax.Array | None, y_val: jax.Array | None) -> tuple:
    """``n_steps`` optimizer steps as one ``lax.scan``."""

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


def _train_many(model_apply: Callable, loss: Callable, n_steps: int, shared_params: bool,
                optimizer: Optimizer, params: Params, x: jax.Array, y: jax.Array,
                x_val: jax.Array | None, y_val: jax.Array | None) -> tuple:
    """``_train`` for K models: every optimizer leaf has a leading axis K, and so does
    every params leaf unless ``shared_params`` (one tree, the start of all K models)."""

    def one(opt: Optimizer, p: Params) -> tuple:
        return _train(model_apply, loss, n_steps, opt, p, opt.init(p), x, y, x_val, y_val)

    return jax.vmap(one, in_axes=(0, None if shared_params else 0))(optimizer, params)


# The model, the loss and the number of steps are static: a new one compiles again.
# The optimizer is an argument: its kind (tree structure) is part of the compiled
# program's key, its hyperparameters (leaves) are data.
_run_chunk = jax.jit(_train, static_argnums=(0, 1, 2))
_run_many = jax.jit(_train_many, static_argnums=(0, 1, 2, 3))


# ---- checks at the boundary -------------------------------------------------------------

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


def _check_inputs(model_apply: Any, loss: Any, params: Params, x: Any, y: Any, steps: Any,
                  x_val: Any, y_val: Any) -> tuple:
    """The arguments ``fit`` and ``fit_many`` share, checked and converted."""
    for name, fn in (("model_apply", model_apply), ("loss", loss)):
        if not callable(fn):
            raise TypeError(f"{name} must be a function, got {type(fn).__name__}")
    steps = v.check_int(steps, "steps")
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
    return steps, params, x, y, x_val, y_val


def _as_optimizer(optimizer: Any, name: str = "optimizer") -> Optimizer:
    """``optimizer`` with ``init`` and ``update`` as ``Partial`` pytrees.

    The library's optimizers already are; a hand-built ``Optimizer`` of plain
    functions is wrapped, and then compiles once per function object.
    """
    if not isinstance(optimizer, Optimizer):
        hint = "; to train several models use fit_many" if isinstance(optimizer, list) else ""
        raise TypeError(f"{name} must be an Optimizer such as gradient_descent(0.1), "
                        f"got {type(optimizer).__name__}{hint}")
    for field in ("init", "update"):
        if not callable(getattr(optimizer, field)):
            raise TypeError(f"{name}.{field} must be a function, got "
                            f"{type(getattr(optimizer, field)).__name__}")
    init, update = (f if isinstance(f, Partial) else Partial(f) for f in optimizer[:2])
    return Optimizer(init, update, optimizer.learning_rate)


def _kind(optimizer: Optimizer) -> str:
    """The update rule's name, e.g. "momentum" for ``_momentum_update``."""
    name = getattr(optimizer.update.func, "__name__", "update")
    return name.strip("_").removesuffix("_update") or name


def _hyperparameters(optimizer: Optimizer) -> dict[str, Any]:
    """The hyperparameters bound to ``optimizer.update``, by name."""
    try:
        names = list(inspect.signature(optimizer.update.func).parameters)
    except (TypeError, ValueError):  # a callable without a signature
        names = []
    args = optimizer.update.args
    names = names[:len(args)] + [f"argument {i}" for i in range(len(names), len(args))]
    return {"learning_rate": optimizer.learning_rate, **dict(zip(names, args))}


def _vectors(optimizer: Optimizer) -> dict[str, int]:
    """Hyperparameters given per model, with their lengths K."""
    return {name: np.shape(leaf)[0]
            for name, value in _hyperparameters(optimizer).items()
            for leaf in jax.tree.leaves(value) if np.ndim(leaf) == 1}


def _raise_if_not_finite(values: np.ndarray, start: int, what: str, lr: float) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.argmax(bad))
        raise FloatingPointError(f"{what} became {values[i]} at step {start + i} with "
                                 f"learning_rate={lr!r}; try a smaller learning rate")


def _join(chunks: list[jax.Array]) -> jax.Array:
    return chunks[0] if len(chunks) == 1 else jnp.concatenate(chunks)


# ---- one model ----------------------------------------------------------------------------

def fit(model_apply: Callable[[Params, jax.Array], jax.Array],
        loss: Callable[[jax.Array, jax.Array], jax.Array], optimizer: Optimizer,
        params: Params, x: jax.Array, y: jax.Array, *, steps: int,
        x_val: jax.Array | None = None, y_val: jax.Array | None = None,
        chunk_size: int | None = None, progress: bool = False) -> FitResult:
    """Minimise ``loss(model_apply(params, x), y)`` for ``steps`` optimizer steps.

    The steps run as one jit-compiled ``lax.scan``. It is compiled once per
    model function, loss function, optimizer kind, shapes (and dtypes) of
    params and data, and chunk length; later calls reuse it. A freshly built
    optimizer, another learning rate or other initial params do not compile
    again. A new function object does: a ``lambda`` written inside the call
    is a new function every time the cell runs, so define the model once with
    ``def`` and pass that name.

    Args:
      model_apply: ``(params, x) -> predictions``, e.g. ``models.linear_apply``.
      loss: ``(predictions, targets) -> scalar``, e.g. ``losses.mean_squared_error``.
      optimizer: e.g. ``optimizers.gradient_descent(0.1)``, with one value per
        hyperparameter (for arrays of values, one per model, use :func:`fit_many`).
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
      >>> params = models.linear_init(jax.random.key(1), 1)
      >>> result = fit(models.linear_apply, losses.mean_squared_error,
      ...              optimizers.gradient_descent(0.05), params,
      ...              ds.x, ds.y, steps=500)
      >>> result.losses.shape
      (500,)
    """
    optimizer = _as_optimizer(optimizer)
    if per_model := _vectors(optimizer):
        name, size = next(iter(per_model.items()))
        raise ValueError(f"optimizer has {name} of shape ({size},), one value per model; "
                         f"fit trains one model: give one value, or use fit_many to train "
                         f"{size} models at once")
    steps, params, x, y, x_val, y_val = _check_inputs(model_apply, loss, params, x, y,
                                                      steps, x_val, y_val)
    chunk = steps if chunk_size is None else min(v.check_int(chunk_size, "chunk_size"), steps)

    lr = optimizer.learning_rate
    state = optimizer.init(params)
    losses, val_losses = [], []
    with tqdm(total=steps, disable=not progress, unit="step") as bar:
        for start in range(0, steps, chunk):
            n = min(chunk, steps - start)
            params, state, chunk_losses, chunk_val = _run_chunk(
                model_apply, loss, n, optimizer, params, state, x, y, x_val, y_val)
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


# ---- K models at once ------------------------------------------------------------------------

def _stack_optimizers(optimizer: Any) -> Optimizer:
    """One optimizer; a list of K optimizers of one kind becomes one with (K,) leaves."""
    if isinstance(optimizer, Optimizer) or not isinstance(optimizer, Sequence):
        return _as_optimizer(optimizer)
    if not optimizer:
        raise ValueError("optimizer must be an Optimizer or a non-empty list of them, "
                         "got an empty list")
    optimizers = [_as_optimizer(opt, f"optimizer[{i}]") for i, opt in enumerate(optimizer)]
    first = optimizers[0]
    for i, opt in enumerate(optimizers):
        if jax.tree.structure(opt) != jax.tree.structure(first):
            raise ValueError(f"optimizer[{i}] is {_kind(opt)} but optimizer[0] is "
                             f"{_kind(first)}; fit_many trains K models with "
                             f"one kind of optimizer")
        if per_model := _vectors(opt):
            name, size = next(iter(per_model.items()))
            raise ValueError(f"optimizer[{i}] has {name} of shape ({size},); in a list of "
                             f"optimizers each one holds single values")
    return jax.tree.map(lambda *values: jnp.asarray(values, jnp.float32), *optimizers)


def _batch_params(model_apply: Callable, loss: Callable, params: Params, x: jax.Array,
                  y: jax.Array) -> int | None:
    """None if ``params`` is one params tree for the model, else K, its leading axis."""

    def objective(p: Params, x: jax.Array, y: jax.Array) -> jax.Array:
        return loss(model_apply(p, x), y)

    try:
        jax.eval_shape(objective, params, x, y)  # traces, to read shapes only
        return None
    except Exception as shared_error:  # noqa: BLE001 (the model or loss refused them)
        leading = {np.shape(leaf)[0] if np.ndim(leaf) else None
                   for leaf in jax.tree.leaves(params)}
        if len(leading) == 1 and None not in leading:
            try:
                jax.eval_shape(jax.vmap(objective, in_axes=(0, None, None)), params, x, y)
                return leading.pop()
            except Exception:  # noqa: BLE001, S110 (report the error of the plain reading)
                pass
        raise ValueError(f"params must be one params tree that model_apply accepts, or K "
                         f"of them stacked along a leading axis of size K; read as one "
                         f"tree, they fail with: {shared_error}") from shared_error


def fit_many(model_apply: Callable[[Params, jax.Array], jax.Array],
             loss: Callable[[jax.Array, jax.Array], jax.Array],
             optimizer: Optimizer | Sequence[Optimizer], params: Params, x: jax.Array,
             y: jax.Array, *, steps: int, x_val: jax.Array | None = None,
             y_val: jax.Array | None = None) -> FitResult:
    """Train K models on the same data in one compiled call: ``fit``, batched with ``vmap``.

    The K models differ in their hyperparameters, their initial params, or
    both. K is read from the arguments:

    - ``optimizer`` is one optimizer whose hyperparameters may be arrays of
      shape (K,), e.g. ``gradient_descent(jnp.array([0.01, 0.1, 0.5]))``, or a
      list of K optimizers of the same kind;
    - ``params`` is one params tree shared by all K models, or a tree whose
      leaves have a leading axis K, e.g.
      ``jax.vmap(lambda k: models.linear_init(k, d))(jax.random.split(key, K))``.
      Params that ``model_apply`` accepts as they are count as one shared tree.

    Like ``fit``, it compiles once per model function, loss function,
    optimizer kind, shapes and K. Unlike ``fit``, it does not raise when a
    model diverges: that model's losses and params become inf or NaN and the
    others are unaffected, so a sweep may include learning rates that are too
    large on purpose.

    Args:
      model_apply, loss, x, y, steps, x_val, y_val: as for :func:`fit`.
      optimizer: one ``Optimizer`` (hyperparameters numbers or arrays of shape
        (K,)) or a list of K optimizers of one kind.
      params: one params tree, or K of them stacked along a leading axis.

    Returns:
      ``FitResult(params, losses, val_losses)`` with every params leaf of shape
      (K, ...), ``losses`` of shape (K, steps), and ``val_losses`` of shape
      (K, steps) or None. Row k is what ``fit`` returns for model k.

    Raises:
      ValueError: K differs between arguments, or K is not given at all.

    Example:
      >>> from dl_workshop import data, losses, models, optimizers
      >>> ds = data.make_linear_data(jax.random.key(0), n=100, w=2.0, b=-1.0)
      >>> rates = jnp.array([0.001, 0.01, 0.05])
      >>> params = models.linear_init(jax.random.key(1), 1)
      >>> result = fit_many(models.linear_apply, losses.mean_squared_error,
      ...                   optimizers.gradient_descent(rates), params,
      ...                   ds.x, ds.y, steps=200)
      >>> result.losses.shape, result.params["w"].shape
      ((3, 200), (3, 1))
      >>> # the largest rate went furthest
      >>> bool(result.losses[2, -1] < result.losses[0, -1])
      True
    """
    optimizer = _stack_optimizers(optimizer)
    steps, params, x, y, x_val, y_val = _check_inputs(model_apply, loss, params, x, y,
                                                      steps, x_val, y_val)
    sizes = _vectors(optimizer)
    if len(set(sizes.values())) > 1:
        raise ValueError("optimizer hyperparameters must all have the same length K, got "
                         + ", ".join(f"{name} of shape ({k},)" for name, k in sizes.items()))
    k_optimizer = next(iter(sizes.values()), None)
    k_params = _batch_params(model_apply, loss, params, x, y)
    if k_optimizer is None and k_params is None:
        raise ValueError("fit_many trains K models but got one optimizer with single "
                         "hyperparameter values and one params tree: give arrays of shape "
                         "(K,) as hyperparameters, a list of K optimizers, or params stacked "
                         "along a leading axis K (or use fit for one model)")
    if None not in (k_optimizer, k_params) and k_optimizer != k_params:
        name = next(iter(sizes))
        raise ValueError(f"optimizer and params must describe the same number of models K, "
                         f"got optimizer with {name} of shape ({k_optimizer},) and params "
                         f"with a leading axis of size {k_params}")
    k = k_optimizer or k_params
    # NumPy, not jax.numpy: the hyperparameters are host values, and an eager jnp op would
    # compile a program of its own on a fresh kernel.
    optimizer = jax.tree.map(lambda h: np.broadcast_to(np.asarray(h, np.float32), (k,)),
                             optimizer)
    params, _, losses, val_losses = _run_many(model_apply, loss, steps, k_params is None,
                                              optimizer, params, x, y, x_val, y_val)
    return FitResult(params, losses, val_losses)


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
