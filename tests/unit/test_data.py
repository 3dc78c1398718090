"""Simulated data, the breast-cancer dataset, splitting and standardizing."""

import math
import re
import subprocess
import sys

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from dl_workshop import data
from dl_workshop.data import (Dataset, Standardizer, fit_standardizer, make_linear_data,
                              make_logistic_data, standardize, train_test_split)

KEY = jax.random.key(0)


# ---- make_linear_data ---------------------------------------------------------------

def test_linear_data_scalar_w_gives_one_feature():
    ds = make_linear_data(KEY, n=50, w=2.0, b=-1.0)
    assert isinstance(ds, Dataset)
    assert ds.x.shape == (50, 1) and ds.y.shape == (50,)
    assert ds.x.dtype == ds.y.dtype == jnp.float32


def test_linear_data_without_noise_is_exactly_linear():
    w = np.array([1.5, -2.0, 0.5], np.float32)
    ds = make_linear_data(KEY, n=40, w=w, b=3.0, noise_std=0.0, x_range=(0.0, 2.0))
    np.testing.assert_allclose(ds.y, np.asarray(ds.x) @ w + 3.0, rtol=1e-6, atol=1e-6)
    assert float(ds.x.min()) >= 0.0 and float(ds.x.max()) <= 2.0


def test_linear_data_noise_has_the_requested_std():
    ds = make_linear_data(KEY, n=4000, w=1.0, b=0.0, noise_std=0.5)
    residual = np.asarray(ds.y - ds.x[:, 0])
    assert abs(residual.std() - 0.5) < 0.03  # ~5 standard errors of the std estimate
    assert abs(residual.mean()) < 0.05


def test_linear_data_is_deterministic_per_key():
    a, b = make_linear_data(KEY, 10, 1.0, 0.0), make_linear_data(KEY, 10, 1.0, 0.0)
    c = make_linear_data(jax.random.key(1), 10, 1.0, 0.0)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


def test_linear_data_accepts_a_legacy_key_and_works_under_jit():
    legacy = make_linear_data(jax.random.PRNGKey(0), 8, 1.0, 0.0)
    assert legacy.x.shape == (8, 1)
    make = jax.jit(make_linear_data, static_argnums=(1, 2, 3))
    jitted, eager = make(KEY, 8, 2.0, 1.0), make_linear_data(KEY, 8, 2.0, 1.0)
    np.testing.assert_allclose(jitted.y, eager.y, rtol=1e-6)


# ---- make_logistic_data -------------------------------------------------------------

def test_logistic_data_shapes_and_labels():
    ds = make_logistic_data(KEY, n=30, w=[2.0, -1.0], b=0.5)
    assert ds.x.shape == (30, 2) and ds.y.shape == (30,) and ds.y.dtype == jnp.float32
    assert set(np.unique(ds.y)) <= {0.0, 1.0}


def test_logistic_data_follows_the_sigmoid():
    # E[y | x] = sigmoid(x @ w + b); averaged over many samples.
    ds = make_logistic_data(KEY, n=5000, w=1.5, b=-0.5)
    p = 1 / (1 + np.exp(-(1.5 * np.asarray(ds.x[:, 0]) - 0.5)))
    assert abs(float(ds.y.mean()) - p.mean()) < 0.02  # ~3 standard errors
    np.testing.assert_array_equal(make_logistic_data(KEY, 5000, 1.5, -0.5).y, ds.y)


# ---- breast cancer ------------------------------------------------------------------

def test_breast_cancer_matches_sklearn_conventions():
    ds = data.load_breast_cancer()
    assert ds.x.shape == (569, 30) and ds.y.shape == (569,)
    assert ds.x.dtype == ds.y.dtype == jnp.float32
    assert int(ds.y.sum()) == 357  # 357 benign (label 1), 212 malignant (label 0)
    names = data.breast_cancer_feature_names()
    assert len(names) == 30 and names[0] == "mean radius"
    # Read from scikit-learn's file, the arrays and names equal its own loader's.
    from sklearn.datasets import load_breast_cancer as sk_breast_cancer
    ref = sk_breast_cancer()
    np.testing.assert_array_equal(np.asarray(ds.x), ref.data.astype(np.float32))
    np.testing.assert_array_equal(np.asarray(ds.y), ref.target.astype(np.float32))
    assert names == tuple(ref.feature_names)


# ---- train_test_split ---------------------------------------------------------------

def _indexed(n):
    x = jnp.arange(2 * n, dtype=jnp.float32).reshape(n, 2)
    return Dataset(x, x[:, 0] / 2)  # y identifies its row


def test_split_partitions_the_rows_and_keeps_pairs():
    train, test = train_test_split(KEY, _indexed(10), test_fraction=0.25)
    assert test.x.shape == (math.ceil(0.25 * 10), 2) and train.x.shape == (7, 2)
    rows = np.concatenate([train.y, test.y])
    np.testing.assert_array_equal(np.sort(rows), np.arange(10))
    np.testing.assert_array_equal(train.x[:, 0] / 2, train.y)


def test_split_works_under_jit():
    split = jax.jit(train_test_split, static_argnums=2)
    for a, b in zip(split(KEY, _indexed(10), 0.25), train_test_split(KEY, _indexed(10), 0.25)):
        np.testing.assert_array_equal(a.y, b.y)


def test_split_is_deterministic_per_key_and_shuffles():
    a, _ = train_test_split(KEY, _indexed(50))
    b, _ = train_test_split(KEY, _indexed(50))
    c, _ = train_test_split(jax.random.key(7), _indexed(50))
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.y, c.y)
    assert not np.array_equal(a.y, np.sort(a.y))


# ---- standardization ----------------------------------------------------------------

X = np.array([[1.0, 10.0, 5.0], [2.0, 30.0, 5.0], [6.0, 20.0, 5.0], [3.0, 0.0, 5.0]],
             np.float32)


def test_standardizer_matches_sklearn_standard_scaler():
    s = fit_standardizer(X)
    expected = StandardScaler().fit_transform(X)  # a constant column becomes 0 there too
    np.testing.assert_allclose(standardize(X, s), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s.std, [np.std(X[:, 0]), np.std(X[:, 1]), 1.0], rtol=1e-6)


def test_standardize_single_row_and_jitted():
    s = fit_standardizer(X)
    for a, b in zip(jax.jit(fit_standardizer)(X), s):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(standardize(X[:1], s), standardize(X, s)[:1], rtol=1e-6)
    np.testing.assert_allclose(jax.jit(standardize)(X, s), standardize(X, s), rtol=1e-6)


def test_standardizer_uses_training_statistics_only():
    s = fit_standardizer(X[:2])
    np.testing.assert_allclose(standardize(X[2:], s)[:, 0], (X[2:, 0] - 1.5) / 0.5)


# ---- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: make_linear_data(0, 10, 1.0, 0.0), TypeError,
     r"key must be a JAX random key such as jax.random.key\(0\), got int"),
    (lambda: make_linear_data(KEY, 0, 1.0, 0.0), ValueError,
     r"n must be an integer >= 1, got 0"),
    (lambda: make_linear_data(KEY, 10.0, 1.0, 0.0), TypeError,
     r"n must be an integer, got float 10.0"),
    (lambda: make_linear_data(KEY, 10, [[1.0]], 0.0), ValueError,
     r"w must have shape \(d,\) or be a single number, got shape \(1, 1\)"),
    (lambda: make_linear_data(KEY, 10, [], 0.0), ValueError,
     r"w must not be empty, got shape \(0,\)"),
    (lambda: make_linear_data(KEY, 10, np.array([1, 2]), 0.0), TypeError,
     r"w must be a floating-point array \(float32\), got dtype int64"),
    (lambda: make_linear_data(KEY, 10, np.nan, 0.0), ValueError,
     r"w must contain only finite values, got 1 NaN/inf value\(s\)"),
    (lambda: make_linear_data(KEY, 10, 1.0, "1"), TypeError,
     r"b must be a real number, got str '1'"),
    (lambda: make_linear_data(KEY, 10, 1.0, np.inf), ValueError, r"b must be finite, got inf"),
    (lambda: make_linear_data(KEY, 10, 1.0, 0.0, noise_std=-1.0), ValueError,
     r"noise_std must be in \[0.0, inf\], got -1.0"),
    (lambda: make_linear_data(KEY, 10, 1.0, 0.0, x_range=5.0), TypeError,
     r"x_range must be a pair \(low, high\), got 5.0"),
    (lambda: make_linear_data(KEY, 10, 1.0, 0.0, x_range=(1.0, 1.0)), ValueError,
     r"x_range must satisfy low < high, got \(1.0, 1.0\)"),
    (lambda: make_logistic_data(KEY, -3, 1.0, 0.0), ValueError,
     r"n must be an integer >= 1, got -3"),
    (lambda: train_test_split(KEY, np.zeros((4, 2))), TypeError,
     r"data must be a Dataset\(x, y\), got ndarray"),
    (lambda: train_test_split(KEY, Dataset(np.zeros(4, np.float32), np.zeros(4))), ValueError,
     r"data.x must have shape \(n, d\), got shape \(4,\)"),
    (lambda: train_test_split(KEY, Dataset(np.zeros((4, 2), np.float32), np.zeros((4, 1)))),
     ValueError, r"data.y must have shape \(4,\) to match data.x of shape \(4, 2\), got "
                 r"shape \(4, 1\)"),
    (lambda: train_test_split(KEY, _indexed(4), test_fraction=1.0), ValueError,
     r"test_fraction must be in \(0.0, 1.0\), got 1.0"),
    (lambda: train_test_split(KEY, _indexed(4), test_fraction=0.9), ValueError,
     r"test_fraction=0.9 leaves 0 of 4 samples for training"),
    (lambda: fit_standardizer(np.zeros((0, 3), np.float32)), ValueError,
     r"x must not be empty, got shape \(0, 3\)"),
    (lambda: fit_standardizer(X.astype(np.int32)), TypeError,
     r"x must be a floating-point array \(float32\), got dtype int32"),
    (lambda: standardize(X, (0.0, 1.0)), TypeError,
     r"s must be a Standardizer from fit_standardizer, got tuple"),
    (lambda: standardize(X[:, :2], fit_standardizer(X)), ValueError,
     r"x has 2 features but the standardizer was fit on mean of shape \(3,\); expected "
     r"shape \(2,\)"),
    (lambda: standardize(X[:, 0], Standardizer(jnp.zeros(1), jnp.ones(1))), ValueError,
     r"x must have shape \(n, d\), got shape \(4,\)"),
])
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---- load_digits and stratified_split (Part III) -----------------------------------

def test_digits_match_sklearn():
    from sklearn.datasets import load_digits as sk_digits
    ref = sk_digits()
    ds = data.load_digits()
    assert ds.x.shape == (1797, 64) and ds.x.dtype == jnp.float32
    assert ds.y.dtype == jnp.int32
    np.testing.assert_array_equal(np.asarray(ds.x), ref.data.astype(np.float32))
    np.testing.assert_array_equal(np.asarray(ds.y), ref.target)
    # Row-major flattening: row 0 is images[0] read line by line.
    np.testing.assert_array_equal(np.asarray(ds.x[0]).reshape(8, 8), ref.images[0])


def _rows(ds):
    return sorted(map(tuple, np.column_stack([np.asarray(ds.x), np.asarray(ds.y)]).tolist()))


def test_stratified_split_partitions_and_keeps_class_mix():
    ds = data.load_digits()
    splits = data.stratified_split(KEY, ds, (0.6, 0.2, 0.2))
    # Every sample exactly once (digits has a few duplicate images, so compare multisets).
    assert sorted(_rows(splits[0]) + _rows(splits[1]) + _rows(splits[2])) == _rows(ds)
    whole = np.bincount(np.asarray(ds.y), minlength=10)
    for part, fraction in zip(splits, (0.6, 0.2, 0.2)):
        counts = np.bincount(np.asarray(part.y), minlength=10)
        # Within one sample of the exact share, class by class (independent of the code's
        # rounding order).
        assert np.all(np.abs(counts - fraction * whole) <= 1), (counts, fraction * whole)


def test_stratified_split_is_deterministic_and_key_dependent():
    ds = data.load_digits()
    a = data.stratified_split(KEY, ds)
    b = data.stratified_split(KEY, ds)
    c = data.stratified_split(jax.random.key(1), ds)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x.x, y.x)
    assert not np.array_equal(np.asarray(a[2].y), np.asarray(c[2].y))
    # Shuffled, not sorted by class.
    assert not np.all(np.diff(np.asarray(a[0].y)) >= 0)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(fractions=(0.5, 0.5)), TypeError, "fractions must be three numbers"),
    (dict(fractions=(0.5, 0.3, 0.3)), ValueError, "fractions must add up to 1"),
    (dict(fractions=(0.8, 0.2, 0.0)), ValueError, "fractions[2]"),
])
def test_stratified_split_bad_fractions(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        data.stratified_split(KEY, data.load_digits(), **kwargs)


def test_stratified_split_needs_integer_labels():
    with pytest.raises(TypeError, match="data.y must hold integer class labels, got dtype float32"):
        data.stratified_split(KEY, data.load_breast_cancer())


# ---- import cost ------------------------------------------------------------------------

def test_neither_the_library_nor_its_loaders_import_scikit_learn():
    """``import dl_workshop`` and the two loaders leave scikit-learn unimported (its import
    takes over a second): they read the files it ships. Their arrays equal scikit-learn's
    loaders' (tested above, in this process)."""
    code = ("import sys, dl_workshop\n"
            "from dl_workshop import data\n"
            "data.load_digits(); data.load_breast_cancer()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "[]", shown.stdout + shown.stderr


def test_loaders_fall_back_to_scikit_learn_when_its_files_move(monkeypatch):
    """Should a scikit-learn release move its data files, its own loaders are used."""
    monkeypatch.setattr(data, "_bundled_csv", lambda name: None)
    data._bundled.cache_clear()
    try:
        from sklearn.datasets import load_digits as sk_digits
        np.testing.assert_array_equal(np.asarray(data.load_digits().x), sk_digits().data.astype(np.float32))
        from sklearn.datasets import load_breast_cancer as sk_breast_cancer
        np.testing.assert_array_equal(np.asarray(data.load_breast_cancer().x),
                                      sk_breast_cancer().data.astype(np.float32))
    finally:
        data._bundled.cache_clear()
