"""Chapter 10's answer checks, table-driven: realistic wrong answers get their specific
hint, and several correct ways of writing the answer all pass."""

from typing import NamedTuple

import jax
import jax.numpy as jnp
import optax
import pytest
from checker_table import verdict

from dl_workshop import batching, exercises as ex, losses, models, optimizers

tmap = jax.tree.map


# ---- momentum as an (init, update) pair ---------------------------------------------------

def heavy_ball(lr, beta, *, velocity=lambda g, v, beta: g + beta * v, stale=False, sign=1.0,
               keep_state=True, nesterov=False, array_only=False):
    """The reader's pair, with switches for the documented mistakes."""
    mapper = (lambda f, *trees: f(*trees)) if array_only else tmap

    def init(params):
        return mapper(jnp.zeros_like, params)

    def update(grads, v, params):
        new_v = mapper(lambda g, m: velocity(g, m, beta), grads, v)
        used = v if stale else new_v
        if nesterov:
            used = mapper(lambda g, m: g + beta * m, grads, new_v)
        params = mapper(lambda p, m: p - sign * lr * m, params, used)
        return params, (new_v if keep_state else v)

    return init, update


class Velocity(NamedTuple):
    v: jax.Array


def named_tuple_pair(lr, beta):
    def init(params):
        return Velocity(tmap(jnp.zeros_like, params))

    def update(grads, state, params):
        v = tmap(lambda g, m: g + beta * m, grads, state.v)
        return tmap(lambda p, m: p - lr * m, params, v), Velocity(v)

    return init, update


def lr_inside_velocity(lr, beta):  # v' = beta v' + lr g, p -= v': the same steps
    def update(grads, v, params):
        v = tmap(lambda g, m: beta * m + lr * g, grads, v)
        return tmap(lambda p, m: p - m, params, v), v

    return (lambda params: tmap(jnp.zeros_like, params)), update


MOMENTUM_CORRECT = [
    heavy_ball,
    named_tuple_pair,
    lr_inside_velocity,
    lambda lr, beta: (optimizers.momentum(lr, beta).init, optimizers.momentum(lr, beta).update),
]

MOMENTUM_WRONG = [
    (lambda lr, b: heavy_ball(lr, b, keep_state=False), "your path is plain gradient descent"),
    (lambda lr, b: heavy_ball(lr, b, velocity=lambda g, v, b: b * v + (1 - b) * g),
     "you averaged"),
    (lambda lr, b: heavy_ball(lr, b, velocity=lambda g, v, b: b * g + v),
     "beta multiplies the old velocity, not the gradient"),
    (lambda lr, b: heavy_ball(lr, b, stale=True), "you stepped with the old velocity"),
    (lambda lr, b: heavy_ball(lr, b, sign=-1.0), "sign error"),
    (lambda lr, b: heavy_ball(lr, b, nesterov=True), "that is Nesterov's look-ahead step"),
    (lambda lr, b: heavy_ball(b, lr), "learning_rate and beta are swapped"),
    (lambda lr, b: heavy_ball(lr, b, array_only=True),
     "correct for an array, but not for a dict of params: use jax.tree.map"),
    (lambda lr, b: optimizers.momentum(lr, b), "should return a pair of functions (init, "
                                               "update), got Optimizer"),
    (lambda lr, b: heavy_ball(lr, b)[1], "should return a pair of functions"),
]


@pytest.mark.parametrize("answer", MOMENTUM_CORRECT)
def test_momentum_pair_correct(answer, capsys):
    ok, line = verdict(ex.check_momentum_pair, answer, capsys)
    assert ok, line


@pytest.mark.parametrize("answer, hint", MOMENTUM_WRONG)
def test_momentum_pair_wrong(answer, hint, capsys):
    ok, line = verdict(ex.check_momentum_pair, answer, capsys)
    assert not ok and hint in line, line


# ---- mini-batch gradient descent ----------------------------------------------------------

def mse(params, x, y):
    return losses.mean_squared_error(models.linear_apply(params, x), y)


def sgd(key, params, x, y, lr, batch_size, epochs, *, full=False, per_epoch=False,
        same_key=False, sign=1.0, summed=False, early=False, unshuffled=False):
    """The reader's loop, with switches for the documented mistakes."""
    loss = (lambda p, xb, yb: mse(p, xb, yb) * len(yb)) if summed else mse
    if per_epoch:
        batches = [(x, y)] * epochs
    elif same_key:
        batches = [b for _ in range(epochs)
                   for b in batching.minibatches(key, x, y, batch_size=batch_size)]
    elif unshuffled:
        batches = [(x[i:i + batch_size], y[i:i + batch_size]) for _ in range(epochs)
                   for i in range(0, len(y) - batch_size + 1, batch_size)]
    else:
        batches = batching.minibatches(key, x, y, batch_size=batch_size, epochs=epochs)
    for xb, yb in batches:
        grads = jax.grad(loss)(params, *((x, y) if full else (xb, yb)))
        params = tmap(lambda p, g: p - sign * lr * g, params, grads)
        if early:
            return params
    return params


def sgd_with_scan(key, params, x, y, lr, batch_size, epochs):
    rows = batching.batch_indices(key, len(y), batch_size, epochs=epochs).reshape(-1, batch_size)

    def step(p, r):
        return tmap(lambda a, g: a - lr * g, p, jax.grad(mse)(p, x[r], y[r])), None

    return jax.lax.scan(step, params, rows)[0]


def sgd_with_library_optimizer(key, params, x, y, lr, batch_size, epochs):
    opt = optimizers.gradient_descent(lr)
    state = opt.init(params)
    for xb, yb in batching.minibatches(key, x, y, batch_size=batch_size, epochs=epochs):
        params, state = opt.update(jax.grad(mse)(params, xb, yb), state, params)
    return params


SGD_CORRECT = [sgd, sgd_with_scan, sgd_with_library_optimizer,
               lambda *a: {k: v for k, v in sgd(*a).items()}]

SGD_WRONG = [
    (lambda *a: sgd(*a, full=True), "not on all of x and y"),
    (lambda *a: sgd(*a, per_epoch=True), "take one step per batch, not one per epoch"),
    (lambda *a: sgd(*a, same_key=True), "every epoch used the same shuffle"),
    (lambda *a: sgd(*a, unshuffled=True), "your batches are not shuffled"),
    (lambda k, p, x, y, lr, bs, e: sgd(k, p, x, y, lr, bs, 1), "one epoch only"),
    (lambda *a: sgd(*a, early=True), "only one step was taken"),
    (lambda *a: sgd(*a, sign=-1.0), "sign error"),
    (lambda *a: sgd(*a, summed=True), "you summed the loss over the batch"),
    (lambda key, params, *a: params, "params did not change"),
    (lambda *a: tuple(sgd(*a).values()), "should return the params dict"),
]


@pytest.mark.parametrize("answer", SGD_CORRECT)
def test_minibatch_sgd_correct(answer, capsys, allow_rank_promotion):
    ok, line = verdict(ex.check_minibatch_sgd, answer, capsys)
    assert ok, line


@pytest.mark.parametrize("answer, hint", SGD_WRONG)
def test_minibatch_sgd_wrong(answer, hint, capsys, allow_rank_promotion):
    ok, line = verdict(ex.check_minibatch_sgd, answer, capsys)
    assert not ok and hint in line, line


# ---- momentum in optax --------------------------------------------------------------------

OPTAX_CORRECT = [
    optax.sgd(0.05, momentum=0.8),
    optax.chain(optax.trace(decay=0.8), optax.scale(-0.05)),
    optax.sgd(learning_rate=0.05, momentum=0.8, nesterov=False),
    optax.inject_hyperparams(optax.sgd)(learning_rate=0.05, momentum=0.8),
]

OPTAX_WRONG = [
    (optax.sgd(0.05), "no momentum"),
    (optax.sgd(0.05, momentum=0.8, nesterov=True), "nesterov=True is a different method"),
    (optax.sgd(0.8, momentum=0.05), "learning rate and momentum are swapped"),
    (optax.sgd(0.05, momentum=0.2), "momentum is beta itself (0.8), not 1 - beta"),
    (optax.adam(0.05), "that is Adam"),
    (optax.chain(optax.trace(decay=0.8), optax.scale(0.05)), "your steps go uphill"),
    (optax.sgd, "pass an optax GradientTransformation with init and update (call it"),
    (optimizers.momentum(0.05, beta=0.8), "that is the book's optimizer"),
    (optax.sgd(0.5, momentum=0.8), "your steps diverged: check the learning rate"),
    (optax.sgd(0.04, momentum=0.8), "after 12 steps the point should be [ 0.5916, -0.4613], got [0.1448, 0.1662]"),
]


@pytest.mark.parametrize("answer", OPTAX_CORRECT)
def test_optax_momentum_correct(answer, capsys):
    ok, line = verdict(ex.check_optax_momentum, answer, capsys)
    assert ok, line


@pytest.mark.parametrize("answer, hint", OPTAX_WRONG)
def test_optax_momentum_wrong(answer, hint, capsys):
    ok, line = verdict(ex.check_optax_momentum, answer, capsys)
    assert not ok and hint in line, line


@pytest.mark.parametrize("check", [ex.check_momentum_pair, ex.check_minibatch_sgd])
def test_crashing_answer_becomes_a_hint(check, capsys):
    def crashes(*args):
        raise ZeroDivisionError("oops")

    ok, line = verdict(check, crashes, capsys)
    assert not ok and "raised ZeroDivisionError: oops" in line
