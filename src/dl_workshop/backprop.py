"""Backpropagation by hand for a one-hidden-layer MLP with a softmax cross-entropy loss.

The network is the one ``models.mlp_init(key, [d, h, k])`` builds and
``models.mlp_apply`` runs: for inputs ``x`` of shape (n, d),

    z1 = x @ w1 + b1          (n, h)   pre-activations of the hidden layer
    a1 = activation(z1)       (n, h)   hidden values
    z2 = a1 @ w2 + b2         (n, k)   logits
    loss = mean_i [logsumexp(z2[i]) - z2[i, y[i]]]   (losses.softmax_cross_entropy)

:func:`mlp_forward_cache` runs it and keeps what the backward pass needs;
:func:`mlp_backward` applies the chain rule from the loss back to the
parameters, in a few lines of ``jnp``, and returns the gradients in the
parameters' own layout. :func:`mlp_loss` is the same loss for ``jax.grad`` to
differentiate, and :func:`loss_with_hand_gradient` wraps the hand-written
gradient as a ``jax.custom_vjp``, so that ``jax.test_util.check_grads`` can test it
against finite differences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop import _validation as v
from dl_workshop import losses

__all__ = ["ACTIVATIONS", "ForwardCache", "mlp_forward_cache", "mlp_backward", "mlp_loss",
           "loss_with_hand_gradient"]

Params = Any  # [{"w": (d, h), "b": (h,)}, {"w": (h, k), "b": (k,)}]


def _relu_derivative(z: jax.Array) -> jax.Array:
    return (z > 0).astype(z.dtype)  # 0 at z = 0, as jax.grad(jax.nn.relu) gives


def _tanh_derivative(z: jax.Array) -> jax.Array:
    return 1.0 - jnp.tanh(z) ** 2


def _sigmoid_derivative(z: jax.Array) -> jax.Array:
    s = jax.nn.sigmoid(z)
    return s * (1.0 - s)


# Each supported hidden activation by name: (function, its derivative), both elementwise.
ACTIVATIONS: dict[str, tuple[Callable[[jax.Array], jax.Array],
                             Callable[[jax.Array], jax.Array]]] = {
    "relu": (jax.nn.relu, _relu_derivative),
    "tanh": (jnp.tanh, _tanh_derivative),
    "sigmoid": (jax.nn.sigmoid, _sigmoid_derivative),
}


class ForwardCache(NamedTuple):
    """What the forward pass keeps for the backward pass, for n examples: the inputs
    ``x`` (n, d), the hidden pre-activations ``z1`` (n, h), the hidden values
    ``a1 = activation(z1)`` (n, h) and the ``logits`` z2 (n, k)."""

    x: jax.Array
    z1: jax.Array
    a1: jax.Array
    logits: jax.Array


def _activation(name: Any) -> tuple[Callable, Callable]:
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)} (a name, so that "
                         f"its derivative is known), got {name!r}")
    return ACTIVATIONS[name]


def _check_params(params: Any) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
    """Return (w1, b1, w2, b2) from a two-layer list of {"w", "b"} dicts, or raise."""
    if (not isinstance(params, (list, tuple)) or len(params) != 2
            or not all(isinstance(layer, dict) and set(layer) == {"w", "b"}
                       for layer in params)):
        raise TypeError("params must be a list of two {'w', 'b'} dicts, one hidden layer "
                        "and the output layer, as models.mlp_init(key, [d, h, k]) builds")
    arrays = []
    for i, layer in enumerate(params):
        w = v.as_array(layer["w"], f"params[{i}]['w']", ndim=2, shape="(m, n)")
        b = v.as_array(layer["b"], f"params[{i}]['b']", ndim=1, shape=f"({w.shape[1]},)")
        if b.shape != (w.shape[1],):
            raise ValueError(f"params[{i}]['b'] must have shape ({w.shape[1]},) to match "
                             f"params[{i}]['w'] of shape {w.shape}, got shape {b.shape}")
        arrays += [w, b]
    if arrays[2].shape[0] != arrays[0].shape[1]:
        raise ValueError(f"params[1]['w'] must have {arrays[0].shape[1]} rows to follow "
                         f"params[0]['w'] of shape {arrays[0].shape}, got shape "
                         f"{arrays[2].shape}")
    return tuple(arrays)


def _check_x(x: Any, d: int) -> jax.Array:
    x = v.as_array(x, "x", ndim=2, shape=f"(n, {d})")
    if x.shape[1] != d:
        raise ValueError(f"x must have shape (n, {d}) to match params[0]['w'], got shape "
                         f"{x.shape}")
    return x


def _check_labels(labels: Any, n: int, k: int) -> jax.Array:
    labels = v.as_array(labels, "labels", ndim=1, shape=f"({n},)", kind="int")
    if labels.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one class per row of x, got "
                         f"shape {labels.shape}")
    if v.is_concrete(labels):
        values = np.asarray(labels)
        low, high = int(values.min()), int(values.max())
        if low < 0 or high >= k:
            raise ValueError(f"labels must be class indices in [0, {k}) for {k} output "
                             f"units, got values in [{low}, {high}]")
    return labels


def mlp_forward_cache(params: Params, x: jax.Array, activation: str = "relu",
                      ) -> tuple[jax.Array, ForwardCache]:
    """Logits (n, k) of a one-hidden-layer MLP, and the values the backward pass needs.

    ``params = [{"w": (d, h), "b": (h,)}, {"w": (h, k), "b": (k,)}]``, ``x`` of
    shape (n, d); ``activation`` names the hidden activation (a key of
    ``ACTIVATIONS``). The logits equal ``models.mlp_apply``'s.

    Example:
      >>> from dl_workshop import models
      >>> params = models.mlp_init(jax.random.key(0), [3, 4, 2])
      >>> logits, cache = mlp_forward_cache(params, jnp.ones((5, 3)))
      >>> logits.shape, cache.z1.shape, cache.a1.shape
      ((5, 2), (5, 4), (5, 4))
    """
    w1, b1, w2, b2 = _check_params(params)
    x = _check_x(x, w1.shape[0])
    act, _ = _activation(activation)
    z1 = x @ w1 + b1[None, :]
    a1 = act(z1)
    logits = a1 @ w2 + b2[None, :]
    return logits, ForwardCache(x, z1, a1, logits)


def mlp_backward(params: Params, x: jax.Array, labels: jax.Array,
                 activation: str = "relu") -> list[dict[str, jax.Array]]:
    """Gradients of the mean softmax cross-entropy, by the chain rule, layer by layer.

    Same arguments as :func:`mlp_loss`, with ``labels`` of shape (n,) holding
    integer classes in [0, k). Returns a list shaped like ``params``:
    ``[{"w": (d, h), "b": (h,)}, {"w": (h, k), "b": (k,)}]``, equal (to float32
    rounding) to ``jax.grad(mlp_loss)(params, x, labels, activation)``.

    Example:
      >>> from dl_workshop import models
      >>> params = models.mlp_init(jax.random.key(0), [3, 4, 2])
      >>> x = jax.random.normal(jax.random.key(1), (5, 3))
      >>> labels = jnp.array([0, 1, 1, 0, 1])
      >>> grads = mlp_backward(params, x, labels)
      >>> auto = jax.grad(mlp_loss)(params, x, labels)
      >>> [(g["w"].shape, g["b"].shape) for g in grads]
      [((3, 4), (4,)), ((4, 2), (2,))]
      >>> pairs = zip(jax.tree.leaves(grads), jax.tree.leaves(auto))
      >>> max(float(jnp.max(jnp.abs(a - b))) for a, b in pairs) < 1e-6
      True
    """
    logits, cache = mlp_forward_cache(params, x, activation)
    n, k = logits.shape
    labels = _check_labels(labels, n, k)
    _, act_derivative = _activation(activation)
    w2 = params[1]["w"]
    # Loss -> logits: d loss / d z2 = (softmax(z2) - one_hot(y)) / n, for the mean over rows.
    g2 = (jax.nn.softmax(logits, axis=1) - jax.nn.one_hot(labels, k, dtype=logits.dtype)) / n
    # Output layer z2 = a1 @ w2 + b2: each gradient has the shape of its parameter.
    grad_w2, grad_b2 = cache.a1.T @ g2, jnp.sum(g2, axis=0)
    # Back through w2, then through the activation (elementwise: multiply by its derivative).
    g1 = (g2 @ w2.T) * act_derivative(cache.z1)
    grad_w1, grad_b1 = cache.x.T @ g1, jnp.sum(g1, axis=0)
    return [{"w": grad_w1, "b": grad_b1}, {"w": grad_w2, "b": grad_b2}]


def mlp_loss(params: Params, x: jax.Array, labels: jax.Array,
             activation: str = "relu") -> jax.Array:
    """Mean softmax cross-entropy of the MLP's logits: a scalar, for ``jax.grad``.

    Example:
      >>> from dl_workshop import models
      >>> params = models.mlp_init(jax.random.key(0), [3, 4, 2])
      >>> # with all inputs 0, the logits are all 0: the loss is log(2)
      >>> mlp_loss(params, jnp.zeros((5, 3)), jnp.zeros(5, jnp.int32))
      Array(0.6931472, dtype=float32)
    """
    logits, _ = mlp_forward_cache(params, x, activation)
    return losses.softmax_cross_entropy(logits, labels)


def loss_with_hand_gradient(x: jax.Array, labels: jax.Array, activation: str = "relu",
                            backward: Callable[..., Any] | None = None,
                            ) -> Callable[[Params], jax.Array]:
    """``params -> mlp_loss(params, x, labels)`` whose gradient is a hand-written one.

    A ``jax.custom_vjp``: ``jax.grad`` of the returned function runs
    ``backward(params, x, labels)`` (by default :func:`mlp_backward` with the
    same ``activation``) instead of differentiating the forward pass, so
    ``jax.test_util.check_grads(f, (params,), order=1, modes=["rev"])`` compares
    the hand-written gradient with finite differences. ``backward`` must return
    gradients in the layout of ``params``.

    Example:
      >>> from dl_workshop import models
      >>> params = models.mlp_init(jax.random.key(0), [3, 4, 2])
      >>> labels = jnp.array([0, 1, 1, 0, 1])
      >>> f = loss_with_hand_gradient(jnp.ones((5, 3)), labels)
      >>> jax.grad(f)(params)[0]["w"].shape
      (3, 4)
    """
    x = v.as_array(x, "x", ndim=2, shape="(n, d)")
    labels = v.as_array(labels, "labels", ndim=1, shape=f"({x.shape[0]},)", kind="int")
    _activation(activation)
    if backward is None:
        def backward(params: Params, x: jax.Array, labels: jax.Array) -> list:
            return mlp_backward(params, x, labels, activation)
    elif not callable(backward):
        raise TypeError(f"backward must be a function (params, x, labels) -> grads, got "
                        f"{type(backward).__name__}")

    @jax.custom_vjp
    def loss(params: Params) -> jax.Array:
        return mlp_loss(params, x, labels, activation)

    def forward(params: Params) -> tuple[jax.Array, Any]:
        return mlp_loss(params, x, labels, activation), backward(params, x, labels)

    def pull_back(grads: Any, cotangent: jax.Array) -> tuple[Any]:
        return (jax.tree.map(lambda g: cotangent * g, grads),)

    loss.defvjp(forward, pull_back)
    return loss
