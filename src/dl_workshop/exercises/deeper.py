"""Answer checks for the chapter on training deeper networks: the Glorot scale,
reading activation statistics, and early stopping with patience.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop import diagnostics, initializers
from dl_workshop.exercises import _feedback as fb
from dl_workshop.exercises._feedback import NotYet

__all__ = ["check_glorot_std", "mystery_init_stats", "check_diagnose_init",
           "check_patience_stop"]

# ---- the Glorot scale ---------------------------------------------------------------------

_FANS = [(64, 32), (784, 10), (10, 10), (3, 200), (256, 128)]


def check_glorot_std(fn: Callable[[int, int], Any]) -> bool:
    """Check ``fn(fan_in, fan_out)`` returns Glorot's ``sqrt(2 / (fan_in + fan_out))``.

    Called with Python ints, as ``initializers.init_std`` is. Hints: He's
    scale, LeCun's scale, the variance instead of the std, the uniform limit,
    fan-out only, the average forgotten, the square root of the numerator only.

    Example:
      >>> check_glorot_std(lambda fan_in, fan_out: (2 / (fan_in + fan_out)) ** 0.5)
      Correct: std = sqrt(2 / (fan_in + fan_out)), e.g. 0.1443 for 64 inputs and 32 outputs.
      True
    """
    name = "glorot_std(fan_in, fan_out)"
    fi = np.array([f for f, _ in _FANS], np.float64)
    fo = np.array([o for _, o in _FANS], np.float64)
    expected = np.sqrt(2.0 / (fi + fo))
    mistakes = [
        (np.sqrt(2.0 / fi), "that is He's scale, sqrt(2 / fan_in), meant for ReLU; Glorot "
                            "averages the fan-in and the fan-out: sqrt(2 / (fan_in + fan_out))"),
        (np.sqrt(1.0 / fi), "sqrt(1 / fan_in) looks at the inputs only; Glorot's scale also "
                            "counts the outputs: sqrt(2 / (fan_in + fan_out))"),
        (2.0 / (fi + fo), "that is the variance 2 / (fan_in + fan_out); the standard "
                          "deviation is its square root"),
        (np.sqrt(6.0 / (fi + fo)), "sqrt(6 / (fan_in + fan_out)) is the limit of Glorot's "
                                   "*uniform* distribution; for normal weights the std is "
                                   "sqrt(2 / (fan_in + fan_out))"),
        (np.sqrt(2.0 / fo), "you used the fan-out only; Glorot uses both: "
                            "sqrt(2 / (fan_in + fan_out))"),
        (np.sqrt(1.0 / (fi + fo)), "the variance is 1 over the *average* of fan-in and "
                                   "fan-out, 1 / ((fan_in + fan_out) / 2): the numerator is 2"),
        (np.sqrt(2.0) / (fi + fo), "take the square root of the whole fraction: "
                                   "sqrt(2 / (fan_in + fan_out))"),
        (np.sqrt((fi + fo) / 2.0), "the fraction is upside down: sqrt(2 / (fan_in + fan_out))"),
    ]

    def body() -> None:
        got = []
        for f_in, f_out in _FANS:
            out = fb.call(fn, name, f_in, f_out, arg_names=("fan_in", "fan_out"))
            value = fb.to_array(out, name, usage="initializers use it as one number")
            fb.want_shape(value, (), f"{name} for ({f_in}, {f_out})",
                          "return one number, the standard deviation")
            got.append(float(value))
        got = np.array(got)
        fb.match(got, expected, mistakes, what=f"{name} for {_FANS}",
                 fallback="the std is sqrt(2 / (fan_in + fan_out))", rtol=1e-3, atol=1e-6)

    return fb.checked(f"std = sqrt(2 / (fan_in + fan_out)), e.g. {expected[0]:.4f} for "
                      f"64 inputs and 32 outputs.", body)


# ---- diagnose an initialization from its activation statistics ----------------------------

_LABELS = {"he": ("he", "kaiming", "he normal", "kaiming normal"),
           "glorot": ("glorot", "xavier", "glorot normal", "xavier normal"),
           "too small": ("too small", "small", "0.01"),
           "too large": ("too large", "large", "too big", "big", "1.0", "1")}
_MYSTERY = {"A": "glorot", "B": "too large", "C": "he", "D": "too small"}
_SCHEME = {"he": "he", "glorot": "glorot", "too small": 0.01, "too large": 1.0}
_SIGNS = {
    "he": "keeps roughly the same std from layer to layer: the scale made for ReLU, He",
    "glorot": "shrinks by a modest, steady factor at every layer (about 0.7): a scale "
              "made for tanh, Glorot, which is a little too small for ReLU",
    "too small": "shrinks by a large factor at every layer until almost nothing is left: "
                 "weights far too small",
    "too large": "grows by a large factor at every layer: weights far too large",
}


def mystery_init_stats() -> dict[str, np.ndarray]:
    """The std of each layer's activations, shape (7,), for four ReLU networks "A"-"D".

    Each has six hidden layers of 64 units on 64 standardized-looking random
    inputs; their initializations are the puzzle of the chapter's exercise.

    Example:
      >>> sorted(mystery_init_stats())
      ['A', 'B', 'C', 'D']
    """
    x = jax.random.normal(jax.random.key(42), (256, 64))
    sizes = [64] * 7 + [10]
    return {name: np.asarray(diagnostics.activation_stats(
                initializers.mlp_init(jax.random.key(i), sizes, _SCHEME[label]), x).std)
            for i, (name, label) in enumerate(_MYSTERY.items())}


def _label(value: Any, net: str) -> str:
    if not isinstance(value, str):
        raise NotYet(f"answer[{net!r}] should be a string such as 'he', got "
                     f"{type(value).__name__} {value!r}")
    text = " ".join(value.lower().replace("_", " ").replace("-", " ").split())
    for label, spellings in _LABELS.items():
        if text in spellings:
            return label
    raise NotYet(f"answer[{net!r}] is {value!r}; choose one of 'he', 'glorot', "
                 f"'too small', 'too large'")


def check_diagnose_init(answer: Any) -> bool:
    """Check a dict naming each mystery network's initialization.

    ``answer`` maps "A", "B", "C", "D" to one of "he", "glorot", "too small",
    "too large" (case and spacing do not matter; "kaiming" and "xavier" are
    accepted). The hint for a wrong entry describes what that network's
    statistics show.

    Example:
      >>> check_diagnose_init({"A": "glorot", "B": "too large", "C": "he", "D": "too small"})
      Correct: A is Glorot, B too large, C He, D too small.
      True
    """
    def body() -> None:
        if callable(answer) or not isinstance(answer, dict):
            raise NotYet(f"pass a dict such as {{'A': 'he', 'B': ...}}, got "
                         f"{type(answer).__name__}")
        keys = {str(k).upper() if isinstance(k, str) else k for k in answer}
        missing = sorted(set(_MYSTERY) - keys)
        if missing:
            raise NotYet(f"give a label for every network: missing {missing}")
        extra = sorted(str(k) for k in keys - set(_MYSTERY))
        if extra:
            raise NotYet(f"the networks are 'A', 'B', 'C' and 'D'; unexpected keys {extra}")
        labels = {str(k).upper(): _label(v, str(k)) for k, v in answer.items()}
        for net, truth in _MYSTERY.items():
            if labels[net] != truth:
                raise NotYet(f"look at network {net} again: its std {_SIGNS[truth]} "
                             f"(you said {labels[net]!r})")

    return fb.checked("A is Glorot, B too large, C He, D too small.", body)


# ---- early stopping with patience ---------------------------------------------------------

def _patience_reference(losses: np.ndarray, patience: int) -> tuple[int, int]:
    """(best step, step at which training stops) for early stopping with patience."""
    best, best_t, waited = np.inf, 0, 0
    for t, value in enumerate(losses):
        if value < best:
            best, best_t, waited = value, t, 0
        else:
            waited += 1
            if waited == patience:
                return best_t, t
    return best_t, len(losses) - 1


# A curve with a bump: a first minimum at step 5, four steps without a new lowest loss,
# then a lower minimum at step 14.
_CURVE = np.array([2.0, 1.4, 1.0, 0.8, 0.7, 0.65, 0.68, 0.7, 0.69, 0.72, 0.64, 0.62, 0.6,
                   0.58, 0.57, 0.59, 0.61, 0.64, 0.66, 0.7], np.float32)
# Still falling at the end: the best step is the last one.
_FALLING = np.array([1.0, 0.8, 0.7, 0.65, 0.62, 0.6, 0.59], np.float32)
_CASES = [(_CURVE, 3), (_CURVE, 5), (_CURVE, 4), (_FALLING, 2), (_CURVE, 8)]


def check_patience_stop(fn: Callable[[Any, int], Any]) -> bool:
    """Check ``fn(val_losses, patience) -> step`` of the best loss before stopping.

    Training stops as soon as ``patience`` steps in a row bring no new lowest
    validation loss; the answer is the step of the lowest loss seen by then
    (the params to keep). ``val_losses`` is a JAX array of shape (steps,).
    Hints: the whole curve's argmin, the stopping step instead of the best
    one, patience off by one, the loss instead of its step, argmax.

    Example:
      >>> def best_step(val_losses, patience):
      ...     best, waited = 0, 0
      ...     for t in range(1, len(val_losses)):
      ...         if val_losses[t] < val_losses[best]:
      ...             best, waited = t, 0
      ...         else:
      ...             waited += 1
      ...             if waited == patience:
      ...                 break
      ...     return best
      >>> check_patience_stop(best_step)
      Correct: with patience 3 training stops at step 8 and keeps step 5; with patience 5 it reaches the lower minimum at step 14.
      True
    """
    name = "best_step(val_losses, patience)"
    expected = np.array([_patience_reference(c, p)[0] for c, p in _CASES], np.float64)
    stops = np.array([_patience_reference(c, p)[1] for c, p in _CASES], np.float64)
    later = np.array([_patience_reference(c, p + 1)[0] for c, p in _CASES], np.float64)
    earlier = np.array([_patience_reference(c, max(p - 1, 1))[0] for c, p in _CASES],
                       np.float64)
    mistakes = [
        (np.array([np.argmin(c) for c, _ in _CASES], np.float64),
         "that is the lowest loss of the whole curve; with patience 3, training stops at "
         f"step {int(stops[0])} and never sees the later steps: return the best step seen "
         "before stopping"),
        (stops, "that is the step where training stops; return the step of the lowest loss "
                "seen by then, whose params you keep"),
        (np.array([c[int(b)] for (c, _), b in zip(_CASES, expected)], np.float64),
         "you returned the lowest loss itself; return its step (an index)"),
        (np.array([np.argmax(c) for c, _ in _CASES], np.float64),
         "that is the step of the highest loss; keep the lowest"),
        (np.array([len(c) - 1 for c, _ in _CASES], np.float64),
         "that is the last step; stop once `patience` steps bring no improvement"),
        (expected + 1, "one step too late: steps count from 0, as the index of val_losses"),
        (later, "you wait one step too long: stop as soon as `patience` steps in a row "
                "bring no new lowest loss"),
        (earlier, "you stop one step too early: stop when `patience` steps in a row (not "
                  "patience - 1) bring no new lowest loss"),
    ]

    def body() -> None:
        got = []
        for curve, patience in _CASES:
            out = fb.call(fn, name, jnp.asarray(curve), patience,
                          arg_names=("val_losses", "patience"))
            value = fb.to_array(out, name, usage="the chapter retrains for that many steps")
            fb.want_shape(value, (), name, "return one step number")
            got.append(float(value))
        got = np.array(got)
        if not np.all(got == np.round(got)) and not np.allclose(
                got, [c[int(b)] for (c, _), b in zip(_CASES, expected)]):
            raise NotYet(f"{name} returned {fb.fmt(got)} for the five test curves; a step "
                         f"is a whole number, the index into val_losses")
        fb.match(got, expected, mistakes,
                 what=f"{name} for patience {[p for _, p in _CASES]}",
                 fallback="walk through the losses in order, remember the lowest so far "
                          "and its step, and stop after `patience` steps without a new "
                          "lowest loss", atol=1e-6, rtol=0.0)

    return fb.checked(f"with patience 3 training stops at step {int(stops[0])} and keeps "
                      f"step {int(expected[0])}; with patience 5 it reaches the lower minimum "
                      f"at step {int(expected[1])}.", body)

