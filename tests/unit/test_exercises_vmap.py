"""Chapter 6 (jax.vmap) answer checks: table-driven, realistic wrong answers with the
hint each must produce, and correct variants that must be accepted."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, verdict, wrong_cases

from dl_workshop import exercises as ex
from dl_workshop import models


def bce_one(params, x_i, y_i):
    """The chapter's one-example loss."""
    logit = jnp.dot(x_i, params["w"]) + params["b"]
    return jax.nn.softplus(logit) - y_i * logit


def bce_mean(params, x, y):
    return jnp.mean(jax.vmap(bce_one, in_axes=(None, 0, 0))(params, x, y))


def per_example_loop(params, x, y):
    grads = [jax.grad(bce_one)(params, x_i, y_i) for x_i, y_i in zip(x, y)]
    return jax.tree.map(lambda *g: jnp.stack(g), *grads)


GRADS_CORRECT = [
    lambda p, x, y: jax.vmap(jax.grad(bce_one), in_axes=(None, 0, 0))(p, x, y),
    per_example_loop,
    jax.jit(lambda p, x, y: jax.vmap(jax.grad(bce_one), in_axes=(None, 0, 0))(p, x, y)),
]
GRADS_WRONG = [
    (lambda p, x, y: jax.grad(bce_mean)(p, x, y), "the gradient of the mean loss"),
    (lambda p, x, y: jax.grad(lambda p: bce_mean(p, x, y) * len(y))(p),
     "the gradient of the summed loss"),
    (lambda p, x, y: jax.vmap(jax.grad(bce_one))(p, x, y), "vmap tried to slice the params"),
    (lambda p, x, y: jax.grad(jax.vmap(bce_one, in_axes=(None, 0, 0)))(p, x, y),
     "take jax.grad of the one-example loss first"),
    (lambda p, x, y: jax.vmap(jax.grad(bce_one), in_axes=(None, 0, None))(p, x, y),
     "jax.grad needs a loss of one number"),
    (lambda p, x, y: jax.vmap(bce_one, in_axes=(None, 0, 0))(p, x, y),
     "you returned one loss per example"),
    (lambda p, x, y: jax.vmap(jax.grad(bce_one, argnums=1), in_axes=(None, 0, 0))(p, x, y),
     "those are gradients with respect to x"),
    (lambda p, x, y: jax.vmap(jax.value_and_grad(bce_one), in_axes=(None, 0, 0))(p, x, y),
     "jax.value_and_grad returns a pair"),
]


apply = models.linear_apply
MANY_CORRECT = [
    lambda p, x: jax.vmap(apply, in_axes=(0, None))(p, x),
    lambda p, x: jnp.stack([apply({"w": w, "b": b}, x) for w, b in zip(p["w"], p["b"])]),
    lambda p, x: p["w"] @ x.T + p["b"][:, None],
]
MANY_WRONG = [
    (lambda p, x: jax.vmap(apply, in_axes=(None, 0))(p, x), "jax.vmap it over the stacked params"),
    (lambda p, x: apply(p, x), "models.linear_apply takes one model's params"),
    (lambda p, x: jax.vmap(apply)(p, x), "in_axes=0 slices x as well"),
    (lambda p, x: x @ p["w"].T + p["b"], "one row per model"),
    (lambda p, x: jax.vmap(apply, in_axes=(0, None))(p, x).mean(axis=0),
     "you averaged over the models"),
    (lambda p, x: apply({"w": p["w"][0], "b": p["b"][0]}, x), "the first model's predictions"),
    (lambda p, x: jax.vmap(lambda q, x: x @ q["w"], in_axes=(0, None))(p, x),
     "you forgot the bias"),
]


RATE_CORRECT = [0.5, jnp.array(0.5), 1 / 2, np.float32(np.linspace(0.05, 1.2, 24)[9])]
RATE_WRONG = [
    (0.3, "1 - 2η = 0.4: it converges, but a smaller factor converges faster"),
    (0.05, "1 - 2η = 0.9"),
    (1.0, "w bounces between 0 and 6 forever"),
    (1.2, "its size is above 1, so the distance grows and training diverges"),
    (0.75, "it overshoots the minimum on every step, yet converges"),
    (2.0, "the sweep tries learning rates from 0.05 to 1.20"),
    ("a half", "pass your predicted learning rate as a number"),
    (lambda: 0.5, "pass your predicted learning rate, a number"),
]


def test_functions_checks_refuse_values(capsys):
    for check in (ex.check_per_example_grads, ex.check_many_models):
        ok, line = verdict(check, jnp.zeros(3), capsys)
        assert not ok and "pass your function itself" in line


WRONG = {
    ex.check_per_example_grads: GRADS_WRONG,
    ex.check_many_models: MANY_WRONG,
    ex.check_best_learning_rate: RATE_WRONG,
}
CORRECT = {
    ex.check_per_example_grads: GRADS_CORRECT,
    ex.check_many_models: MANY_CORRECT,
    ex.check_best_learning_rate: RATE_CORRECT,
}


@pytest.mark.parametrize("check, fn, hint", wrong_cases(WRONG))
def test_wrong_answers_get_their_hint(check, fn, hint, capsys, allow_rank_promotion):
    assert_hint(check, fn, hint, capsys)


@pytest.mark.parametrize("check, fn", correct_cases(CORRECT))
def test_correct_variants_are_accepted(check, fn, capsys, allow_rank_promotion):
    assert_correct(check, fn, capsys)
