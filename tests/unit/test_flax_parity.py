"""The same network in Flax NNX + optax and from scratch (training.fit + our Adam),
started from the same weights, follows the same loss trajectory to float32 rounding.

The Flax side is written as chapter 14 writes it: an nnx.Module of nnx.Linear layers,
an nnx.Optimizer around optax.adam, nnx.value_and_grad and one nnx.scan.
"""

import jax
import numpy as np
import optax
import pytest
from flax import nnx

from dl_workshop import data, flax_bridge, losses, models, optimizers, training

STEPS = 200


class MLP(nnx.Module):
    def __init__(self, sizes, *, rngs):
        self.layers = nnx.List([nnx.Linear(m, k, rngs=rngs)
                                for m, k in zip(sizes[:-1], sizes[1:])])

    def __call__(self, x):
        *hidden, last = self.layers
        for layer in hidden:
            x = jax.nn.relu(layer(x))
        return last(x)


def binary_loss(model, x, y):
    return optax.sigmoid_binary_cross_entropy(model(x)[:, 0], y).mean()


def softmax_loss(model, x, y):
    return optax.softmax_cross_entropy_with_integer_labels(model(x), y).mean()


@nnx.jit(static_argnames=("loss_fn", "steps"))
def train_flax(model, optimizer, x, y, loss_fn, steps):
    @nnx.scan(in_axes=(nnx.Carry, None, None), out_axes=(nnx.Carry, 0), length=steps)
    def one_step(carry, x, y):
        model, optimizer = carry
        loss, grads = nnx.value_and_grad(loss_fn)(model, x, y)
        optimizer.update(model, grads)
        return carry, loss

    _, losses_per_step = one_step((model, optimizer), x, y)
    return losses_per_step


def mlp_logits(params, x):
    return models.mlp_apply(params, x)[:, 0]


def breast_cancer_case():
    """Chapter 5's data, split and initial weights: 30 -> 16 -> 1, binary."""
    key_split, _ = jax.random.split(jax.random.split(jax.random.key(0))[1])
    train, _ = data.train_test_split(key_split, data.load_breast_cancer(), test_fraction=0.25)
    x = data.standardize(train.x, data.fit_standardizer(train.x))
    params = models.mlp_init(jax.random.split(jax.random.key(1))[0], [30, 16, 1])
    return x, train.y, params, mlp_logits, losses.binary_cross_entropy, binary_loss, 0.001


def digits_case():
    """The digits of Part III (the first 600 images, pixels / 16; the split does not matter
    here, and keeping it out keeps the test fast): softmax regression, 64 -> 10."""
    digits = data.load_digits()
    params = models.mlp_init(jax.random.key(2), [64, 10])
    return (digits.x[:600] / 16.0, digits.y[:600], params, models.mlp_apply,
            losses.softmax_cross_entropy, softmax_loss, 0.01)


@pytest.mark.parametrize("case", [breast_cancer_case, digits_case], ids=lambda c: c.__name__)
def test_flax_and_scratch_losses_agree_step_for_step(case):
    x, y, params, apply, book_loss, flax_loss, lr = case()
    scratch = training.fit(apply, book_loss, optimizers.adam(lr), params, x, y, steps=STEPS)

    sizes = [params[0]["w"].shape[0]] + [p["w"].shape[1] for p in params]
    model = MLP(sizes, rngs=nnx.Rngs(0))
    flax_bridge.load_mlp_params(model.layers, params)
    optimizer = nnx.Optimizer(model, optax.adam(lr), wrt=nnx.Param)
    flax_losses = train_flax(model, optimizer, x, y, flax_loss, STEPS)

    assert flax_losses.shape == (STEPS,)
    assert scratch.losses[-1] < 0.6 * scratch.losses[0]       # it did train
    np.testing.assert_allclose(flax_losses, scratch.losses, rtol=1e-4, atol=1e-6)
    trained = flax_bridge.mlp_params_from(model.layers)
    for a, b in zip(jax.tree.leaves(trained), jax.tree.leaves(scratch.params)):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


def test_a_fresh_module_is_not_the_book_network():
    """The failure the chapter shows first: nnx.Linear initializes its own weights."""
    x, _, params, apply, *_ = breast_cancer_case()
    model = MLP([30, 16, 1], rngs=nnx.Rngs(0))
    assert np.max(np.abs(model(x)[:, 0] - apply(params, x))) > 0.1
    flax_bridge.load_mlp_params(model.layers, params)
    np.testing.assert_array_equal(model(x)[:, 0], apply(params, x))
