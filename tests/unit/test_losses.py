"""Losses against NumPy and scikit-learn, with hand-derived gradients."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.test_util import check_grads
from sklearn.metrics import log_loss

from dl_workshop.losses import binary_cross_entropy, mean_squared_error, softmax_cross_entropy

P = np.array([0.5, -1.0, 2.0, 3.5], np.float32)
T = np.array([1.0, -1.5, 2.0, 0.0], np.float32)
Z = np.array([-3.0, -0.5, 0.0, 0.7, 4.0], np.float32)
Y01 = np.array([0.0, 1.0, 1.0, 0.0, 1.0], np.float32)
LOGITS = np.array([[1.0, -0.5, 0.2], [0.0, 2.0, -1.0], [3.0, 0.1, 0.1], [-1.0, -2.0, 0.5]],
                  np.float32)
LABELS = np.array([0, 1, 1, 2], np.int32)


def sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, np.float64)))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ---- mean squared error -------------------------------------------------------------

def test_mse_batched_matches_numpy():
    np.testing.assert_allclose(mean_squared_error(P, T), np.mean((P - T) ** 2), rtol=1e-6)


def test_mse_scalar_and_jitted():
    assert mean_squared_error(jnp.float32(3.0), jnp.float32(1.0)) == 4.0
    np.testing.assert_allclose(jax.jit(mean_squared_error)(P, T), np.mean((P - T) ** 2),
                               rtol=1e-6)


def test_mse_is_averaged_not_summed():
    # Repeating the data leaves a mean unchanged (a sum would double).
    np.testing.assert_allclose(mean_squared_error(np.tile(P, 2), np.tile(T, 2)),
                               mean_squared_error(P, T), rtol=1e-6)


def test_mse_gradient_matches_hand_formula_and_check_grads():
    # d/dp mean((p - t)^2) = 2 (p - t) / n
    grad = jax.grad(mean_squared_error)(P, T)
    np.testing.assert_allclose(grad, 2 * (P - T) / P.size, rtol=1e-6)
    check_grads(jax.jit(lambda p: mean_squared_error(p, T)), (P,), order=2,
                modes=["rev"])


# ---- binary cross-entropy -----------------------------------------------------------

def test_bce_matches_sklearn_log_loss():
    expected = log_loss(Y01, sigmoid(Z), labels=[0, 1])
    np.testing.assert_allclose(binary_cross_entropy(Z, Y01), expected, rtol=1e-5)


def test_bce_scalar_and_jitted():
    # One sample: -log(sigmoid(z)) for y = 1.
    np.testing.assert_allclose(binary_cross_entropy(jnp.float32(0.7), jnp.float32(1.0)),
                               -np.log(sigmoid(0.7)), rtol=1e-6)
    np.testing.assert_allclose(jax.jit(binary_cross_entropy)(Z, Y01),
                               binary_cross_entropy(Z, Y01), rtol=1e-6)
    # Targets closed over by a jitted function are concrete while the logits are traced.
    targets = jnp.asarray(Y01)
    np.testing.assert_allclose(jax.jit(lambda z: binary_cross_entropy(z, targets))(Z),
                               binary_cross_entropy(Z, Y01), rtol=1e-6)


def test_bce_is_stable_for_huge_logits():
    # log(1 + e^z) - y z: exactly 0 when confidently right, exactly |z| when wrong.
    z = jnp.array([1000.0, -1000.0, 1000.0, -1000.0])
    y = jnp.array([1.0, 0.0, 0.0, 1.0])
    per_sample = [0.0, 0.0, 1000.0, 1000.0]
    np.testing.assert_allclose(binary_cross_entropy(z, y), np.mean(per_sample))
    assert np.isfinite(jax.grad(binary_cross_entropy)(z, y)).all()


def test_bce_gradient_matches_hand_formula_and_check_grads():
    # d/dz [softplus(z) - y z] / n = (sigmoid(z) - y) / n
    grad = jax.grad(binary_cross_entropy)(Z, Y01)
    np.testing.assert_allclose(grad, (sigmoid(Z) - Y01) / Z.size, rtol=1e-5, atol=1e-7)
    check_grads(jax.jit(lambda z: binary_cross_entropy(z, Y01)), (Z,), order=2,
                modes=["rev"])


# ---- softmax cross-entropy ----------------------------------------------------------

def test_softmax_ce_matches_sklearn_log_loss():
    expected = log_loss(LABELS, softmax(LOGITS.astype(np.float64)), labels=[0, 1, 2])
    np.testing.assert_allclose(softmax_cross_entropy(LOGITS, LABELS), expected, rtol=1e-5)


def test_softmax_ce_single_sample_and_jitted():
    one = softmax_cross_entropy(LOGITS[:1], LABELS[:1])
    np.testing.assert_allclose(one, -np.log(softmax(LOGITS[:1])[0, 0]), rtol=1e-5)
    np.testing.assert_allclose(jax.jit(softmax_cross_entropy)(LOGITS, LABELS),
                               softmax_cross_entropy(LOGITS, LABELS), rtol=1e-6)


def test_softmax_ce_is_stable_for_huge_logits():
    logits = jnp.array([[1000.0, 0.0], [0.0, 1000.0]])
    np.testing.assert_allclose(softmax_cross_entropy(logits, jnp.array([0, 0])), 500.0)


def test_softmax_ce_gradient_matches_hand_formula_and_check_grads():
    # d/dz = (softmax(z) - onehot(label)) / n
    grad = jax.grad(softmax_cross_entropy)(LOGITS, LABELS)
    expected = (softmax(LOGITS.astype(np.float64)) - np.eye(3)[LABELS]) / len(LABELS)
    np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)
    check_grads(jax.jit(lambda z: softmax_cross_entropy(z, LABELS)), (LOGITS,), order=2,
                modes=["rev"])


# ---- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("loss", [mean_squared_error, binary_cross_entropy])
def test_column_against_vector_is_an_error_not_a_broadcast(loss):
    first = "predictions" if loss is mean_squared_error else "logits"
    with pytest.raises(ValueError, match=rf"targets has shape \(5, 1\) but {first} has shape "
                                         r"\(5,\); they must match exactly; \(n,\) against "
                                         r"\(n, 1\) would silently broadcast"):
        loss(Z, Y01[:, None])


def test_shape_mismatch_is_caught_inside_jit():
    with pytest.raises(ValueError, match=r"targets has shape \(3,\) but predictions has "
                                         r"shape \(4,\); they must match exactly"):
        jax.jit(mean_squared_error)(P, T[:3])


@pytest.mark.parametrize("bad, dtype", [(np.array([1, 2, 3, 4]), "int64"),
                                        (np.array([True, False, True, True]), "bool")])
def test_non_float_predictions_are_a_type_error(bad, dtype):
    with pytest.raises(TypeError, match=rf"predictions must be a floating-point array "
                                        rf"\(float32\), got dtype {dtype}; convert it with"):
        mean_squared_error(bad, T)


def test_object_array_is_a_type_error():
    with pytest.raises(TypeError, match=r"targets must be a floating-point array .* got "
                                        r"dtype object"):
        mean_squared_error(P, np.array([1.0, "a", None, 2.0], dtype=object))


def test_python_numbers_are_accepted():
    assert mean_squared_error([1, 2], [1.0, 4.0]) == 2.0


def test_empty_arrays_are_an_error():
    with pytest.raises(ValueError, match=r"predictions must not be empty, got shape \(0,\)"):
        mean_squared_error(np.zeros(0, np.float32), np.zeros(0, np.float32))


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_values_are_an_error(value):
    bad = T.copy()
    bad[2] = value
    with pytest.raises(ValueError, match=r"targets must contain only finite values, got 1 "
                                         r"NaN/inf value\(s\) \(first at index \(2,\)\)"):
        mean_squared_error(P, bad)


def test_bce_targets_outside_0_1_are_an_error():
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\] .* got values in "
                                         r"\[-1, 1\]"):
        binary_cross_entropy(Z[:2], jnp.array([-1.0, 1.0]))


def test_softmax_ce_errors():
    with pytest.raises(ValueError, match=r"logits must have shape \(n, k\), got shape \(4,\)"):
        softmax_cross_entropy(P, LABELS)
    with pytest.raises(TypeError, match=r"labels must be an integer array of class labels, "
                                        r"got dtype float32"):
        softmax_cross_entropy(LOGITS, LABELS.astype(np.float32))
    with pytest.raises(ValueError, match=r"labels must have shape \(4,\), got shape \(4, 1\)"):
        softmax_cross_entropy(LOGITS, LABELS[:, None])
    with pytest.raises(ValueError, match=r"labels has shape \(3,\) but logits has shape "
                                         r"\(4, 3\); expected labels of shape \(4,\)"):
        softmax_cross_entropy(LOGITS, LABELS[:3])
    with pytest.raises(ValueError, match=r"labels must be class indices in \[0, 3\) for logits "
                                         r"with 3 columns, got values in \[0, 3\]"):
        softmax_cross_entropy(LOGITS, jnp.array([0, 1, 2, 3]))
