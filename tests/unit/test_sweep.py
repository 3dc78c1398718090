"""Chapter 6's learning-rate sweep: one fit_many call gives what separate fit calls give.

The sweep is the chapter's own (the constant model of chapter 2 on the targets 2 and 4,
24 learning rates, 5 steps), and a second one on the linear model includes a learning
rate that diverges: fit stops with an error there, fit_many carries on, and the other
rates agree.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop import data, losses, models, optimizers, training


def constant_model(params, x):
    return jnp.full(x.shape[0], params["w"])


def test_chapter_sweep_matches_separate_fits():
    x, y = jnp.zeros((2, 1)), jnp.array([2.0, 4.0])
    start = {"w": jnp.array(0.0)}
    rates = jnp.linspace(0.05, 1.2, 24)
    sweep = training.fit_many(constant_model, losses.mean_squared_error,
                              optimizers.gradient_descent(rates), start, x, y, steps=5)
    assert sweep.losses.shape == (24, 5)
    for k, rate in enumerate(np.asarray(rates)):
        single = training.fit(constant_model, losses.mean_squared_error,
                              optimizers.gradient_descent(float(rate)), start, x, y, steps=5)
        np.testing.assert_allclose(sweep.losses[k], single.losses, rtol=1e-5)
        np.testing.assert_allclose(sweep.params["w"][k], single.params["w"], rtol=1e-5,
                                   atol=1e-6)
    # Chapter 2's analysis: loss 1 + 9 (1 - 2 eta)^(2 t) after t updates; best at eta = 0.5.
    final = (np.asarray(sweep.params["w"], np.float64) - 3.0) ** 2 + 1.0
    np.testing.assert_allclose(final, 1 + 9 * (1 - 2 * np.asarray(rates, np.float64)) ** 10,
                               rtol=1e-4)
    distance = np.abs(np.asarray(sweep.params["w"]) - 3.0)
    assert float(rates[int(np.argmin(distance))]) == pytest.approx(0.5)


def test_sweep_with_a_divergent_rate_matches_fit_where_fit_finishes():
    ds = data.make_linear_data(jax.random.key(0), n=50, w=2.0, b=-1.0, noise_std=1.0)
    params = {"w": jnp.zeros(1), "b": jnp.zeros(())}
    rates = [0.005, 0.02, 0.05, 3.0]
    sweep = training.fit_many(models.linear_apply, losses.mean_squared_error,
                              optimizers.gradient_descent(jnp.array(rates)), params,
                              ds.x, ds.y, steps=200)
    for k, rate in enumerate(rates[:-1]):
        single = training.fit(models.linear_apply, losses.mean_squared_error,
                              optimizers.gradient_descent(rate), params, ds.x, ds.y, steps=200)
        np.testing.assert_allclose(sweep.losses[k], single.losses, rtol=1e-4)
    with pytest.raises(FloatingPointError, match="learning_rate"):
        training.fit(models.linear_apply, losses.mean_squared_error,
                     optimizers.gradient_descent(rates[-1]), params, ds.x, ds.y, steps=200)
    assert not np.isfinite(np.asarray(sweep.losses[-1, -1]))
