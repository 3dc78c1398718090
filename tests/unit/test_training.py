"""fit against closed-form least squares, scikit-learn and a hand-written loop;
compilation caching; fit_many against K separate fits; NaN/inf handling; accuracy."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score

from dl_workshop import data, losses, models, optimizers
from dl_workshop.training import FitResult, _run_chunk, _run_many, accuracy, fit, fit_many

KEY = jax.random.key(0)
MSE = losses.mean_squared_error
LINEAR_DATA = data.make_linear_data(KEY, n=100, w=[2.0, -1.0], b=0.5, noise_std=0.5)


def lstsq(x, y):
    """Closed-form least squares [w..., b] with NumPy (float64)."""
    design = np.c_[np.asarray(x, np.float64), np.ones(len(x))]
    return np.linalg.lstsq(design, np.asarray(y, np.float64), rcond=None)[0]


@pytest.fixture(scope="module")
def linear_fit():
    params = models.linear_init(jax.random.key(1), 2)
    return fit(models.linear_apply, MSE, optimizers.gradient_descent(0.05), params,
               LINEAR_DATA.x, LINEAR_DATA.y, steps=2000)


# ---- correctness --------------------------------------------------------------------

def test_linear_fit_recovers_closed_form_least_squares(linear_fit):
    assert isinstance(linear_fit, FitResult) and linear_fit.val_losses is None
    got = np.append(linear_fit.params["w"], linear_fit.params["b"])
    np.testing.assert_allclose(got, lstsq(LINEAR_DATA.x, LINEAR_DATA.y), atol=1e-4)
    assert linear_fit.losses.shape == (2000,)
    assert float(linear_fit.losses[-1]) < float(linear_fit.losses[0])


@pytest.mark.parametrize("opt", [optimizers.momentum(0.02), optimizers.adam(0.05)],
                         ids=["momentum", "adam"])
def test_other_optimizers_also_reach_least_squares(opt):
    ds = data.make_linear_data(KEY, n=50, w=1.5, b=-2.0, noise_std=0.3, x_range=(-2.0, 2.0))
    result = fit(models.linear_apply, MSE, opt, models.linear_init(KEY, 1), ds.x, ds.y,
                 steps=1500)
    got = np.append(result.params["w"], result.params["b"])
    np.testing.assert_allclose(got, lstsq(ds.x, ds.y), atol=2e-3)


def test_python_numbers_in_params_are_fine():
    result = fit(models.linear_apply, MSE, optimizers.adam(0.1), {"w": jnp.zeros(2), "b": 0.0},
                 LINEAR_DATA.x, LINEAR_DATA.y, steps=5)
    assert result.params["b"].dtype == jnp.float32 and result.params["b"].shape == ()


def test_losses_and_params_match_a_hand_written_loop():
    x, y = LINEAR_DATA.x[:20], LINEAR_DATA.y[:20]
    x_val, y_val = LINEAR_DATA.x[20:30], LINEAR_DATA.y[20:30]
    params = models.linear_init(KEY, 2)
    result = fit(models.linear_apply, MSE, optimizers.gradient_descent(0.01), params, x, y,
                 steps=5, x_val=x_val, y_val=y_val)
    # Reference: NumPy float64 gradient descent with the hand-derived MSE gradient.
    w, b = np.asarray(params["w"], np.float64), 0.0
    xs, ys = np.asarray(x, np.float64), np.asarray(y, np.float64)
    for t in range(5):
        residual = xs @ w + b - ys
        np.testing.assert_allclose(result.losses[t], np.mean(residual**2), rtol=1e-5)
        val_residual = np.asarray(x_val, np.float64) @ w + b - np.asarray(y_val)
        np.testing.assert_allclose(result.val_losses[t], np.mean(val_residual**2), rtol=1e-5)
        w, b = w - 0.01 * 2 * xs.T @ residual / 20, b - 0.01 * 2 * residual.mean()
    np.testing.assert_allclose(result.params["w"], w, rtol=1e-5)
    np.testing.assert_allclose(result.params["b"], b, rtol=1e-5)


def test_logistic_regression_matches_sklearn_held_out_accuracy(breast_cancer):
    x_train, y_train, x_test, y_test = breast_cancer
    result = fit(models.logistic_apply, losses.binary_cross_entropy, optimizers.adam(0.01),
                 models.logistic_init(KEY, 30), x_train, y_train, steps=2000,
                 x_val=x_test, y_val=y_test)
    ours = float(accuracy(models.logistic_apply(result.params, x_test), y_test))
    reference = LogisticRegression(max_iter=5000).fit(x_train, y_train).score(x_test, y_test)
    # Stated tolerance: within 0.03 (about 4 of the 143 test tumours) of scikit-learn.
    assert ours >= reference - 0.03, (ours, reference)
    assert result.val_losses.shape == (2000,)


def test_mlp_learns_the_breast_cancer_data(breast_cancer):
    x_train, y_train, x_test, y_test = breast_cancer
    apply = lambda p, x: models.mlp_apply(p, x)[:, 0]  # noqa: E731 (one output unit)
    result = fit(apply, losses.binary_cross_entropy, optimizers.adam(0.01),
                 models.mlp_init(KEY, [30, 8, 1]), x_train, y_train, steps=300)
    assert float(accuracy(apply(result.params, x_test), y_test)) > 0.93


def test_chunked_run_equals_single_run_and_shows_progress(capsys):
    x, y = LINEAR_DATA
    params = models.linear_init(KEY, 2)
    opt = optimizers.momentum(0.01)
    whole = fit(models.linear_apply, MSE, opt, params, x, y, steps=25)
    chunked = fit(models.linear_apply, MSE, opt, params, x, y, steps=25, chunk_size=10,
                  progress=True)
    np.testing.assert_allclose(chunked.losses, whole.losses, rtol=1e-6)
    np.testing.assert_allclose(chunked.params["w"], whole.params["w"], rtol=1e-6)
    assert "25/25" in capsys.readouterr().err


# ---- compile once -------------------------------------------------------------------
# Counted with JAX's own jit cache (one entry per compiled program) and, as a second
# witness, with a loss that counts how often JAX traces it (it only traces to compile).

def _counting_mse(traces):
    def loss(predictions, targets):
        traces.append(1)
        return MSE(predictions, targets)
    return loss


def test_fresh_optimizers_and_other_learning_rates_do_not_recompile():
    ds = data.make_linear_data(KEY, n=37, w=1.0, b=0.0)  # shapes no other test uses
    traces = []
    loss = _counting_mse(traces)

    def train(opt, params, x=ds.x, y=ds.y):
        return fit(models.linear_apply, loss, opt, params, x, y, steps=30)

    train(optimizers.gradient_descent(0.01), models.linear_init(KEY, 1))
    entries, n_traces = _run_chunk._cache_size(), len(traces)
    train(optimizers.gradient_descent(0.01), models.linear_init(KEY, 1))  # a new object
    train(optimizers.gradient_descent(0.2), models.linear_init(jax.random.key(5), 1))
    train(optimizers.gradient_descent(np.float32(0.05)), models.linear_init(KEY, 1), ds.x + 1)
    assert (_run_chunk._cache_size(), len(traces)) == (entries, n_traces)
    # Controls: a new data shape and a new optimizer kind each compile once more.
    train(optimizers.gradient_descent(0.01), models.linear_init(KEY, 1), ds.x[:20], ds.y[:20])
    assert _run_chunk._cache_size() == entries + 1 and len(traces) > n_traces
    train(optimizers.momentum(0.01), models.linear_init(KEY, 1))
    assert _run_chunk._cache_size() == entries + 2


@pytest.mark.parametrize("first, second", [
    (optimizers.momentum(0.01), optimizers.momentum(0.03, beta=0.5)),
    (optimizers.adam(0.01), optimizers.adam(0.1, b1=0.8, b2=0.99, eps=1e-6)),
], ids=["momentum", "adam"])
def test_another_optimizer_of_the_same_kind_does_not_recompile(first, second):
    ds = data.make_linear_data(KEY, n=41, w=[1.0, 2.0], b=0.0)
    args = (models.linear_apply, MSE)
    fit(*args, first, models.linear_init(KEY, 2), ds.x, ds.y, steps=20)
    entries = _run_chunk._cache_size()
    result = fit(*args, second, models.linear_init(KEY, 2), ds.x, ds.y, steps=20)
    assert _run_chunk._cache_size() == entries
    # ... and the cached program did use the second optimizer's hyperparameters.
    fresh = jax.jit(lambda p: fit_loop(second, p, ds.x, ds.y, 20))(models.linear_init(KEY, 2))
    np.testing.assert_allclose(result.params["w"], fresh["w"], rtol=1e-5)


def fit_loop(opt, params, x, y, steps):
    """A plain loop over the optimizer's own update (the reference for fit)."""
    state = opt.init(params)
    for _ in range(steps):
        grads = jax.grad(lambda p: MSE(models.linear_apply(p, x), y))(params)
        params, state = opt.update(grads, state, params)
    return params


def test_a_new_lambda_compiles_again_a_named_function_does_not():
    ds = data.make_linear_data(KEY, n=43, w=1.0, b=0.0)
    opt, params = optimizers.gradient_descent(0.01), models.linear_init(KEY, 1)

    def model(p, x):
        return models.linear_apply(p, x)

    fit(model, MSE, opt, params, ds.x, ds.y, steps=5)
    entries = _run_chunk._cache_size()
    fit(model, MSE, opt, params, ds.x, ds.y, steps=5)
    assert _run_chunk._cache_size() == entries
    fit(lambda p, x: models.linear_apply(p, x), MSE, opt, params, ds.x, ds.y, steps=5)
    assert _run_chunk._cache_size() == entries + 1


# ---- fit_many: K models in one call ---------------------------------------------------

def assert_rows_match_fits(many, singles):
    """Row k of fit_many's result equals the k-th separate fit, to float32 tolerance."""
    assert many.losses.shape == (len(singles), singles[0].losses.shape[0])
    for k, single in enumerate(singles):
        np.testing.assert_allclose(many.losses[k], single.losses, rtol=2e-5, atol=1e-6)
        for a, b in zip(jax.tree.leaves(many.params), jax.tree.leaves(single.params)):
            np.testing.assert_allclose(a[k], b, rtol=2e-5, atol=1e-6)
        if single.val_losses is not None:
            np.testing.assert_allclose(many.val_losses[k], single.val_losses, rtol=2e-5,
                                       atol=1e-6)


@pytest.mark.parametrize("make, rates", [
    (optimizers.gradient_descent, [0.001, 0.01, 0.05]),
    (optimizers.momentum, [0.001, 0.005, 0.01]),
    (optimizers.adam, [0.01, 0.05, 0.2]),
], ids=["gradient_descent", "momentum", "adam"])
def test_fit_many_over_learning_rates_matches_separate_fits(make, rates):
    x, y = LINEAR_DATA
    params = models.linear_init(KEY, 2)
    many = fit_many(models.linear_apply, MSE, make(jnp.array(rates)), params, x, y, steps=60)
    singles = [fit(models.linear_apply, MSE, make(r), params, x, y, steps=60) for r in rates]
    assert_rows_match_fits(many, singles)
    as_list = fit_many(models.linear_apply, MSE, [make(r) for r in rates], params, x, y,
                       steps=60)
    np.testing.assert_array_equal(as_list.losses, many.losses)


def test_fit_many_over_initial_params_of_an_mlp_with_held_out_data(breast_cancer):
    x_train, y_train, x_test, y_test = breast_cancer

    def logits(p, x):
        return models.mlp_apply(p, x)[:, 0]

    keys = jax.random.split(KEY, 4)
    stacked = jax.vmap(lambda k: models.mlp_init(k, [30, 8, 1]))(keys)
    opt = optimizers.momentum(0.05)
    many = fit_many(logits, losses.binary_cross_entropy, opt, stacked, x_train, y_train,
                    steps=50, x_val=x_test, y_val=y_test)
    singles = [fit(logits, losses.binary_cross_entropy, opt, models.mlp_init(k, [30, 8, 1]),
                   x_train, y_train, steps=50, x_val=x_test, y_val=y_test) for k in keys]
    assert many.val_losses.shape == (4, 50)
    assert_rows_match_fits(many, singles)


def test_fit_many_over_params_and_learning_rates_together():
    x, y = LINEAR_DATA
    keys = jax.random.split(KEY, 3)
    stacked = jax.vmap(lambda k: models.linear_init(k, 2))(keys)
    rates = [0.01, 0.02, 0.04]
    many = fit_many(models.linear_apply, MSE, optimizers.adam(jnp.array(rates)), stacked,
                    x, y, steps=40)
    singles = [fit(models.linear_apply, MSE, optimizers.adam(r), models.linear_init(k, 2),
                   x, y, steps=40) for k, r in zip(keys, rates)]
    assert_rows_match_fits(many, singles)


def test_fit_many_keeps_diverging_models_and_compiles_once_per_k():
    x, y = LINEAR_DATA
    params = models.linear_init(KEY, 2)
    sweep = fit_many(models.linear_apply, MSE, optimizers.gradient_descent(
        jnp.array([0.01, 0.05, 1.5])), params, x, y, steps=300)
    finite = np.isfinite(np.asarray(sweep.losses)).all(axis=1)
    assert finite.tolist() == [True, True, False]  # 1.5 diverges, as in fit's own test
    alone = fit(models.linear_apply, MSE, optimizers.gradient_descent(0.05), params, x, y,
                steps=300)
    np.testing.assert_allclose(sweep.losses[1], alone.losses, rtol=2e-5, atol=1e-6)
    entries = _run_many._cache_size()
    fit_many(models.linear_apply, MSE, optimizers.gradient_descent(jnp.array([0.2, 0.3, 0.4])),
             params, x, y, steps=300)
    assert _run_many._cache_size() == entries


@pytest.mark.parametrize("kwargs, error, message", [
    ({}, ValueError, r"fit_many trains K models but got one optimizer with single "
                     r"hyperparameter values and one params tree"),
    ({"optimizer": optimizers.gradient_descent(jnp.array([0.1, 0.2])),
      "params": jax.vmap(lambda k: models.linear_init(k, 2))(jax.random.split(KEY, 3))},
     ValueError, r"optimizer and params must describe the same number of models K, got "
                 r"optimizer with learning_rate of shape \(2,\) and params with a leading "
                 r"axis of size 3"),
    ({"optimizer": optimizers.momentum(jnp.array([0.1, 0.2]), beta=jnp.array([0.5] * 3))},
     ValueError, r"optimizer hyperparameters must all have the same length K, got "
                 r"learning_rate of shape \(2,\), beta of shape \(3,\)"),
    ({"optimizer": [optimizers.momentum(0.1), optimizers.adam(0.1)]}, ValueError,
     r"optimizer\[1\] is adam but optimizer\[0\] is momentum; "
     r"fit_many trains K models with one kind of optimizer"),
    ({"optimizer": []}, ValueError, r"optimizer must be an Optimizer or a non-empty list"),
    ({"optimizer": [optimizers.adam(0.1), 0.1]}, TypeError,
     r"optimizer\[1\] must be an Optimizer such as gradient_descent\(0.1\), got float"),
    ({"optimizer": optimizers.gradient_descent(0.1), "params": {"w": jnp.ones((3, 5)),
                                                                "b": jnp.zeros(3)}},
     ValueError, r"params must be one params tree that model_apply accepts, or K of them "
                 r"stacked along a leading axis of size K; read as one tree, they fail with: "
                 r"params\['w'\] must have shape \(d,\), got shape \(3, 5\)"),
])
def test_fit_many_bad_input_messages(kwargs, error, message):
    args = {"model_apply": models.linear_apply, "loss": MSE,
            "optimizer": optimizers.gradient_descent(0.1), "params": P, "x": X, "y": Y,
            "steps": 3, **kwargs}
    with pytest.raises(error, match=message):
        fit_many(**args)


# ---- NaN and inf ---------------------------------------------------------------------

def test_divergence_names_the_first_bad_step_and_learning_rate():
    x, y = LINEAR_DATA
    args = (models.linear_apply, MSE, optimizers.gradient_descent(1.5),
            models.linear_init(KEY, 2), x, y)
    with pytest.raises(FloatingPointError, match=r"loss became inf at step (\d+) with "
                                                 r"learning_rate=1.5; try a smaller") as err:
        fit(*args, steps=300, chunk_size=7)
    step = int(err.value.args[0].split("at step ")[1].split()[0])
    # Independent check: one step fewer trains without error, and the loss at the
    # returned params (i.e. at step `step`) is indeed inf.
    result = fit(*args, steps=step)
    assert np.isfinite(result.losses).all()
    assert not np.isfinite(MSE(models.linear_apply(result.params, x), y))


def test_nan_loss_is_reported_as_nan():
    x, y = LINEAR_DATA
    nan_once_fitted = lambda p, t: jnp.sqrt(MSE(p, t) - 1.0)  # noqa: E731 (NaN once MSE < 1)
    with pytest.raises(FloatingPointError, match=r"loss became nan at step \d+ with "
                                                 r"learning_rate=0.05"):
        fit(models.linear_apply, nan_once_fitted, optimizers.gradient_descent(0.05),
            models.linear_init(KEY, 2), x, y, steps=500)


def test_non_finite_held_out_loss_is_an_error():
    x, y = LINEAR_DATA
    with pytest.raises(FloatingPointError, match=r"held-out loss became inf at step 0 with "
                                                 r"learning_rate=0.01"):
        fit(models.linear_apply, MSE, optimizers.gradient_descent(0.01),
            models.linear_init(KEY, 2), x, y, steps=3, x_val=x[:5] * 1e20, y_val=y[:5])


def test_non_finite_final_params_are_an_error():
    x, y = LINEAR_DATA
    with pytest.raises(FloatingPointError, match=r"params became NaN or inf in the update at "
                                                 r"step 0 with learning_rate=1e\+38"):
        fit(models.linear_apply, MSE, optimizers.gradient_descent(1e38),
            models.linear_init(KEY, 2), x, y, steps=1)


# ---- accuracy ------------------------------------------------------------------------

def test_accuracy_matches_sklearn_scalar_batched_and_jitted():
    logits = np.array([2.0, -1.0, 0.5, -0.2, 0.0], np.float32)
    targets = np.array([1.0, 0.0, 0.0, 0.0, 1.0], np.float32)
    expected = accuracy_score(targets, logits > 0)
    np.testing.assert_allclose(accuracy(logits, targets), expected, rtol=1e-6)
    np.testing.assert_allclose(jax.jit(accuracy)(logits, targets), expected, rtol=1e-6)
    assert accuracy(jnp.float32(3.0), jnp.float32(1.0)) == 1.0
    assert accuracy(logits, targets.astype(np.int32)) == pytest.approx(expected)


# ---- bad input -----------------------------------------------------------------------

P = models.linear_init(KEY, 2)
X, Y = LINEAR_DATA
GD = optimizers.gradient_descent(0.1)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"model_apply": "linear"}, TypeError, r"model_apply must be a function, got str"),
    ({"loss": None}, TypeError, r"loss must be a function, got NoneType"),
    ({"optimizer": 0.1}, TypeError,
     r"optimizer must be an Optimizer such as gradient_descent\(0.1\), got float"),
    ({"optimizer": [GD, GD]}, TypeError,
     r"optimizer must be an Optimizer such as gradient_descent\(0.1\), got list; to train "
     r"several models use fit_many"),
    ({"optimizer": optimizers.gradient_descent(jnp.array([0.1, 0.2]))}, ValueError,
     r"optimizer has learning_rate of shape \(2,\), one value per model; fit trains one "
     r"model: give one value, or use fit_many to train 2 models at once"),
    ({"steps": 0}, ValueError, r"steps must be an integer >= 1, got 0"),
    ({"steps": 10.0}, TypeError, r"steps must be an integer, got float 10.0"),
    ({"chunk_size": 0}, ValueError, r"chunk_size must be an integer >= 1, got 0"),
    ({"params": {}}, TypeError, r"params must be a pytree of arrays such as linear_init"),
    ({"params": {"w": jnp.array([1, 2]), "b": 0.0}}, TypeError,
     r"params\['w'\] must be a floating-point array \(float32\), got dtype int32"),
    ({"params": {"w": jnp.array([1.0, jnp.nan]), "b": 0.0}}, ValueError,
     r"params\['w'\] must contain only finite values, got 1 NaN/inf value\(s\) \(first at "
     r"index \(1,\)\)"),
    ({"params": {"w": [0.0, 0.0], "b": 0.0}}, TypeError,
     r"params\['w'\] must be an array, got a list that NumPy cannot convert; build it with "
     r"jnp.array\(...\)"),
    ({"params": {"w": jnp.ones(2), "c": 0.0}}, TypeError,
     r"params must be a dict with keys \['b', 'w'\], got \['c', 'w'\]"),
    ({"params": {"w": jnp.ones(3), "b": 0.0}}, ValueError,
     r"x must have shape \(n, 3\), or \(3,\) for one example, to match the weights, got "
     r"shape \(100, 2\)"),
    ({"x": X.astype(jnp.int32)}, TypeError,
     r"x must be a floating-point array \(float32\), got dtype int32"),
    ({"x": np.zeros((0, 2), np.float32), "y": np.zeros(0, np.float32)}, ValueError,
     r"x must not be empty, got shape \(0, 2\)"),
    ({"x": 1.0}, ValueError, r"x must have shape \(n, d\), got a scalar"),
    ({"y": Y[:50]}, ValueError,
     r"y must have one target per row of x: expected shape \(100,\), got shape \(50,\)"),
    ({"y": Y.at[3].set(jnp.inf)}, ValueError, r"y must contain only finite values"),
    ({"y": Y > 0}, TypeError, r"y must be a floating-point array \(float32\), got dtype bool"),
    ({"y": Y[:, None]}, ValueError,
     r"y must have shape \(100,\), got shape \(100, 1\); a column of targets would "
     r"broadcast against predictions of shape \(n,\). Use y.reshape\(-1\)"),
    ({"x_val": X}, ValueError,
     r"x_val and y_val must be given together, got x_val=an array and y_val=None"),
    ({"x_val": X[:, :1], "y_val": Y}, ValueError,
     r"x_val must have shape \(m, 2\) like x \(100, 2\) and y_val the dtype of y "
     r"\(float32\), got x_val \(100, 1\) and y_val dtype float32"),
])
def test_bad_input_messages(kwargs, error, message):
    args = {"model_apply": models.linear_apply, "loss": MSE, "optimizer": GD, "params": P,
            "x": X, "y": Y, "steps": 3, **kwargs}
    with pytest.raises(error, match=message):
        fit(**args)


@pytest.mark.parametrize("call, error, message", [
    (lambda: accuracy(jnp.ones(3), jnp.ones((3, 1))), ValueError,
     r"targets has shape \(3, 1\) but logits has shape \(3,\)"),
    (lambda: accuracy(jnp.ones(2), jnp.array([0.0, 2.0])), ValueError,
     r"targets must be 0/1 labels, got values \[0.0, 2.0\]"),
    (lambda: accuracy(jnp.array([1, 0]), jnp.array([1.0, 0.0])), TypeError,
     r"logits must be a floating-point array \(float32\), got dtype int32"),
])
def test_accuracy_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
