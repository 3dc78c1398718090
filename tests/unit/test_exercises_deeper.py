"""Checkers of the chapter on training deeper networks: realistic wrong answers with the
hint each must produce, and correct variants that must be accepted."""

import math

import jax.numpy as jnp
import numpy as np
import pytest
from checker_table import assert_correct, assert_hint, correct_cases, wrong_cases

from dl_workshop.exercises import (check_diagnose_init, check_glorot_std, check_patience_stop,
                                   mystery_init_stats)


def patience_loop(val_losses, patience, *, wait_more=0, give="best"):
    """A reader's early stopping, with switches for the documented mistakes."""
    best, best_t, waited, t = math.inf, 0, 0, 0
    for t, value in enumerate(val_losses):
        if value < best:
            best, best_t, waited = value, t, 0
        else:
            waited += 1
            if waited == patience + wait_more:
                break
    return {"best": best_t, "stop": t, "loss": best, "plus1": best_t + 1}[give]


def numpy_patience(val_losses, patience):
    losses = np.asarray(val_losses)
    for t in range(len(losses)):
        window = losses[t + 1:t + 1 + patience]
        if len(window) == patience and window.min() >= losses[:t + 1].min() \
                and losses[t] == losses[:t + 1].min():
            return t
    return int(np.argmin(losses))


def jnp_patience(val_losses, patience):
    running = jnp.minimum.accumulate(val_losses) if hasattr(jnp.minimum, "accumulate") \
        else jnp.array([val_losses[:t + 1].min() for t in range(len(val_losses))])
    improved = jnp.concatenate([jnp.array([True]), running[1:] < running[:-1]])
    best = 0
    for t in range(len(val_losses)):
        if bool(improved[t]):
            best = t
        elif t - best >= patience:
            break
    return jnp.asarray(best)


def glorot_in_place(fan_in, fan_out):
    return math.sqrt(2 / (fan_in + fan_out))


RIGHT = {"A": "glorot", "B": "too large", "C": "he", "D": "too small"}

WRONG = {
    check_glorot_std: [
        (lambda i, o: math.sqrt(2 / i), "that is He's scale"),
        (lambda i, o: math.sqrt(1 / i), "looks at the inputs only"),
        (lambda i, o: 2 / (i + o), "that is the variance"),
        (lambda i, o: math.sqrt(6 / (i + o)), "Glorot's *uniform* distribution"),
        (lambda i, o: math.sqrt(2 / o), "you used the fan-out only"),
        (lambda i, o: math.sqrt(1 / (i + o)), "the numerator is 2"),
        (lambda i, o: math.sqrt(2) / (i + o), "take the square root of the whole fraction"),
        (lambda i, o: math.sqrt((i + o) / 2), "the fraction is upside down"),
        (lambda i, o: None, "did you forget the `return` statement"),
        (lambda i, o: jnp.full(2, math.sqrt(2 / (i + o))), "return one number"),
        (glorot_in_place(64, 32), "pass your function itself"),
    ],
    check_diagnose_init: [
        ({**RIGHT, "A": "he", "C": "glorot"}, "look at network A again: its std shrinks by a "
                                              "modest, steady factor"),
        ({**RIGHT, "B": "too small", "D": "too large"}, "look at network B again: its std "
                                                        "grows by a large factor"),
        ({**RIGHT, "C": "too small"}, "look at network C again: its std keeps roughly the "
                                      "same std"),
        ({**RIGHT, "D": "glorot"}, "look at network D again: its std shrinks by a large "
                                   "factor"),
        ({k: RIGHT[k] for k in "ABC"}, "missing ['D']"),
        ({**RIGHT, "E": "he"}, "unexpected keys ['E']"),
        ({**RIGHT, "A": "lecun"}, "choose one of 'he', 'glorot', 'too small', 'too large'"),
        ({**RIGHT, "B": 1.0}, "should be a string such as 'he'"),
        (list(RIGHT.values()), "pass a dict such as"),
    ],
    check_patience_stop: [
        (lambda v, p: int(jnp.argmin(v)), "that is the lowest loss of the whole curve"),
        (lambda v, p: patience_loop(v, p, give="stop"), "that is the step where training "
                                                        "stops"),
        (lambda v, p: patience_loop(v, p, give="loss"), "you returned the lowest loss itself"),
        (lambda v, p: jnp.argmax(v), "that is the step of the highest loss"),
        (lambda v, p: len(v) - 1, "that is the last step"),
        (lambda v, p: patience_loop(v, p, give="plus1"), "one step too late"),
        (lambda v, p: patience_loop(v, p, wait_more=1), "you wait one step too long"),
        (lambda v, p: patience_loop(v, p, wait_more=-1) if p > 1 else patience_loop(v, p),
         "you stop one step too early"),
        (lambda v, p: [patience_loop(v, p)], "returned a Python list"),
    ],
}

CORRECT = {
    check_glorot_std: [
        lambda i, o: math.sqrt(2 / (i + o)),
        lambda i, o: jnp.sqrt(2.0 / (i + o)),
        lambda i, o: (1 / ((i + o) / 2)) ** 0.5,
        lambda i, o: np.float32(np.sqrt(2) / np.sqrt(i + o)),
    ],
    check_diagnose_init: [
        RIGHT,
        {"a": "Xavier", "b": "Too Large", "c": "Kaiming", "d": "too_small"},
        {"D": " small ", "C": "He", "B": "too big", "A": "GLOROT"},
    ],
    check_patience_stop: [
        patience_loop,
        numpy_patience,
        jnp_patience,
    ],
}


@pytest.mark.parametrize("check, answer, hint", wrong_cases(WRONG))
def test_wrong_answer_gets_its_hint(check, answer, hint, capsys):
    assert_hint(check, answer, hint, capsys)


@pytest.mark.parametrize("check, answer", correct_cases(CORRECT))
def test_correct_variant_is_accepted(check, answer, capsys):
    assert_correct(check, answer, capsys)


def test_tables_are_big_enough():
    assert all(len(rows) >= 6 for rows in WRONG.values())
    assert all(len(rows) >= 3 for rows in CORRECT.values())


def test_the_mystery_networks_show_four_distinct_signatures():
    stats = mystery_init_stats()
    assert stats["B"][-2] > 100 * stats["B"][0]          # too large: grows
    assert stats["D"][-2] < 1e-3 * stats["D"][0]         # too small: vanishes
    assert 0.5 < stats["C"][-2] / stats["C"][0] < 2      # He: steady
    assert 0.1 < stats["A"][-2] / stats["A"][0] < 0.5    # Glorot under ReLU: slow decay


@pytest.mark.parametrize("check", [check_glorot_std, check_patience_stop],
                         ids=lambda c: c.__name__)
def test_a_crashing_answer_becomes_a_hint(check, capsys):
    def crashes(*args):
        raise ZeroDivisionError(f"oops at {object()!r}")

    assert_hint(check, crashes, "raised ZeroDivisionError: oops at <object object at 0x...>",
                capsys)
