"""Chapter 1's checkers: predict(w, b, x) and mse(predictions, targets).

Wrong answers are what a reader might really write; each must get its hint.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases

from dl_workshop.exercises import check_mse, check_predict


def predict_in_place(w, b, x):
    x *= w          # modifies a NumPy x that the caller still uses
    x += b
    return x


def predict_hard_coded(w, b, x):
    return jnp.array([w * x[i] + b for i in range(5)])


def mse_in_place(p, t):
    p -= t
    return (p ** 2).mean()


WRONG = {
    check_predict: [
        (lambda w, b, x: w * x, "you forgot the bias: add b to w * x"),
        (lambda w, b, x: w * x * b, "you multiplied by b"),
        (lambda w, b, x: w * x - b, "check the sign of the bias"),
        (lambda w, b, x: b * x + w, "w and b are swapped"),
        (lambda w, b, x: w * (x + b), "brackets: w * (x + b)"),
        (lambda w, b, x: [w * xi + b for xi in x],
         "returned a Python list, not an array; the next cell computes `guess - y`"),
        (lambda w, b, x: (w * x + b)[:, None],
         "predict returned shape (5, 1) for x of shape (5,)"),
        (lambda w, b, x: w * float(x) + b, "Your code works on single numbers only"),
        (predict_hard_coded, "correct for 5 inputs but not for 50: did you hard-code"),
        (predict_in_place, "changed its argument `x` in place"),
        (lambda w, b, x: None, "returned None: did you forget the `return`"),
        (lambda w, b, x: w * x + b + 0.5,
         "should be [-5., -2., -1.,  1.,  5.], got [-4.5, -1.5, -0.5,  1.5,  5.5]: compute "
         "w * x + b"),
    ],
    check_mse: [
        (lambda p, t: jnp.sum((p - t) ** 2), "you summed the squared errors; average them"),
        (lambda p, t: jnp.mean(p - t), "you forgot to square"),
        (lambda p, t: jnp.mean(jnp.abs(p - t)), "that is the mean absolute error"),
        (lambda p, t: jnp.sqrt(jnp.mean((p - t) ** 2)), "that is the root mean squared error"),
        (lambda p, t: (p - t) ** 2, "you returned one squared error per sample"),
        (lambda p, t: jnp.mean((p[:, None] - t) ** 2), "your residual has shape (n, n)"),
        (lambda p, t: jnp.mean(p - t) ** 2, "you squared the mean error"),
        (lambda p, t: jnp.sum((p - t) ** 2) / (len(p) - 1), "you divided by n - 1"),
        (lambda p, t: jnp.sum((p - t) ** 2) / 4, "correct for 4 samples but not for the "
                                                 "chapter's 50: did you hard-code"),
        (mse_in_place, "changed its argument `predictions` in place"),
        (lambda p, t: [jnp.mean((p - t) ** 2)], "returned a Python list"),
        (lambda p, t: sum((float(a) - float(b)) ** 2 for a, b in zip(p, t)) / len(p) + 1,
         "square each difference predictions - targets, then average"),
    ],
}

CORRECT = {
    check_predict: [
        lambda w, b, x: w * x + b,
        jax.jit(lambda w, b, x: w * x + b),
        lambda w, b, x: np.asarray(x) * w + b,                         # NumPy
        lambda w, b, x: jnp.array([w * xi + b for xi in x]),          # a loop
        lambda w, b, x: jnp.add(jnp.multiply(w, x), b),
    ],
    check_mse: [
        lambda p, t: jnp.mean((p - t) ** 2),
        lambda p, t: float(np.mean((np.asarray(p) - t) ** 2)),         # NumPy, a float
        lambda p, t: sum((a - b) ** 2 for a, b in zip(p, t)) / len(p),  # a loop
        lambda p, t: jnp.dot(p - t, p - t) / p.shape[0],
        lambda p, t: ((p - t) ** 2).mean(),
    ],
}


@pytest.mark.parametrize("check, fn, hint", wrong_cases(WRONG))
def test_wrong_answer_gets_its_hint(check, fn, hint, capsys):
    assert_hint(check, fn, hint, capsys)


@pytest.mark.parametrize("check, fn", correct_cases(CORRECT))
def test_correct_variant_is_accepted(check, fn, capsys):
    assert_correct(check, fn, capsys)


def test_tables_are_big_enough():
    assert all(len(rows) >= 6 for rows in WRONG.values())
    assert all(len(rows) >= 3 for rows in CORRECT.values())
