"""flax_bridge: book MLP params into nnx.Linear layers and back, checked against the
layers' own forward pass and against models.mlp_apply."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from dl_workshop import flax_bridge, models


def make_layers(sizes, seed=0):
    rngs = nnx.Rngs(seed)
    return nnx.List([nnx.Linear(m, k, rngs=rngs) for m, k in zip(sizes[:-1], sizes[1:])])


def forward(layers, x):
    """The layers' own forward pass, ReLU between them (independent of mlp_apply)."""
    *hidden, last = layers
    for layer in hidden:
        x = jax.nn.relu(layer(x))
    return last(x)


@pytest.mark.parametrize("sizes", [[3, 1], [30, 16, 1], [6, 8, 5, 3]])
def test_loaded_layers_compute_mlp_apply(sizes):
    params = models.mlp_init(jax.random.key(1), sizes)
    layers = make_layers(sizes)
    flax_bridge.load_mlp_params(layers, params)
    x = jax.random.normal(jax.random.key(2), (7, sizes[0]))
    np.testing.assert_allclose(forward(layers, x), models.mlp_apply(params, x),
                               rtol=1e-5, atol=1e-5)
    first = np.asarray(x) @ np.asarray(params[0]["w"]) + np.asarray(params[0]["b"])
    np.testing.assert_allclose(layers[0](x), first, rtol=1e-5, atol=1e-5)  # NumPy reference


def test_round_trip_and_params_stay_params():
    sizes = [5, 4, 2]
    params = models.mlp_init(jax.random.key(3), sizes)
    layers = make_layers(sizes)
    kernel = layers[0].kernel
    flax_bridge.load_mlp_params(layers, params)
    assert layers[0].kernel is kernel            # the same nnx.Param object, new values
    assert isinstance(layers[1].bias, nnx.Param)
    back = flax_bridge.mlp_params_from(layers)
    assert jax.tree.structure(back) == jax.tree.structure(params)
    for a, b in zip(jax.tree.leaves(back), jax.tree.leaves(params)):
        np.testing.assert_array_equal(a, b)
    layers[0].kernel[...] = jnp.zeros((5, 4))    # a copy: later changes do not leak back
    assert not np.all(np.asarray(back[0]["w"]) == 0)


def test_a_single_linear_and_a_plain_list_are_accepted():
    layer = nnx.Linear(2, 3, rngs=nnx.Rngs(0))
    params = [{"w": jnp.ones((2, 3)), "b": jnp.arange(3.0)}]
    flax_bridge.load_mlp_params(layer, params)
    np.testing.assert_array_equal(flax_bridge.mlp_params_from([layer])[0]["b"], [0, 1, 2])


def test_transposed_weights_are_refused_with_a_hint_and_nothing_changes():
    sizes = [30, 16, 1]
    layers = make_layers(sizes)
    before = flax_bridge.mlp_params_from(layers)
    params = models.mlp_init(jax.random.key(0), sizes)
    bad = [params[0], {"w": params[1]["w"].T, "b": params[1]["b"]}]
    with pytest.raises(ValueError, match=r"params\[1\]\['w'\] has shape \(1, 16\).*transposed"):
        flax_bridge.load_mlp_params(layers, bad)
    np.testing.assert_array_equal(layers[0].kernel[...], before[0]["w"])  # not half-loaded


@pytest.mark.parametrize(("layers", "params", "error", "match"), [
    ("not layers", [], TypeError, "layers must be a list of nnx.Linear"),
    ([nnx.Linear(2, 3, rngs=nnx.Rngs(0)), "x"], [], TypeError, r"layers\[1\] must be an nnx"),
    ([nnx.Linear(2, 3, rngs=nnx.Rngs(0))], {"w": 1}, TypeError, "params must be a list"),
    ([nnx.Linear(2, 3, rngs=nnx.Rngs(0))], [], ValueError, "params has 0 layers but layers has 1"),
    ([nnx.Linear(2, 3, rngs=nnx.Rngs(0))], [{"w": jnp.ones((2, 3))}], TypeError,
     r"keys \['b', 'w'\], got \['w'\]"),
    ([nnx.Linear(2, 3, rngs=nnx.Rngs(0))], [{"w": jnp.ones((2, 3)), "b": jnp.ones(2)}],
     ValueError, r"params\[0\]\['b'\] has shape \(2,\) but layers\[0\].bias has shape \(3,\)"),
])
def test_bad_arguments_are_named(layers, params, error, match):
    with pytest.raises(error, match=match):
        flax_bridge.load_mlp_params(layers, params)


def test_a_param_replaced_by_a_plain_array_is_named():
    layer = nnx.Linear(2, 3, rngs=nnx.Rngs(0))
    layer.kernel = jnp.ones((2, 3))
    with pytest.raises(TypeError, match=r"layers\[0\].kernel must be an nnx.Param"):
        flax_bridge.mlp_params_from([layer])
