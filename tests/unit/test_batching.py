"""Mini-batches from a PRNG key: coverage, reshuffling per epoch, determinism, errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop.batching import batch_indices, minibatches

KEY = jax.random.key(0)


def test_each_epoch_is_a_permutation_cut_into_equal_batches():
    idx = np.asarray(batch_indices(KEY, n=23, batch_size=5, epochs=4))
    assert idx.shape == (4, 4, 5) and idx.dtype == np.int32
    for epoch in idx:
        rows = epoch.ravel()
        assert len(set(rows.tolist())) == 20 and rows.min() >= 0 and rows.max() < 23


def test_epochs_are_reshuffled_and_the_same_key_repeats_them():
    idx = np.asarray(batch_indices(KEY, n=50, batch_size=10, epochs=3))
    assert not np.array_equal(idx[0], idx[1]) and not np.array_equal(idx[1], idx[2])
    np.testing.assert_array_equal(idx, batch_indices(KEY, n=50, batch_size=10, epochs=3))
    other = batch_indices(jax.random.key(1), n=50, batch_size=10, epochs=3)
    assert not np.array_equal(idx, other)


def test_epoch_orders_are_the_documented_fold_in_permutations():
    idx = np.asarray(batch_indices(KEY, n=12, batch_size=4, epochs=2))
    for e in range(2):
        order = jax.random.permutation(jax.random.fold_in(KEY, e), 12)
        np.testing.assert_array_equal(idx[e].ravel(), order)


def test_a_longer_run_starts_with_the_same_epochs():
    short = batch_indices(KEY, n=30, batch_size=6, epochs=2)
    long = batch_indices(KEY, n=30, batch_size=6, epochs=5)
    np.testing.assert_array_equal(short, long[:2])


def test_minibatches_yield_the_rows_of_batch_indices():
    x = jnp.arange(40.0).reshape(20, 2)
    y = jnp.arange(20.0) * 10
    batches = list(minibatches(KEY, x, y, batch_size=6, epochs=2))
    idx = np.asarray(batch_indices(KEY, 20, 6, epochs=2)).reshape(-1, 6)
    assert len(batches) == 6
    for (xb, yb), rows in zip(batches, idx):
        assert xb.shape == (6, 2) and yb.shape == (6,)
        np.testing.assert_array_equal(xb, x[rows])
        np.testing.assert_array_equal(yb, y[rows])


def test_integer_labels_are_kept():
    x, y = jnp.ones((8, 3)), jnp.arange(8) % 2
    (xb, yb), *_ = minibatches(KEY, x, y, batch_size=4)
    assert yb.dtype == y.dtype


def test_batch_indices_work_inside_jit():
    idx = jax.jit(lambda k: batch_indices(k, 16, 4, epochs=2))(KEY)
    np.testing.assert_array_equal(idx, batch_indices(KEY, 16, 4, epochs=2))


@pytest.mark.parametrize("call, error, message", [
    (lambda: batch_indices(KEY, 10, 11), ValueError,
     r"batch_size must be at most the number of examples n = 10, got batch_size=11"),
    (lambda: batch_indices(KEY, 10, 0), ValueError, r"batch_size must be an integer >= 1, got 0"),
    (lambda: batch_indices(KEY, 10, 2.0), TypeError,
     r"batch_size must be an integer, got float 2.0"),
    (lambda: batch_indices(KEY, 10, 2, epochs=0), ValueError,
     r"epochs must be an integer >= 1, got 0"),
    (lambda: batch_indices(0, 10, 2), TypeError,
     r"key must be a JAX random key such as jax.random.key\(0\), got int"),
    (lambda: minibatches(KEY, jnp.ones((5, 2)), jnp.ones(4), batch_size=2), ValueError,
     r"y must have shape \(5,\), one target per row of x, got shape \(4,\)"),
    (lambda: minibatches(KEY, jnp.ones(5), jnp.ones(5), batch_size=2), ValueError,
     r"x must have shape \(n, d\), got shape \(5,\)"),
    (lambda: minibatches(KEY, jnp.ones((5, 2)), jnp.ones((5, 1)), batch_size=2), ValueError,
     r"y must have shape \(5,\), one target per row of x, got shape \(5, 1\)"),
    (lambda: minibatches(KEY, jnp.ones((5, 2)), jnp.ones(5), batch_size=6), ValueError,
     r"batch_size must be at most the number of examples n = 5, got batch_size=6"),
])
def test_bad_arguments_are_named_when_called(call, error, message):
    with pytest.raises(error, match=message):
        call()
