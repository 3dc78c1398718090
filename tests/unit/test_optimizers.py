"""Optimizers by hand and against optax trajectories (optax is a test-only reference)."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

from dl_workshop.optimizers import (AdamState, GradientDescentState, MomentumState, adam,
                                    gradient_descent, momentum)

# A nested params tree and a non-quadratic objective, so trajectories are not trivial.
PARAMS = {"w": jnp.array([1.0, -2.0, 0.5]), "layers": [{"b": jnp.array(0.3)}]}


def _objective(p):
    return jnp.sum(p["w"] ** 4) / 4 + jnp.sum(jnp.cos(p["w"])) + (p["layers"][0]["b"] - 1) ** 2


objective = jax.jit(_objective)


def run_ours(opt, steps):
    params, state = PARAMS, opt.init(PARAMS)
    update = jax.jit(opt.update)
    trajectory = []
    for _ in range(steps):
        params, state = update(jax.grad(objective)(params), state, params)
        trajectory.append(params)
    return trajectory


def run_optax(tx, steps):
    params, state = PARAMS, tx.init(PARAMS)
    trajectory = []
    for _ in range(steps):
        updates, state = tx.update(jax.grad(objective)(params), state, params)
        params = optax.apply_updates(params, updates)
        trajectory.append(params)
    return trajectory


def assert_same_trajectory(ours, reference):
    for step, (a, b) in enumerate(zip(ours, reference)):
        for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)):
            np.testing.assert_allclose(x, y, rtol=2e-5, atol=1e-6, err_msg=f"step {step}")


@pytest.mark.parametrize("ours, reference", [
    (gradient_descent(0.05), optax.sgd(0.05)),
    (momentum(0.02, beta=0.9), optax.sgd(0.02, momentum=0.9)),
    (momentum(0.05, beta=0.5), optax.sgd(0.05, momentum=0.5)),
    (adam(0.1), optax.adam(0.1)),
    (adam(0.03, b1=0.8, b2=0.99, eps=1e-6), optax.adam(0.03, b1=0.8, b2=0.99, eps=1e-6)),
], ids=["sgd", "momentum-0.9", "momentum-0.5", "adam", "adam-custom"])
def test_trajectory_follows_optax(ours, reference):
    assert_same_trajectory(run_ours(ours, 40), run_optax(reference, 40))


def test_gradient_descent_one_step_by_hand_on_a_scalar():
    opt = gradient_descent(0.1)
    new, state = opt.update(jnp.float32(4.0), opt.init(jnp.float32(2.0)), jnp.float32(2.0))
    np.testing.assert_allclose(new, 2.0 - 0.1 * 4.0)
    assert state == GradientDescentState() and opt.learning_rate == 0.1


def test_momentum_two_steps_by_hand():
    opt = momentum(0.1, beta=0.5)
    p, s = opt.update(jnp.array([1.0]), opt.init(jnp.array([0.0])), jnp.array([0.0]))
    p, s = opt.update(jnp.array([2.0]), s, p)
    # v1 = 1, p1 = -0.1; v2 = 2 + 0.5 * 1 = 2.5, p2 = -0.1 - 0.25
    assert isinstance(s, MomentumState)
    np.testing.assert_allclose(s.velocity, [2.5])
    np.testing.assert_allclose(p, [-0.35], rtol=1e-6)


def test_adam_first_step_is_learning_rate_times_sign():
    # With bias correction, the first step is lr * g / (|g| + eps) for every coordinate.
    opt = adam(0.01)
    p, s = opt.update(jnp.array([3.0, -0.002]), opt.init(jnp.zeros(2)), jnp.zeros(2))
    np.testing.assert_allclose(p, [-0.01, 0.01], rtol=1e-4)
    assert isinstance(s, AdamState) and int(s.count) == 1


def test_update_is_jittable_and_batched_over_a_pytree():
    opt = adam(0.1)
    state = opt.init(PARAMS)
    grads = jax.grad(objective)(PARAMS)
    eager = opt.update(grads, state, PARAMS)
    jitted = jax.jit(opt.update)(grads, state, PARAMS)
    for a, b in zip(jax.tree.leaves(eager), jax.tree.leaves(jitted)):
        np.testing.assert_allclose(a, b, rtol=1e-6)


# ---- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: gradient_descent(0.0), ValueError, r"learning_rate must be in \(0.0, inf\], got 0.0"),
    (lambda: gradient_descent(-0.1), ValueError,
     r"learning_rate must be in \(0.0, inf\], got -0.1"),
    (lambda: gradient_descent("0.1"), TypeError, r"learning_rate must be a real number, got str"),
    (lambda: gradient_descent(True), TypeError, r"learning_rate must be a real number, got bool"),
    (lambda: gradient_descent(float("nan")), ValueError, r"learning_rate must be finite, got nan"),
    (lambda: momentum(0.1, beta=1.0), ValueError, r"beta must be in \[0.0, 1.0\), got 1.0"),
    (lambda: adam(0.1, b1=-0.1), ValueError, r"b1 must be in \[0.0, 1.0\), got -0.1"),
    (lambda: adam(0.1, b2=1.5), ValueError, r"b2 must be in \[0.0, 1.0\), got 1.5"),
    (lambda: adam(0.1, eps=0.0), ValueError, r"eps must be in \(0.0, inf\], got 0.0"),
    # One value per model (training.fit_many): each is checked and named by its index.
    (lambda: gradient_descent(jnp.array([0.1, -0.2])), ValueError,
     r"learning_rate\[1\] must be in \(0.0, inf\], got -0.2"),
    (lambda: momentum(0.1, beta=np.array([0.9, 1.0])), ValueError,
     r"beta\[1\] must be in \[0.0, 1.0\), got 1.0"),
    (lambda: adam(jnp.array([0.1, jnp.inf])), ValueError,
     r"learning_rate\[1\] must be finite, got inf"),
    (lambda: gradient_descent(jnp.ones((2, 2))), ValueError,
     r"learning_rate must be a number or a 1-d array of K >= 1 values \(one per model\), "
     r"got shape \(2, 2\)"),
    (lambda: gradient_descent(jnp.array([])), ValueError,
     r"learning_rate must be a number or a 1-d array of K >= 1 values \(one per model\), "
     r"got shape \(0,\)"),
    (lambda: gradient_descent(np.array(["0.1", "0.2"])), TypeError,
     r"learning_rate must be a number or an array of numbers, got ndarray of dtype <U3"),
])
def test_bad_hyper_parameters(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---- optimizers are data -------------------------------------------------------------------

@pytest.mark.parametrize("make", [gradient_descent, momentum, adam])
def test_same_kind_same_tree_structure_hyperparameters_are_leaves(make):
    a, b = make(0.1), make(0.3)
    assert jax.tree.structure(a) == jax.tree.structure(b)
    assert hash(jax.tree.structure(a)) == hash(jax.tree.structure(b))
    assert 0.3 in jax.tree.leaves(b) and 0.1 not in jax.tree.leaves(b)
    others = [k(0.1) for k in (gradient_descent, momentum, adam) if k is not make]
    assert all(jax.tree.structure(o) != jax.tree.structure(a) for o in others)


def test_a_jitted_function_of_the_optimizer_compiles_once_per_kind():
    @jax.jit
    def step(opt, params):
        return opt.update(jax.grad(objective)(params), opt.init(params), params)[0]

    step(gradient_descent(0.05), PARAMS)
    entries = step._cache_size()
    for lr in (0.01, 0.02, 0.03):
        new = step(gradient_descent(lr), PARAMS)
        expected = PARAMS["w"] - lr * jax.grad(objective)(PARAMS)["w"]
        np.testing.assert_allclose(new["w"], expected, rtol=1e-6)
    assert step._cache_size() == entries
    step(momentum(0.01), PARAMS)
    assert step._cache_size() == entries + 1


@pytest.mark.parametrize("make", [gradient_descent, momentum, adam])
def test_vmap_over_per_model_learning_rates_matches_one_optimizer_each(make):
    rates = jnp.array([0.01, 0.05, 0.2])
    opt = make(rates)
    assert opt.learning_rate.shape == (3,)
    grads = jax.grad(objective)(PARAMS)

    def one(o):
        return o.update(grads, o.init(PARAMS), PARAMS)[0]

    batched = jax.vmap(one, in_axes=(jax.tree.map(lambda h: 0 if jnp.ndim(h) else None, opt),))(opt)
    for k, rate in enumerate(rates.tolist()):
        single = one(make(rate))
        for a, b in zip(jax.tree.leaves(batched), jax.tree.leaves(single)):
            np.testing.assert_allclose(a[k], b, rtol=1e-6)


def test_learning_rate_may_be_a_0d_array():
    assert gradient_descent(np.float32(0.5)).learning_rate == 0.5
    assert gradient_descent(jnp.array(0.25)).learning_rate == 0.25


@pytest.mark.parametrize("make", [gradient_descent, momentum, adam])
def test_grads_of_the_wrong_structure(make):
    opt = make(0.1)
    params = {"w": jnp.ones(2), "b": jnp.zeros(())}
    with pytest.raises(ValueError, match=r"grads must have the same tree structure as params: "
                                         r"expected PyTreeDef\(\{'b': \*, 'w': \*\}\), got "
                                         r"PyTreeDef\(\{'w': \*\}\)"):
        opt.update({"w": jnp.ones(2)}, opt.init(params), params)
    with pytest.raises(ValueError, match=r"grads\['w'\] must have shape \(2,\) like "
                                         r"params\['w'\], got shape \(2, 1\)"):
        opt.update({"w": jnp.ones((2, 1)), "b": jnp.zeros(())}, opt.init(params), params)


def test_state_from_another_optimizer_is_a_type_error():
    params = jnp.ones(2)
    with pytest.raises(TypeError, match=r"state must be the AdamState returned by adam\(...\)"
                                        r".init\(params\), got MomentumState"):
        adam(0.1).update(params, momentum(0.1).init(params), params)
