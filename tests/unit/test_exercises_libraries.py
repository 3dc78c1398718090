"""Chapter 14 (Flax and optax) answer checks: table-driven, realistic wrong answers with
the hint each must produce, and correct variants that must be accepted."""

import jax.numpy as jnp
import optax
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases
from flax import nnx

from dl_workshop import exercises as ex
from dl_workshop import flax_bridge, optimizers

# ---- copy one layer ---------------------------------------------------------------------


def load_brackets(linear, layer):
    linear.kernel[...] = layer["w"]
    linear.bias[...] = layer["b"]


def load_set_value(linear, layer):
    linear.kernel.set_value(jnp.asarray(layer["w"]))
    linear.bias.set_value(jnp.asarray(layer["b"]))


def load_update(linear, layer):
    nnx.update(linear, nnx.State({"kernel": layer["w"], "bias": layer["b"]}))


def load_plain(linear, layer):
    linear.kernel = layer["w"]
    linear.bias[...] = layer["b"]


def load_plain_bias(linear, layer):
    linear.kernel[...] = layer["w"]
    linear.bias = layer["b"]


def load_transposed(linear, layer):
    linear.kernel[...] = layer["w"].T
    linear.bias[...] = layer["b"]


def load_swapped(linear, layer):
    linear.kernel[...] = layer["b"]
    linear.bias[...] = layer["w"]


def load_new_layer(linear, layer):
    new = nnx.Linear(3, 2, rngs=nnx.Rngs(1))
    new.kernel[...] = layer["w"]
    new.bias[...] = layer["b"]
    return new


def load_kernel_only(linear, layer):
    linear.kernel[...] = layer["w"]


def load_bias_only(linear, layer):
    linear.bias[...] = layer["b"]


def load_nothing(linear, layer):
    pass


def load_reshaped(linear, layer):
    linear.kernel[...] = layer["w"].T.reshape(3, 2)
    linear.bias[...] = layer["b"]


def load_and_change_dict(linear, layer):
    load_brackets(linear, layer)
    layer["w"] = layer["w"] * 0.0


def load_doubled_bias(linear, layer):
    linear.kernel[...] = layer["w"]
    linear.bias[...] = 2.0 * layer["b"]


# ---- library names ----------------------------------------------------------------------

RIGHT = {"binary_cross_entropy": "b", "softmax_cross_entropy": "d", "momentum": "e",
         "mlp_init": "h"}


def answers(**changes):
    return {**RIGHT, **changes}


class _Wrapped:
    """Not a dict: a reader who passes an object of their own."""


CORRECT = {
    ex.check_load_layer: [
        load_brackets, load_set_value, load_update,
        lambda linear, layer: flax_bridge.load_mlp_params([linear], [layer]),
    ],
    ex.check_library_names: [
        RIGHT,
        {k: v.upper() for k, v in RIGHT.items()},
        {k: f" ({v}) " for k, v in RIGHT.items()},
        {k: f"{v})" for k, v in RIGHT.items()},
    ],
    ex.check_adamw: [
        optax.adamw(0.01, weight_decay=0.1),
        optax.chain(optax.scale_by_adam(), optax.add_decayed_weights(0.1), optax.scale(-0.01)),
        optax.chain(optax.scale_by_adam(), optax.add_decayed_weights(0.1),
                    optax.scale_by_learning_rate(0.01)),
        optax.inject_hyperparams(optax.adamw)(learning_rate=0.01, weight_decay=0.1),
    ],
}

WRONG = {
    ex.check_load_layer: [
        (load_plain, "linear.kernel is no longer an nnx.Param but a plain array"),
        (load_plain_bias, "linear.bias is no longer an nnx.Param"),
        (load_transposed, "copy w as it is, without .T"),
        (load_swapped, "they look swapped"),
        (load_new_layer, "you returned a new object instead"),
        (load_kernel_only, "linear.bias was not copied"),
        (load_bias_only, "linear.kernel was not copied"),
        (load_nothing, "the layer passed in is unchanged: write the arrays"),
        (load_reshaped, "reshaped from its transpose"),
        (load_and_change_dict, "changed the book's dict `layer`"),
        (load_doubled_bias, "linear.bias should be b"),
        (3, "pass your function itself"),
    ],
    ex.check_library_names: [
        (answers(binary_cross_entropy="a"), "returns one loss per example"),
        (answers(softmax_cross_entropy="c"), "expects one-hot targets"),
        (answers(momentum="f"), "has no momentum"),
        (answers(mlp_init="g"), "draws from a *truncated* normal"),
        (answers(mlp_init="i"), "lecun_normal has variance 1/fan-in"),
        (answers(momentum="b"), "option (b) is a binary (sigmoid) loss, while momentum is "
                                "an optimizer"),
        (answers(binary_cross_entropy="d"), "option (d) is a softmax loss"),
        (answers(mlp_init="z"), "should be one of the letters 'a' to 'i', got 'z'"),
        (answers(mlp_init=8), "should be one of the letters"),
        ({k: v for k, v in RIGHT.items() if k != "momentum"}, "no entry for 'momentum'"),
        (answers(adam="e"), "unknown piece 'adam'"),
        (["b", "d", "e", "h"], "answers should be a dict"),
        (_Wrapped(), "answers should be a dict"),
    ],
    ex.check_adamw: [
        (optax.chain(optax.add_decayed_weights(0.1), optax.scale_by_adam(), optax.scale(-0.01)),
         "that is an L2 penalty, not AdamW"),
        (optax.adam(0.01), "that is Adam without weight decay"),
        (optax.chain(optax.scale_by_adam(), optax.add_decayed_weights(0.1), optax.scale(0.01)),
         "your steps go uphill"),
        (optax.adamw(0.1, weight_decay=0.01), "learning rate and weight decay are swapped"),
        (optax.adamw(0.01, weight_decay=0.01), "the weight decay is 0.01"),
        (optax.adamw(0.01), "optax.adamw's tiny default, 1e-4"),
        (optax.chain(optax.add_decayed_weights(0.1), optax.sgd(0.01)),
         "that is gradient descent with weight decay"),
        (optax.adamw, "call it"),
        (optimizers.adam(0.01), "that is the book's optimizer"),
        (optax.adamw(0.05, weight_decay=0.1), "should be"),
    ],
}


@pytest.mark.parametrize(("check", "fn"), correct_cases(CORRECT))
def test_correct_answers_pass(check, fn, capsys):
    assert_correct(check, fn, capsys)


@pytest.mark.parametrize(("check", "fn", "hint"), wrong_cases(WRONG))
def test_wrong_answers_get_their_hint(check, fn, hint, capsys):
    assert_hint(check, fn, hint, capsys)


def test_the_reader_dict_is_read_not_changed(capsys):
    given = dict(RIGHT)
    assert_correct(ex.check_library_names, given, capsys)
    assert given == RIGHT
