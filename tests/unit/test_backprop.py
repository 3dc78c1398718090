"""Hand-written backpropagation against jax.grad, finite differences and NumPy."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from dl_workshop import backprop, losses, models
from dl_workshop.backprop import (loss_with_hand_gradient, mlp_backward, mlp_forward_cache,
                                  mlp_loss)

SHAPES = [(1, 1, 1, 2), (5, 3, 4, 2), (7, 2, 9, 3), (16, 8, 5, 10), (3, 64, 32, 10)]
SEEDS = [0, 1]


def problem(n, d, h, k, seed):
    """Random params (He-scaled normal weights, nonzero biases), inputs and labels of the
    given shapes, as float32 and int32 JAX arrays.

    Drawn by a seeded NumPy generator: JAX's would compile its sampler again for every new
    shape (about 3 s for each problem here), and these tests are about the gradients.
    """
    rng = np.random.default_rng(seed)

    def normal(*shape, scale=1.0):
        return jnp.asarray(scale * rng.standard_normal(shape), jnp.float32)

    # Nonzero biases, so that a gradient that forgets them cannot pass by luck.
    params = [{"w": normal(d, h, scale=np.sqrt(2 / d)), "b": normal(h, scale=0.1)},
              {"w": normal(h, k, scale=np.sqrt(2 / h)), "b": normal(k, scale=0.1)}]
    x = normal(n, d)
    labels = jnp.asarray(rng.integers(0, k, n), jnp.int32)
    return params, x, labels


@jax.jit(static_argnames="activation")
def hand_and_auto(params, x, labels, activation):
    """Both gradients in one compiled call (one compilation per shape, not per op)."""
    return (mlp_backward(params, x, labels, activation),
            jax.grad(mlp_loss)(params, x, labels, activation))


def max_abs(tree):
    """The largest absolute value in a pytree of arrays (in NumPy: no compile)."""
    return max(float(np.max(np.abs(np.asarray(leaf)))) for leaf in jax.tree.leaves(tree))


def max_abs_diff(a, b):
    """The largest absolute difference between two pytrees of arrays of the same structure."""
    return max_abs(jax.tree.map(lambda p, q: np.asarray(p) - np.asarray(q), a, b))


@pytest.mark.parametrize("activation", sorted(backprop.ACTIVATIONS))
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "n{}-d{}-h{}-k{}".format(*s))
def test_hand_gradient_matches_jax_grad(shape, seed, activation):
    params, x, labels = problem(*shape, seed)
    hand, auto = hand_and_auto(params, x, labels, activation)
    assert jax.tree.structure(hand) == jax.tree.structure(params)
    for g, p in zip(jax.tree.leaves(hand), jax.tree.leaves(params)):
        assert g.shape == p.shape and g.dtype == jnp.float32
    scale = 1.0 + max_abs(auto)
    assert max_abs_diff(hand, auto) <= 1e-5 * scale


def test_gradient_of_the_library_model_and_loss():
    """Independent reference: jax.grad through models.mlp_apply and losses."""
    params, x, labels = problem(6, 4, 5, 3, 7)
    reference = jax.grad(lambda p: losses.softmax_cross_entropy(models.mlp_apply(p, x),
                                                                labels))(params)
    assert max_abs_diff(mlp_backward(params, x, labels), reference) < 1e-6


def numpy_gradient(params, x, labels):
    """Float64 NumPy backpropagation for the ReLU network, written out separately."""
    w1, b1, w2, b2 = (np.asarray(a, np.float64) for layer in params
                      for a in (layer["w"], layer["b"]))
    x = np.asarray(x, np.float64)
    z1 = x @ w1 + b1
    a1 = np.maximum(z1, 0.0)
    z2 = a1 @ w2 + b2
    p = np.exp(z2 - z2.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), np.asarray(labels)] -= 1.0
    g2 = p / len(labels)
    g1 = (g2 @ w2.T) * (z1 > 0)
    return [x.T @ g1, g1.sum(0), a1.T @ g2, g2.sum(0)]


def test_against_float64_numpy():
    params, x, labels = problem(9, 4, 6, 3, 3)
    got = mlp_backward(params, x, labels)
    got = [got[0]["w"], got[0]["b"], got[1]["w"], got[1]["b"]]
    for g, e in zip(got, numpy_gradient(params, x, labels)):
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("activation", sorted(backprop.ACTIVATIONS))
@pytest.mark.parametrize("shape", [(4, 3, 5, 2), (6, 2, 3, 4)])
def test_check_grads_on_the_hand_gradient(shape, activation):
    params, x, labels = problem(*shape, seed=5)
    loss = loss_with_hand_gradient(x, labels, activation)
    np.testing.assert_allclose(loss(params), mlp_loss(params, x, labels, activation))
    check_grads(loss, (params,), order=1, modes=["rev"], atol=1e-2, rtol=1e-2)
    # and jax.grad of the wrapper really runs the hand-written backward pass
    assert max_abs_diff(jax.grad(loss)(params),
                        mlp_backward(params, x, labels, activation)) == 0.0


def test_check_grads_catches_a_wrong_hand_gradient():
    params, x, labels = problem(4, 3, 5, 2, 5)

    def wrong_backward(p, x, labels):
        grads = mlp_backward(p, x, labels)
        return [{"w": grads[0]["w"], "b": 2.0 * grads[0]["b"]}, grads[1]]

    loss = loss_with_hand_gradient(x, labels, backward=wrong_backward)
    with pytest.raises(AssertionError):
        check_grads(loss, (params,), order=1, modes=["rev"], atol=1e-2, rtol=1e-2)


def test_forward_cache_matches_mlp_apply_and_jits():
    params, x, labels = problem(5, 3, 4, 2, 0)
    for name, (fn, _) in backprop.ACTIVATIONS.items():
        logits, cache = mlp_forward_cache(params, x, name)
        np.testing.assert_allclose(logits, models.mlp_apply(params, x, activation=fn),
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(cache.a1, fn(cache.z1))
        assert cache.x is not None and cache.logits is logits
    jitted = jax.jit(mlp_backward, static_argnames="activation")
    assert max_abs_diff(jitted(params, x, labels), mlp_backward(params, x, labels)) < 1e-6


def test_gradient_descent_with_hand_gradients_lowers_the_loss():
    params, x, labels = problem(32, 4, 8, 3, 11)
    start = mlp_loss(params, x, labels)
    step = jax.jit(lambda params: jax.tree.map(lambda p, g: p - 0.5 * g, params,
                                               mlp_backward(params, x, labels)))
    for _ in range(20):
        params = step(params)
    assert mlp_loss(params, x, labels) < start


# ---- argument errors -------------------------------------------------------------------

def test_bad_params_raise():
    params, x, labels = problem(5, 3, 4, 2, 0)
    with pytest.raises(TypeError, match="list of two"):
        mlp_backward(params[:1], x, labels)
    with pytest.raises(TypeError, match="list of two"):
        mlp_backward(params + params, x, labels)
    with pytest.raises(TypeError, match="list of two"):
        mlp_backward({"w": params[0]["w"], "b": params[0]["b"]}, x, labels)
    with pytest.raises(ValueError, match=r"params\[1\]\['w'\] must have 4 rows"):
        mlp_backward([params[0], {"w": jnp.ones((3, 2)), "b": jnp.ones(2)}], x, labels)
    with pytest.raises(ValueError, match=r"params\[0\]\['b'\] must have shape \(4,\)"):
        mlp_backward([{"w": params[0]["w"], "b": jnp.ones(3)}, params[1]], x, labels)
    with pytest.raises(ValueError, match=r"params\[0\]\['w'\] must have shape"):
        mlp_backward([{"w": jnp.ones(3), "b": jnp.ones(4)}, params[1]], x, labels)


def test_bad_x_raises():
    params, x, labels = problem(5, 3, 4, 2, 0)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 3\).*got shape \(5, 2\)"):
        mlp_backward(params, x[:, :2], labels)
    with pytest.raises(ValueError, match=r"x must have shape \(n, 3\), got shape \(3,\)"):
        mlp_forward_cache(params, x[0])
    with pytest.raises(TypeError, match="x must be a floating-point array"):
        mlp_backward(params, jnp.ones((5, 3), jnp.int32), labels)


def test_bad_labels_raise():
    params, x, labels = problem(5, 3, 4, 2, 0)
    with pytest.raises(ValueError, match=r"labels must have shape \(5,\)"):
        mlp_backward(params, x, labels[:4])
    with pytest.raises(ValueError, match=r"labels must be class indices in \[0, 2\)"):
        mlp_backward(params, x, labels.at[0].set(2))
    with pytest.raises(TypeError, match="labels must be an integer array"):
        mlp_backward(params, x, labels.astype(jnp.float32))
    with pytest.raises(ValueError, match=r"labels must have shape \(5,\)"):
        mlp_backward(params, x, jax.nn.one_hot(labels, 2).astype(jnp.int32))


def test_bad_activation_raises():
    params, x, labels = problem(5, 3, 4, 2, 0)
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_backward(params, x, labels, activation="gelu")
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_backward(params, x, labels, activation=jax.nn.relu)
    with pytest.raises(ValueError, match="activation must be one of"):
        loss_with_hand_gradient(x, labels, activation="swish")
    with pytest.raises(TypeError, match="backward must be a function"):
        loss_with_hand_gradient(x, labels, backward="mlp_backward")
