"""Chapter 8 (PRNG keys) answer checks: table-driven, realistic wrong answers with the
hint each must produce, and correct variants that must be accepted."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, verdict, wrong_cases

from dl_workshop import exercises as ex
from dl_workshop import models


perm = jax.random.permutation


def chain_of_splits(key, n, epochs):
    rows = []
    for _ in range(epochs):
        key, sub = jax.random.split(key)
        rows.append(perm(sub, n))
    return jnp.stack(rows)


def split_but_parent_first(key, n, epochs):
    keys = jax.random.split(key, epochs)
    return jnp.stack([perm(key, n)] + [perm(k, n) for k in keys[1:]])


def numpy_global(key, n, epochs):
    return np.stack([np.random.permutation(n) for _ in range(epochs)])


ORDERS_CORRECT = [
    lambda key, n, e: jax.vmap(lambda k: perm(k, n))(jax.random.split(key, e)),
    lambda key, n, e: jnp.stack([perm(jax.random.fold_in(key, i), n) for i in range(e)]),
    chain_of_splits,
]
ORDERS_WRONG = [
    (lambda key, n, e: jnp.stack([perm(key, n) for _ in range(e)]),
     "the same key is used every epoch"),
    (lambda key, n, e: jnp.stack([perm(jax.random.fold_in(key, 0), n) for _ in range(e)]),
     "fold in the epoch number"),
    (split_but_parent_first, "an epoch still uses the parent key"),
    (lambda key, n, e: jax.random.choice(key, n, (e, n)), "sampling with replacement"),
    (numpy_global, "not with np.random"),
    (lambda key, n, e: jax.vmap(lambda k: perm(k, n))(jax.random.split(jax.random.key(0), e)),
     "another key gave the same orders"),
    (lambda key, n, e: jax.vmap(lambda k: perm(k, n))(jax.random.split(key, e)).T,
     "put one epoch per row"),
    (lambda key, n, e: jnp.stack([perm(jax.random.key(i), n) for i in range(e)]),
     "another key gave the same orders"),
]


init = models.linear_init


def stack_list(key, k, d):
    params = [init(jax.random.fold_in(key, i), d) for i in range(k)]
    return jax.tree.map(lambda *leaves: jnp.stack(leaves), *params)


INIT_CORRECT = [
    lambda key, k, d: jax.vmap(lambda kk: init(kk, d))(jax.random.split(key, k)),
    stack_list,
    jax.jit(lambda key, k, d: jax.vmap(lambda kk: init(kk, d))(jax.random.split(key, k)),
            static_argnums=(1, 2)),
]
INIT_WRONG = [
    (lambda key, k, d: jax.vmap(lambda kk: init(key, d))(jax.random.split(key, k)),
     "every model got the same key"),
    (lambda key, k, d: jax.tree.map(lambda *l: jnp.stack(l), *[init(jax.random.key(1), d)] * k),
     "all models start from the same weights"),
    (lambda key, k, d: [init(kk, d) for kk in jax.random.split(key, k)],
     "not a list of k dicts"),
    (lambda key, k, d: {"w": jnp.zeros((k, d)), "b": jnp.zeros(k)}, "the weights are all zero"),
    (lambda key, k, d: {"w": jax.random.normal(key, (d, k)), "b": jnp.zeros(k)},
     "the models go along the first axis"),
    (lambda key, k, d: jax.vmap(lambda kk: init(kk, d))(jax.random.split(jax.random.key(0), k)),
     "another key gave the same weights"),
    (lambda key, k, d: {"w": jnp.asarray(np.random.normal(size=(k, d))), "b": jnp.zeros(k)},
     "not with a hidden state"),
    (lambda key, k, d: {"w": jax.random.normal(key, (k, d)), "b": jax.random.normal(key, (k,))},
     "models.linear_init starts the bias at 0"),
]


normal = jax.random.normal
WALK_CORRECT = [
    lambda p, key: (p + normal(key),) * 2,
    lambda p, key: (p + normal(key, (1,))[0],) * 2,
    jax.jit(lambda p, key: (p + normal(key, ()),) * 2),
]
WALK_WRONG = [
    (lambda p, key: (p + normal(key), normal(key)), "your outputs are the steps"),
    (lambda p, key: (p, p + normal(key)), "the position never moves on"),
    (lambda p, key: (p + normal(jax.random.key(0)),) * 2, "not a fixed jax.random.key(0)"),
    (lambda p, key: (p + np.random.normal(),) * 2, "np.random and fixed keys are drawn once"),
    (lambda p, key: (p + jax.random.uniform(key),) * 2, "those steps are uniform"),
    (lambda p, key: (p + normal(key), p), "your outputs are one round late"),
    (lambda p, key: (p + normal(key, (1,)),) * 2, "not an array of shape (1,)"),
    (lambda p, key: p + normal(key), "a scan step returns a pair"),
]


def test_values_instead_of_functions_are_hints(capsys):
    for check in (ex.check_epoch_orders, ex.check_init_many, ex.check_walk_step):
        ok, line = verdict(check, jnp.zeros(3), capsys)
        assert not ok and "pass your function itself" in line


WRONG = {
    ex.check_epoch_orders: ORDERS_WRONG,
    ex.check_init_many: INIT_WRONG,
    ex.check_walk_step: WALK_WRONG,
}
CORRECT = {
    ex.check_epoch_orders: ORDERS_CORRECT,
    ex.check_init_many: INIT_CORRECT,
    ex.check_walk_step: WALK_CORRECT,
}


@pytest.mark.parametrize("check, fn, hint", wrong_cases(WRONG))
def test_wrong_answers_get_their_hint(check, fn, hint, capsys):
    assert_hint(check, fn, hint, capsys)


@pytest.mark.parametrize("check, fn", correct_cases(CORRECT))
def test_correct_variants_are_accepted(check, fn, capsys):
    assert_correct(check, fn, capsys)
