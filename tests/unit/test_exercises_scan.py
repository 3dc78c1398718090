"""Chapter 7 (jax.lax.scan) answer checks: table-driven, realistic wrong answers with
the hint each must produce, and correct variants that must be accepted."""

import jax
import jax.numpy as jnp
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, verdict, wrong_cases

from dl_workshop import exercises as ex


# ---- running minimum ------------------------------------------------------------------

def python_if(best, loss):
    if loss < best:
        best = loss
    return best, best


MIN_CORRECT = [
    lambda b, l: (jnp.minimum(b, l), jnp.minimum(b, l)),
    lambda b, l: (jnp.where(l < b, l, b),) * 2,
    lambda b, l: (jnp.min(jnp.stack([b, l])),) * 2,
]
MIN_WRONG = [
    (python_if, "Python's `if`, `min` and `max` cannot look at them"),
    (lambda b, l: (min(b, l),) * 2, "Python's `if`, `min` and `max` cannot look at them"),
    (lambda b, l: (jnp.maximum(b, l),) * 2, "as with the running maximum"),
    (lambda b, l: (jnp.minimum(b, l), l), "your outputs are the losses themselves"),
    (lambda b, l: (b, jnp.minimum(b, l)), "the carry never changes"),
    (lambda b, l: (jnp.minimum(b, l), b), "your outputs are one round late"),
    (lambda b, l: jnp.minimum(b, l), "a scan step returns a pair (new carry, output)"),
    (lambda b, l: (jnp.minimum(b, l), None), "your step returns None as its output"),
    (lambda b, l: (jnp.minimum(b, l)[None],) * 2, "the carry changed its shape or dtype"),
]


# ---- exponential moving average -------------------------------------------------------

EMA_CORRECT = [
    lambda a, v: (0.9 * a + 0.1 * v,) * 2,
    lambda a, v: (a + 0.1 * (v - a),) * 2,
    jax.jit(lambda a, v: (jnp.asarray(0.9) * a + (1 - 0.9) * v,) * 2),
]
EMA_WRONG = [
    (lambda a, v: (0.1 * a + 0.9 * v,) * 2, "the weights are swapped"),
    (lambda a, v: (0.9 * a + v,) * 2, "the weights must add up to 1"),
    (lambda a, v: (a + 0.1 * v,) * 2, "the weights must add up to 1"),
    (lambda a, v: (0.9 * a + 0.1 * v, v), "your outputs are the values themselves"),
    (lambda a, v: (a, 0.9 * a + 0.1 * v), "the carry never changes"),
    (lambda a, v: (0.9 * a + 0.1 * v, a), "your outputs are one round late"),
    (lambda a, v: 0.9 * a + 0.1 * v, "a scan step returns a pair"),
    (lambda a, v: (jnp.full(2, 0.9 * a + 0.1 * v),) * 2, "the carry changed its shape"),
]


# ---- training loop as a scan ----------------------------------------------------------

def mse(params, x, y):
    return jnp.mean((x @ params["w"] + params["b"] - y) ** 2)


def scan_trainer(*, carry_new=True, after=False, sign=1.0, length=None, order=1,
                 summed=False, no_length=False):
    """A reader's train_scan, with switches for the documented mistakes."""
    def train(params, x, y, lr, steps):
        loss_of = (lambda p, x, y: mse(p, x, y) * len(y)) if summed else mse

        def step(p, _):
            loss, grads = jax.value_and_grad(loss_of)(p, x, y)
            new = jax.tree.map(lambda a, g: a - sign * lr * g, p, grads)
            return (new if carry_new else p), (loss_of(new, x, y) if after else loss)

        if no_length:
            out = jax.lax.scan(step, params, None)
        else:
            out = jax.lax.scan(step, params, None, length=length or steps)
        return out[::order]
    return train


def loop_trainer(params, x, y, lr, steps):
    step = jax.jit(lambda p: (jax.tree.map(lambda a, g: a - lr * g, p, jax.grad(mse)(p, x, y)),
                              mse(p, x, y)))
    recorded = []
    for _ in range(steps):
        params, loss = step(params)
        recorded.append(loss)
    return params, jnp.stack(recorded)


TRAIN_CORRECT = [
    scan_trainer(),
    jax.jit(scan_trainer(), static_argnums=4),
    loop_trainer,
]
TRAIN_WRONG = [
    (scan_trainer(carry_new=False), "the carry is the old params"),
    (scan_trainer(after=True), "each loss is recorded after its update"),
    (scan_trainer(sign=-1.0), "sign error"),
    (scan_trainer(length=29), "expected 30 losses (one per step), got 29"),
    (scan_trainer(order=-1), "return (params, losses) in that order"),
    (scan_trainer(no_length=True), "with xs=None, jax.lax.scan needs the number of rounds"),
    (scan_trainer(summed=True), "training diverged: average (not sum) the loss"),
    (lambda p, x, y, lr, s: scan_trainer()(p, x, y, lr, s)[0],
     "should return a pair (params dict"),
]


@pytest.mark.parametrize("check", [ex.check_running_minimum, ex.check_ema_step,
                                   ex.check_train_scan], ids=lambda c: c.__name__)
def test_a_value_instead_of_a_function_is_a_hint(check, capsys):
    ok, line = verdict(check, jnp.zeros(3), capsys)
    assert not ok and "pass your function itself" in line


WRONG = {
    ex.check_running_minimum: MIN_WRONG,
    ex.check_ema_step: EMA_WRONG,
    ex.check_train_scan: TRAIN_WRONG,
}
CORRECT = {
    ex.check_running_minimum: MIN_CORRECT,
    ex.check_ema_step: EMA_CORRECT,
    ex.check_train_scan: TRAIN_CORRECT,
}


@pytest.mark.parametrize("check, fn, hint", wrong_cases(WRONG))
def test_wrong_answers_get_their_hint(check, fn, hint, capsys):
    assert_hint(check, fn, hint, capsys)


@pytest.mark.parametrize("check, fn", correct_cases(CORRECT))
def test_correct_variants_are_accepted(check, fn, capsys):
    assert_correct(check, fn, capsys)
