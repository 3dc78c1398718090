"""Answer checks for Part III, chapter 14 (Flax NNX and optax): copy a book layer into
an ``nnx.Linear``, name the library counterpart of a book piece, and build AdamW from
optax building blocks.

Flax is imported inside :func:`check_load_layer` only, so importing the exercises
does not pay for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb

__all__ = ["check_load_layer", "check_library_names", "check_adamw"]

# check_load_layer: a 3 -> 2 layer (not square, so a transpose shows in the shape).
_W = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]], np.float32)
_B = np.array([0.1, -0.2], np.float32)


def check_load_layer(fn: Callable[[Any, dict], Any]) -> bool:
    """Check ``fn(linear, layer)`` copies ``layer = {"w": (3, 2), "b": (2,)}`` into
    ``linear = nnx.Linear(3, 2)`` in place, keeping its ``nnx.Param`` variables.

    Hints: plain array assigned (the Param replaced), transposed, w and b swapped,
    bias or kernel left out, a new layer returned instead of changing the one
    passed in, the book's dict changed.

    Example:
      >>> def load_layer(linear, layer):
      ...     linear.kernel[...] = layer["w"]
      ...     linear.bias[...] = layer["b"]
      >>> check_load_layer(load_layer)
      Correct: the layer's kernel and bias now hold w and b, still as nnx.Param variables.
      True
    """
    from flax import nnx

    def body() -> None:
        linear = nnx.Linear(3, 2, rngs=nnx.Rngs(0))
        kernel_before, bias_before = np.array(linear.kernel[...]), np.array(linear.bias[...])
        layer = {"w": jnp.asarray(_W), "b": jnp.asarray(_B)}
        if not callable(fn):
            raise fb.NotYet(f"pass your function itself, e.g. check(load_layer), not its "
                            f"result (got a value of type {type(fn).__name__})")
        try:
            out = fn(linear, layer)
        except Exception as err:  # noqa: BLE001 - the reader's code may raise anything
            first = (str(err).strip().splitlines() or [""])[0][:200]
            compact = first.replace(" ", "")
            hint = ""
            if "(2,3)" in compact or "[2,3]" in compact:
                hint = (": the book's w and nnx's kernel are both (inputs, outputs), so copy "
                        "w as it is, without .T")
            elif "(3,2)" in compact or "[3,2]" in compact:
                hint = ": w goes into linear.kernel and b into linear.bias; they look swapped"
            raise fb.NotYet(f"calling load_layer(linear, layer) raised "
                            f"{type(err).__name__}: {first}{hint}") from None
        if not (np.array_equal(np.asarray(layer["w"]), _W)
                and np.array_equal(np.asarray(layer["b"]), _B)) or set(layer) != {"w", "b"}:
            raise fb.NotYet("load_layer changed the book's dict `layer`; only the nnx layer "
                            "should change")
        plain = [name for name in ("kernel", "bias")
                 if not isinstance(getattr(linear, name, None), nnx.Param)]
        if plain:
            name = plain[0]
            value = getattr(linear, name, None)
            kind = ("a plain array" if isinstance(value, (np.ndarray, jax.Array))
                    else f"a {type(value).__name__}")
            raise fb.NotYet(f"linear.{name} is no longer an nnx.Param but {kind}: assigning "
                          f"linear.{name} = ... replaces the Param, so nnx.state(model, "
                          f"nnx.Param) and the optimizer no longer see it; write "
                          f"linear.{name}[...] = ... instead")
        kernel, bias = np.asarray(linear.kernel[...]), np.asarray(linear.bias[...])
        unchanged = np.array_equal(kernel, kernel_before) and np.array_equal(bias, bias_before)
        if unchanged:
            new = isinstance(out, nnx.Linear) or out is not None
            raise fb.NotYet("the layer passed in is unchanged" + (
                ": you returned a new object instead. An nnx module is changed in place "
                "(the model holds the layer), so write into linear.kernel[...] and "
                "linear.bias[...]" if new else
                ": write the arrays into linear.kernel[...] and linear.bias[...]"))
        if kernel.shape != _W.shape:
            raise fb.NotYet(f"linear.kernel now has shape {kernel.shape}, not {_W.shape}: "
                          f"the book's w and nnx's kernel are both (inputs, outputs), so "
                          f"copy w as it is, without .T")
        if np.allclose(kernel, _W.T.reshape(kernel.shape)) and not np.allclose(kernel, _W):
            raise fb.NotYet("the kernel holds w reshaped from its transpose: copy w as it is")
        if np.array_equal(kernel, kernel_before):
            raise fb.NotYet("linear.kernel was not copied: write linear.kernel[...] = "
                          "layer['w']")
        if not np.allclose(kernel, _W):
            raise fb.NotYet(f"linear.kernel should be w = {fb.fmt(_W)}, got {fb.fmt(kernel)}")
        if np.array_equal(bias, bias_before):
            raise fb.NotYet("linear.bias was not copied: write linear.bias[...] = layer['b']")
        if not np.allclose(bias, _B):
            raise fb.NotYet(f"linear.bias should be b = {fb.fmt(_B)}, got {fb.fmt(bias)}")

    return fb.checked("the layer's kernel and bias now hold w and b, still as nnx.Param "
                      "variables.", body)


_PIECES = ("binary_cross_entropy", "softmax_cross_entropy", "momentum", "mlp_init")
_RIGHT = {"binary_cross_entropy": "b", "softmax_cross_entropy": "d", "momentum": "e",
          "mlp_init": "h"}
_WHY = {  # (piece, wrong option) -> the specific reason it is not the book's piece
    ("binary_cross_entropy", "a"): "optax.sigmoid_binary_cross_entropy returns one loss "
                                   "per example; the book's loss is their mean (.mean())",
    ("softmax_cross_entropy", "c"): "optax.softmax_cross_entropy expects one-hot targets of "
                                    "shape (n, k), not integer labels: use the "
                                    "_with_integer_labels version",
    ("momentum", "f"): "optax.sgd(0.1) has no momentum: pass momentum=0.9",
    ("mlp_init", "g"): "he_normal draws from a *truncated* normal (no weight beyond two "
                       "standard deviations of the underlying normal); mlp_init uses a plain "
                       "normal: variance_scaling(2.0, 'fan_in', 'normal')",
    ("mlp_init", "i"): "lecun_normal has variance 1/fan-in (and is truncated); mlp_init "
                       "uses 2/fan-in, He's choice for ReLU",
}
_KIND = {"a": "binary_cross_entropy", "b": "binary_cross_entropy",
         "c": "softmax_cross_entropy", "d": "softmax_cross_entropy", "e": "momentum",
         "f": "momentum", "g": "mlp_init", "h": "mlp_init", "i": "mlp_init"}
_KIND_TEXT = {"binary_cross_entropy": "a binary (sigmoid) loss",
              "softmax_cross_entropy": "a softmax loss", "momentum": "an optimizer",
              "mlp_init": "an initializer"}


def _letter(value: Any) -> str | None:
    """'b', 'B', ' (b) ', 'b)' -> 'b'; anything else -> None."""
    if not isinstance(value, str):
        return None
    text = value.strip().strip("()").strip().lower()
    return text if len(text) == 1 and "a" <= text <= "i" else None


def check_library_names(answers: dict[str, str]) -> bool:
    """Check a dict mapping each book piece to the letter (a-i) of its optax/nnx option.

    Pieces: ``binary_cross_entropy``, ``softmax_cross_entropy``, ``momentum`` and
    ``mlp_init`` (the options are listed in the chapter's exercise). Hints name the
    first wrong pair and why that option differs from the book's piece.

    Example:
      >>> check_library_names({"binary_cross_entropy": "b", "softmax_cross_entropy": "d",
      ...                      "momentum": "e", "mlp_init": "h"})
      Correct: the mean of optax's per-example losses, the integer-label softmax loss,
      sgd with momentum, and a plain (not truncated) He normal.
      True
    """
    def body() -> None:
        if not isinstance(answers, dict):
            raise fb.NotYet(f"answers should be a dict such as {{'binary_cross_entropy': "
                            f"'a', ...}}, got a {type(answers).__name__}")
        unknown = sorted(str(k) for k in answers if k not in _PIECES)
        if unknown:
            raise fb.NotYet(f"unknown piece {unknown[0]!r}: the keys are "
                            f"{', '.join(repr(p) for p in _PIECES)}")
        missing = [p for p in _PIECES if p not in answers]
        if missing:
            raise fb.NotYet(f"answers has no entry for {missing[0]!r}; give one letter for "
                            f"each of the four pieces")
        for piece in _PIECES:
            letter = _letter(answers[piece])
            if letter is None:
                raise fb.NotYet(f"answers[{piece!r}] should be one of the letters 'a' to "
                                f"'i', got {answers[piece]!r}")
            if letter == _RIGHT[piece]:
                continue
            if _KIND[letter] != piece:
                raise fb.NotYet(f"for {piece!r}, option ({letter}) is "
                                f"{_KIND_TEXT[_KIND[letter]]}, while {piece} is "
                                f"{_KIND_TEXT[piece]}")
            raise fb.NotYet(f"for {piece!r}, option ({letter}) is close but not the same: "
                            f"{_WHY[piece, letter]}")

    return fb.checked("the mean of optax's per-example losses, the integer-label softmax "
                      "loss, sgd with momentum, and a plain (not truncated) He normal.", body)


# check_adamw: a small least-squares problem with nonzero weights to decay.
_LR, _DECAY = 0.01, 0.1
_START = np.array([1.5, -2.0, 0.5], np.float32)
_CURV = np.array([1.0, 4.0, 0.25], np.float32)
_TARGET = np.array([1.0, -1.0, 2.0], np.float32)  # the bowl's bottom, away from 0
_B1, _B2, _EPS = 0.9, 0.999, 1e-8


def _adam_path(lr: float, decay: float, steps: int = 8, *, mode: str = "adamw") -> np.ndarray:
    """Params after each step, in float64; gradient ``curv * (p - target)``.

    mode: adamw, l2 (decay added to the gradient, inside Adam), up (sign), sgd."""
    p = _START.astype(np.float64)
    mu, nu, out = np.zeros(3), np.zeros(3), []
    for t in range(1, steps + 1):
        g = _CURV * (p - _TARGET)
        if mode == "sgd":
            p = p - lr * (g + decay * p)
            out.append(p.copy())
            continue
        if mode == "l2":
            g = g + decay * p
        mu, nu = _B1 * mu + (1 - _B1) * g, _B2 * nu + (1 - _B2) * g**2
        step = (mu / (1 - _B1**t)) / (np.sqrt(nu / (1 - _B2**t)) + _EPS)
        if mode != "l2":
            step = step + decay * p
        p = p + (lr if mode == "up" else -lr) * step
        out.append(p.copy())
    return np.array(out)


def check_adamw(tx: Any) -> bool:
    """Check that the optax transformation ``tx`` is AdamW with learning rate 0.01 and
    weight decay 0.1: Adam's scaled gradient plus ``0.1 * params``, times ``-0.01``.

    Runs ``tx`` for 8 steps on a quadratic bowl (updates added to the params, as
    ``optax.apply_updates`` does) and compares with a NumPy AdamW. Hints: decay
    before Adam (an L2 penalty), no decay, wrong sign, swapped numbers, a
    decay of the wrong size, plain SGD, the constructor instead of a
    transformation, the book's optimizer.

    Example:
      >>> import optax
      >>> check_adamw(optax.adamw(0.01, weight_decay=0.1))
      Correct: same 8 steps as Adam with decoupled weight decay (AdamW).
      True
    """
    from dl_workshop.optimizers import Optimizer  # the book's own, to recognise it

    def body() -> None:
        if isinstance(tx, Optimizer):
            raise fb.NotYet("that is the book's optimizer, whose update returns new params; "
                            "build the optax one with optax.chain(...)")
        if not (callable(getattr(tx, "init", None)) and callable(getattr(tx, "update", None))):
            called = " (call it: optax.chain(...), optax.adamw(...))" if callable(tx) else ""
            raise fb.NotYet(f"pass an optax GradientTransformation with init and update"
                            f"{called}, got {type(tx).__name__}")
        params, points = jnp.asarray(_START), []
        try:
            state = tx.init(params)
            for _ in range(8):
                grads = jnp.asarray(_CURV) * (params - jnp.asarray(_TARGET))
                updates, state = tx.update(grads, state, params)
                params = params + updates
                points.append(np.asarray(params, np.float64))
        except Exception as err:  # noqa: BLE001 - the reader's transformation may raise
            first = (str(err).strip().splitlines() or [""])[0][:160]
            hint = (" (add_decayed_weights needs the params: chain it, do not call update "
                    "without them)" if "params" in first.lower() else "")
            raise fb.NotYet(f"running tx raised {type(err).__name__}: {first}{hint}") from None
        got = np.array(points)
        fb.want_finite(got, "tx", "check the learning rate and the sign of optax.scale")
        mistakes = [
            (_adam_path(_LR, _DECAY, mode="l2"),
             "the decay comes before scale_by_adam, so Adam rescales it: that is an L2 "
             "penalty, not AdamW. Put add_decayed_weights after scale_by_adam"),
            (_adam_path(_LR, 0.0), "that is Adam without weight decay (or with optax.adamw's "
                                   "tiny default, 1e-4): add optax.add_decayed_weights(0.1) "
                                   "after scale_by_adam, or pass weight_decay=0.1"),
            (_adam_path(_LR, _DECAY, mode="up"), "your steps go uphill: optax adds the updates "
                                                 "to the params, so scale by -0.01"),
            (_adam_path(_DECAY, _LR), "learning rate and weight decay are swapped: "
                                      "learning rate 0.01, weight decay 0.1"),
            (_adam_path(_LR, 1e-2), "the weight decay is 0.01; it should be 0.1"),
            (_adam_path(_LR, _DECAY, mode="sgd"),
             "that is gradient descent with weight decay; AdamW scales the gradient with "
             "optax.scale_by_adam() first"),
        ]
        mistakes = [(path.ravel(), hint) for path, hint in mistakes]
        fb.match(got.ravel(), _adam_path(_LR, _DECAY).ravel(), mistakes,
                 what="the params after each step (8 steps x 3, flattened)",
                 fallback="chain scale_by_adam(), add_decayed_weights(0.1), scale(-0.01)")

    return fb.checked("same 8 steps as Adam with decoupled weight decay (AdamW).", body)
