"""Answer checks, behaviour common to all of them: one printed line, never a raise.

Each chapter's exercises have their own table of wrong answers and correct
variants, in test_exercises_ch1.py ... test_exercises_ch5.py.
"""

import jax.numpy as jnp
import pytest
from checker_table import assert_hint, verdict

from dl_workshop import exercises as ex

# ---- common behaviour ---------------------------------------------------------------

CHECKS = [ex.check_predict, ex.check_mse, ex.check_derivative, ex.check_gradient_descent_step,
          ex.check_training_loop, ex.check_sigmoid, ex.check_binary_cross_entropy,
          ex.check_mlp_forward]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_crashing_answer_becomes_a_hint(check, capsys):
    def crashes(*args, **kwargs):
        raise ZeroDivisionError(f"oops at {object()!r}")  # a memory address in the message

    ok, line = verdict(check, crashes, capsys)
    assert not ok and "raised ZeroDivisionError: oops at <object object at 0x...>" in line


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_passing_a_value_instead_of_a_function_becomes_a_hint(check, capsys):
    assert_hint(check, jnp.zeros(3), "pass your function itself, e.g. check(my_function), "
                                     "not its result (got a value of type ArrayImpl)", capsys)


def test_output_is_deterministic(capsys):
    wrong = lambda w, b, x: w * x + b + 0.123456789  # noqa: E731
    assert verdict(ex.check_predict, wrong, capsys) == verdict(ex.check_predict, wrong, capsys)
