"""diagnostics, initializers and regularization (chapter on training deeper networks),
checked against plain NumPy references."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop import (diagnostics, initializers, losses, models, optimizers,
                         regularization, training)


def numpy_layers(params, x, activation):
    """A plain NumPy forward pass: every layer's output, in float64."""
    h, out = np.asarray(x, np.float64), []
    for i, layer in enumerate(params):
        h = h @ np.asarray(layer["w"], np.float64) + np.asarray(layer["b"], np.float64)
        if i < len(params) - 1:
            h = activation(h)
        out.append(h)
    return out


NP_ACTIVATIONS = [(jax.nn.relu, lambda z: np.maximum(z, 0.0)),
                  (jnp.tanh, np.tanh),
                  (jax.nn.sigmoid, lambda z: 1.0 / (1.0 + np.exp(-z)))]


@pytest.mark.parametrize("jax_act, np_act", NP_ACTIVATIONS, ids=["relu", "tanh", "sigmoid"])
def test_layer_activations_match_a_numpy_forward_pass(jax_act, np_act):
    params = models.mlp_init(jax.random.key(3), [5, 7, 6, 3])
    x = jax.random.normal(jax.random.key(4), (11, 5))
    got = diagnostics.layer_activations(params, x, jax_act)
    want = numpy_layers(params, x, np_act)
    assert [a.shape for a in got] == [(11, 7), (11, 6), (11, 3)]
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    # The same arithmetic, but mlp_apply is one compiled program (XLA fuses its layers) and
    # layer_activations runs op by op: equal to float32 rounding, not bit for bit.
    np.testing.assert_allclose(got[-1], models.mlp_apply(params, x, jax_act), rtol=1e-6, atol=1e-6)


def test_activation_stats_are_numpy_means_and_stds():
    params = models.mlp_init(jax.random.key(0), [4, 8, 8, 2])
    x = jax.random.normal(jax.random.key(1), (20, 4))
    stats = diagnostics.activation_stats(params, x, jnp.tanh)
    want = numpy_layers(params, x, np.tanh)
    np.testing.assert_allclose(stats.mean, [a.mean() for a in want], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(stats.std, [a.std() for a in want], rtol=1e-4, atol=1e-6)


def test_layer_gradient_norms_match_numpy_and_jax_grad():
    params = models.mlp_init(jax.random.key(0), [4, 6, 3])
    x = jax.random.normal(jax.random.key(1), (9, 4))
    y = jnp.arange(9) % 3
    grads = jax.grad(lambda p: losses.softmax_cross_entropy(models.mlp_apply(p, x), y))(params)
    norms = diagnostics.layer_gradient_norms(grads)
    want = [np.sqrt((np.asarray(g["w"], np.float64) ** 2).sum()) for g in grads]
    np.testing.assert_allclose(norms, want, rtol=1e-5)


def test_diagnostics_refuse_bad_input():
    params = models.mlp_init(jax.random.key(0), [3, 2])
    with pytest.raises(ValueError, match=r"x must have shape \(n, 3\)"):
        diagnostics.layer_activations(params, jnp.ones((4, 5)))
    with pytest.raises(ValueError, match=r"x must have shape \(n, d\)"):
        diagnostics.activation_stats(params, jnp.ones(3))
    with pytest.raises(TypeError, match="grads must be a non-empty list"):
        diagnostics.layer_gradient_norms({"w": jnp.ones((2, 2))})


@pytest.mark.parametrize("scheme, std", [("he", np.sqrt(2 / 400)),
                                         ("glorot", np.sqrt(2 / 600)), (0.05, 0.05)])
def test_init_schemes_draw_weights_of_the_stated_std(scheme, std):
    params = initializers.mlp_init(jax.random.key(0), [400, 200, 10], scheme)
    w = np.asarray(params[0]["w"])
    assert w.shape == (400, 200) and abs(w.std() / std - 1) < 0.02
    assert abs(w.mean()) < 0.05 * std
    assert all(np.all(np.asarray(p["b"]) == 0) for p in params)


def test_he_scheme_is_models_mlp_init_and_zeros_are_zeros():
    key, sizes = jax.random.key(7), [6, 5, 4]
    same = jax.tree.map(jnp.array_equal, initializers.mlp_init(key, sizes, "he"),
                        models.mlp_init(key, sizes))
    assert jax.tree.all(same)
    assert all(float(jnp.abs(p["w"]).sum()) == 0.0
               for p in initializers.mlp_init(key, sizes, "zeros"))


def test_init_refuses_unknown_schemes():
    with pytest.raises(ValueError, match=r"scheme must be one of \['he', 'glorot', 'zeros'\]"):
        initializers.mlp_init(jax.random.key(0), [3, 2], "lecun")
    with pytest.raises(ValueError, match="scheme must be in"):
        initializers.init_std(-1.0, 3, 2)


def test_weight_decay_adds_decay_times_params_to_the_gradient():
    params = {"w": jnp.array([1.0, -2.0]), "b": jnp.array(0.5)}
    grads = {"w": jnp.array([0.1, 0.2]), "b": jnp.array(-0.3)}
    opt = regularization.weight_decay(optimizers.gradient_descent(0.1), 0.01)
    new, _ = opt.update(grads, opt.init(params), params)
    np.testing.assert_allclose(new["w"], [1.0 - 0.1 * (0.1 + 0.01), -2.0 - 0.1 * (0.2 - 0.02)],
                               rtol=1e-6)
    np.testing.assert_allclose(new["b"], 0.5 - 0.1 * (-0.3 + 0.005), rtol=1e-6)


def test_weight_decay_is_an_l2_penalty_in_the_loss():
    """Training with the wrapper = training on loss + decay/2 * ||params||^2 (by hand)."""
    x = jax.random.normal(jax.random.key(0), (30, 3))
    y = x @ jnp.array([1.0, -2.0, 0.5]) + 0.3
    p0, lam, lr = models.linear_init(jax.random.key(1), 3), 0.5, 0.05
    result = training.fit(models.linear_apply, losses.mean_squared_error,
                          regularization.weight_decay(optimizers.gradient_descent(lr), lam),
                          p0, x, y, steps=50)

    def penalized(p):
        l2 = sum(jnp.sum(leaf ** 2) for leaf in jax.tree.leaves(p))
        return losses.mean_squared_error(models.linear_apply(p, x), y) + lam / 2 * l2

    p = p0
    for _ in range(50):
        p = jax.tree.map(lambda a, g: a - lr * g, p, jax.grad(penalized)(p))
    for a, b in zip(jax.tree.leaves(result.params), jax.tree.leaves(p)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_weight_decay_sweeps_in_fit_many():
    x = jax.random.normal(jax.random.key(0), (30, 3))
    y = x @ jnp.array([1.0, -2.0, 0.5])
    decays = jnp.array([0.0, 1.0])
    result = training.fit_many(models.linear_apply, losses.mean_squared_error,
                               regularization.weight_decay(optimizers.adam(0.05), decays),
                               models.linear_init(jax.random.key(1), 3), x, y, steps=200)
    norms = jnp.linalg.norm(result.params["w"], axis=1)
    assert result.losses.shape == (2, 200) and norms[1] < 0.8 * norms[0]


def test_weight_decay_refuses_bad_arguments():
    with pytest.raises(TypeError, match="optimizer must be an Optimizer"):
        regularization.weight_decay(0.1, 0.01)
    with pytest.raises(ValueError, match="decay must be in"):
        regularization.weight_decay(optimizers.adam(0.1), -0.1)
