"""The stretched bowl and optimizer trajectories on it, against hand computation and optax."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from dl_workshop import optimizers
from dl_workshop.trajectories import stretched_bowl, trajectory

START = jnp.array([-4.0, 1.5])


def test_bowl_value_and_gradient_by_hand():
    p = jnp.array([3.0, -2.0])
    assert float(stretched_bowl(p, stretch=5.0)) == pytest.approx((9 + 5 * 4) / 2)
    np.testing.assert_allclose(jax.grad(stretched_bowl)(p, 5.0), [3.0, -10.0])


def test_bowl_on_a_grid_of_points():
    grid = jnp.stack(jnp.meshgrid(jnp.linspace(-1, 1, 4), jnp.linspace(-1, 1, 3)), axis=-1)
    values = stretched_bowl(grid)
    assert values.shape == (3, 4)
    np.testing.assert_allclose(values, (grid[..., 0] ** 2 + 10 * grid[..., 1] ** 2) / 2)


def test_gradient_descent_trajectory_is_the_closed_form():
    # On a quadratic, each coordinate shrinks by (1 - lr * curvature) per step.
    lr, steps = 0.05, 30
    path = trajectory(stretched_bowl, optimizers.gradient_descent(lr), START, steps)
    t = np.arange(steps + 1)[:, None]
    expected = np.asarray(START) * (1 - lr * np.array([1.0, 10.0])) ** t
    np.testing.assert_allclose(path, expected, rtol=1e-4, atol=1e-6)


def optax_trajectory(tx, steps):
    def step(carry, _):
        point, state = carry
        updates, state = tx.update(jax.grad(stretched_bowl)(point), state, point)
        point = optax.apply_updates(point, updates)
        return (point, state), point

    _, points = jax.lax.scan(step, (START, tx.init(START)), None, length=steps)
    return jnp.concatenate([START[None], points])


@pytest.mark.parametrize("ours, reference", [
    (optimizers.momentum(0.05, beta=0.9), optax.sgd(0.05, momentum=0.9)),
    (optimizers.momentum(0.02, beta=0.5), optax.sgd(0.02, momentum=0.5)),
    (optimizers.adam(0.3), optax.adam(0.3)),
    (optimizers.adam(0.1, b1=0.8, b2=0.99), optax.adam(0.1, b1=0.8, b2=0.99)),
], ids=["momentum-0.9", "momentum-0.5", "adam", "adam-custom"])
def test_2d_trajectories_match_optax_to_float32_tolerance(ours, reference):
    steps = 100
    path = trajectory(stretched_bowl, ours, START, steps)
    assert path.shape == (steps + 1, 2)
    np.testing.assert_allclose(path, optax_trajectory(reference, steps), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("call, error, message", [
    (lambda: stretched_bowl(jnp.ones(3)), ValueError,
     r"point must have shape \(2,\) or \(\.\.\., 2\), got shape \(3,\)"),
    (lambda: trajectory("bowl", optimizers.adam(0.1), START, 5), TypeError,
     r"loss must be a function of the point, got str"),
    (lambda: trajectory(stretched_bowl, optax.adam, START, 5), TypeError,
     r"optimizer must have init and update, such as optimizers.adam\(0.1\), got function"),
    (lambda: trajectory(stretched_bowl, optimizers.adam(0.1), jnp.ones((2, 1)), 5), ValueError,
     r"start must have shape \(d,\), got shape \(2, 1\)"),
    (lambda: trajectory(stretched_bowl, optimizers.adam(0.1), START, 0), ValueError,
     r"steps must be an integer >= 1, got 0"),
])
def test_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()
