"""Models against NumPy forward passes, with hand-derived gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads

from dl_workshop import models
from dl_workshop.models import (linear_apply, linear_init, logistic_apply,
                                logistic_predict_proba, mlp_apply, mlp_init)

KEY = jax.random.key(0)
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-2.0, 1.0, 1.0], [0.0, 0.3, -1.2]],
             np.float32)
LIN = {"w": jnp.array([1.0, -2.0, 0.5]), "b": jnp.array(0.25)}


def numpy_mlp(params, x, activation=lambda z: np.maximum(z, 0.0)):
    h = np.asarray(x, np.float64)
    for i, layer in enumerate(params):
        h = h @ np.asarray(layer["w"], np.float64) + np.asarray(layer["b"], np.float64)
        if i < len(params) - 1:
            h = activation(h)
    return h


# ---- linear and logistic ------------------------------------------------------------

def test_linear_init_shapes_and_determinism():
    params = linear_init(KEY, 3)
    assert params["w"].shape == (3,) and params["b"].shape == () and params["b"] == 0.0
    np.testing.assert_array_equal(linear_init(KEY, 3)["w"], params["w"])
    np.testing.assert_allclose(jax.jit(linear_init, static_argnums=1)(KEY, 3)["w"],
                               params["w"], rtol=1e-6)
    assert models.logistic_init is linear_init


def test_linear_apply_batched_single_row_and_jitted():
    expected = X.astype(np.float64) @ np.asarray(LIN["w"]) + 0.25
    np.testing.assert_allclose(linear_apply(LIN, X), expected, rtol=1e-6)
    np.testing.assert_allclose(linear_apply(LIN, X[:1]), expected[:1], rtol=1e-6)
    np.testing.assert_allclose(jax.jit(linear_apply)(LIN, X), expected, rtol=1e-6)


def test_linear_gradient_is_x_and_one():
    # d/dw sum(x @ w + b) = sum of rows of x; d/db = n
    grads = jax.grad(lambda p: linear_apply(p, X).sum())(LIN)
    np.testing.assert_allclose(grads["w"], X.sum(axis=0), rtol=1e-6)
    np.testing.assert_allclose(grads["b"], len(X))
    check_grads(jax.jit(lambda p: linear_apply(p, X)), (LIN,), order=2, modes=["rev"])


def test_logistic_apply_and_probabilities():
    logits = logistic_apply(LIN, X)
    np.testing.assert_allclose(logits, linear_apply(LIN, X))
    expected = 1 / (1 + np.exp(-np.asarray(logits, np.float64)))
    np.testing.assert_allclose(logistic_predict_proba(LIN, X), expected, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(logistic_predict_proba)(LIN, X[:1]), expected[:1],
                               rtol=1e-6)


def test_model_instances_pair_init_and_apply():
    assert models.linear == (linear_init, linear_apply)
    assert models.logistic.apply is logistic_apply
    assert models.mlp.init is mlp_init


# ---- MLP ----------------------------------------------------------------------------

def test_mlp_init_shapes_zero_biases_and_independent_layers():
    params = mlp_init(KEY, [3, 5, 5, 2])
    assert [(p["w"].shape, p["b"].shape) for p in params] == [
        ((3, 5), (5,)), ((5, 5), (5,)), ((5, 2), (2,))]
    assert all(float(jnp.abs(p["b"]).max()) == 0.0 for p in params)
    jitted = jax.jit(mlp_init, static_argnums=1)(KEY, (3, 5, 5, 2))
    for a, b in zip(jax.tree.leaves(jitted), jax.tree.leaves(params)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    same_shape = mlp_init(KEY, [5, 5, 5])  # each layer has its own split of the key
    assert not np.allclose(same_shape[0]["w"], same_shape[1]["w"])
    np.testing.assert_array_equal(mlp_init(KEY, [3, 5, 5, 2])[1]["w"], params[1]["w"])
    assert not np.allclose(params[1]["w"], mlp_init(jax.random.key(1), [3, 5, 5, 2])[1]["w"])


def test_mlp_init_uses_he_scale():
    params = mlp_init(KEY, [400, 300, 1])
    assert abs(float(params[0]["w"].std()) - np.sqrt(2 / 400)) < 0.002
    assert abs(float(params[1]["w"].std()) - np.sqrt(2 / 300)) < 0.01


def test_mlp_apply_matches_numpy_batched_single_row_and_jitted():
    params = mlp_init(KEY, [3, 4, 2])
    expected = numpy_mlp(params, X)
    np.testing.assert_allclose(mlp_apply(params, X), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(mlp_apply(params, X[:1]), expected[:1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(jax.jit(mlp_apply)(params, X), expected, rtol=1e-5, atol=1e-6)


def test_mlp_apply_other_activation_and_no_activation_on_output():
    params = mlp_init(KEY, [3, 4, 2])
    np.testing.assert_allclose(mlp_apply(params, X, activation=jnp.tanh),
                               numpy_mlp(params, X, np.tanh), rtol=1e-5, atol=1e-6)
    out = mlp_apply([{"w": -jnp.ones((3, 1)), "b": jnp.zeros(1)}], jnp.ones((1, 3)))
    assert float(out[0, 0]) == -3.0  # a single layer is the output layer: raw scores


def test_mlp_gradient_matches_hand_backprop_and_check_grads():
    params = mlp_init(KEY, [3, 4, 1])
    grads = jax.grad(lambda p: mlp_apply(p, X).sum())(params)
    w1, b1, w2 = (np.asarray(a, np.float64) for a in
                  (params[0]["w"], params[0]["b"], params[1]["w"]))
    z = X @ w1 + b1
    dz = (z > 0) * w2[:, 0]  # d sum(out) / dz, shape (n, h)
    np.testing.assert_allclose(grads[1]["w"][:, 0], np.maximum(z, 0).sum(axis=0), rtol=1e-5)
    np.testing.assert_allclose(grads[1]["b"], [len(X)])
    np.testing.assert_allclose(grads[0]["w"], X.T @ dz, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(grads[0]["b"], dz.sum(axis=0), rtol=1e-5, atol=1e-6)
    smooth = jax.jit(lambda p: mlp_apply(p, X, activation=jnp.tanh))  # relu has kinks
    check_grads(smooth, (params,), order=2, modes=["rev"])


# ---- one example at a time, under jax.vmap ----------------------------------------------

def test_apply_takes_one_example_and_vmap_over_rows_matches_the_batch():
    mlp = mlp_init(KEY, [3, 4, 2])
    per_row = jax.vmap(linear_apply, in_axes=(None, 0))
    np.testing.assert_allclose(per_row(LIN, X), linear_apply(LIN, X), rtol=1e-6)
    assert linear_apply(LIN, X[0]).shape == ()
    np.testing.assert_allclose(jax.vmap(logistic_predict_proba, in_axes=(None, 0))(LIN, X),
                               logistic_predict_proba(LIN, X), rtol=1e-6)
    assert mlp_apply(mlp, X[0]).shape == (2,)
    np.testing.assert_allclose(jax.vmap(mlp_apply, in_axes=(None, 0))(mlp, X),
                               numpy_mlp(mlp, X), rtol=1e-5, atol=1e-6)
    # Gradients per example (the rows of a Jacobian), checked against the batch's.
    per_example = jax.vmap(jax.grad(lambda p, row: linear_apply(p, row)), in_axes=(None, 0))
    np.testing.assert_allclose(per_example(LIN, X)["w"], X, rtol=1e-6)


def test_vmap_over_params_runs_k_models_on_the_same_data():
    stacked = jax.vmap(lambda k: mlp_init(k, [3, 4, 1]))(jax.random.split(KEY, 5))
    outputs = jax.vmap(mlp_apply, in_axes=(0, None))(stacked, X)
    assert outputs.shape == (5, len(X), 1)
    for k in range(5):
        one = jax.tree.map(lambda leaf: leaf[k], stacked)
        np.testing.assert_allclose(outputs[k], numpy_mlp(one, X), rtol=1e-5, atol=1e-6)


# ---- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: linear_init(KEY, 0), ValueError, r"n_features must be an integer >= 1, got 0"),
    (lambda: linear_init(None, 3), TypeError, r"key must be a JAX random key .* got NoneType"),
    (lambda: linear_apply({"w": LIN["w"]}, X), TypeError,
     r"params must be a dict with keys \['b', 'w'\], got \['w'\]"),
    (lambda: linear_apply([LIN], X), TypeError,
     r"params must be a dict with keys \['b', 'w'\], got list"),
    (lambda: linear_apply({"w": LIN["w"], "b": jnp.zeros(1)}, X), ValueError,
     r"params\['b'\] must have shape \(\), got shape \(1,\)"),
    (lambda: linear_apply({"w": LIN["w"][:, None], "b": LIN["b"]}, X), ValueError,
     r"params\['w'\] must have shape \(d,\), got shape \(3, 1\)"),
    (lambda: linear_apply({"w": jnp.array([1, 2, 3]), "b": LIN["b"]}, X), TypeError,
     r"params\['w'\] must be a floating-point array \(float32\), got dtype int32"),
    (lambda: linear_apply(LIN, X[:, :2]), ValueError,
     r"x must have shape \(n, 3\), or \(3,\) for one example, to match the weights, got "
     r"shape \(4, 2\)$"),
    (lambda: linear_apply(LIN, X[None]), ValueError,
     r"x must have shape \(n, 3\), or \(3,\) for one example, to match the weights, got "
     r"shape \(1, 4, 3\)$"),
    # A column of n values passed flat is one example with n features, not n examples.
    (lambda: linear_apply({"w": jnp.ones(1), "b": LIN["b"]}, X[:, 0]), ValueError,
     r"x must have shape \(n, 1\), or \(1,\) for one example, to match the weights, got "
     r"shape \(4,\); a vector of 4 values is one example with 4 features: for 4 examples "
     r"use x.reshape\(-1, 1\)"),
    (lambda: linear_apply(LIN, np.full((2, 3), np.nan, np.float32)), ValueError,
     r"x must contain only finite values, got 6 NaN/inf value\(s\) \(first at index \(0, 0\)\)"),
    (lambda: linear_apply(LIN, np.zeros((0, 3), np.float32)), ValueError,
     r"x must not be empty, got shape \(0, 3\)"),
    (lambda: mlp_init(KEY, [3]), ValueError,
     r"sizes must be a list of at least two layer widths such as \[d, hidden, out\], got \[3\]"),
    (lambda: mlp_init(KEY, [3, 0, 1]), ValueError, r"sizes\[1\] must be an integer >= 1, got 0"),
    (lambda: mlp_apply(LIN, X), TypeError,
     r"params must be a non-empty list of \{'w', 'b'\} dicts \(one per layer, from mlp_init\)"
     r", got dict"),
    (lambda: mlp_apply([{"w": jnp.ones((3, 4)), "b": jnp.ones(5)}], X), ValueError,
     r"params\[0\]\['b'\] must have shape \(4,\) to match params\[0\]\['w'\] of shape "
     r"\(3, 4\), got shape \(5,\)"),
    (lambda: mlp_apply([{"w": jnp.ones((3, 4)), "b": jnp.ones(4)},
                        {"w": jnp.ones((5, 1)), "b": jnp.ones(1)}], X), ValueError,
     r"params\[1\]\['w'\] must have 4 rows to follow params\[0\]\['w'\] of shape \(3, 4\), "
     r"got shape \(5, 1\)"),
    (lambda: mlp_apply([{"w": jnp.ones((3, 4)), "bias": jnp.ones(4)}], X), TypeError,
     r"params\[0\] must be a dict with keys \['b', 'w'\], got \['bias', 'w'\]"),
])
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()
