"""Answer checks for Part III, chapter 12 (backpropagation by hand): the gradients of a
dense layer, the backward step through a sigmoid, and a diagnosis of five hand-written
backward passes, found with a gradient check.

``backward_suspects()`` returns the five backward passes of the diagnosis exercise;
each is called as ``suspect(params, x, labels)`` like ``backprop.mlp_backward`` (ReLU).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from dl_workshop.exercises import _feedback as fb
from dl_workshop.exercises._feedback import NotYet

__all__ = ["check_layer_grads", "check_sigmoid_backward", "check_wrong_backwards",
           "backward_suspects"]

# ---- check_layer_grads: z = inputs @ w + b with n=5 examples, m=3 inputs, k=2 outputs.
_INPUTS = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5], [-2.0, 1.0, 1.0], [0.0, 0.3, -1.2],
                    [1.0, 2.0, 0.5]], np.float32)
_GRAD_OUT = np.array([[0.2, -0.1], [-0.3, 0.05], [0.1, 0.25], [0.0, -0.2], [0.15, 0.1]],
                     np.float32)


def _layer_mistakes(inputs: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, list]:
    """Expected [w..., b...] flattened, and known mistakes in the same layout."""
    n = inputs.shape[0]
    w, b = inputs.T @ g, g.sum(axis=0)

    def flat(w_: np.ndarray, b_: np.ndarray) -> np.ndarray:
        return np.concatenate([np.ravel(w_), np.ravel(b_)])

    return flat(w, b), [
        (flat(w / n, b), "the weight gradient is divided by n a second time: grad_out "
                         "already holds the 1/n of the mean loss, so sum over the examples: "
                         "inputs.T @ grad_out"),
        (flat(w, b / n), "the bias gradient is divided by n a second time (a mean): grad_out "
                         "already holds the 1/n of the mean loss, so sum it over the "
                         "examples, axis 0"),
        (flat(w / n, b / n), "both gradients are divided by n a second time: grad_out already "
                             "holds the 1/n of the mean loss; sum over the examples"),
        (flat(np.outer(inputs.sum(0), g.sum(0)), b),
         "you multiplied the sums; each example contributes its own outer product "
         "inputs[i] x grad_out[i], so multiply first and then sum: inputs.T @ grad_out"),
        (flat(w, np.zeros_like(b)), "the bias gradient is not zero: b is added to every "
                                    "example's output, so its gradient is grad_out summed "
                                    "over the examples"),
        (flat(-w, -b), "sign error: the gradient of the loss is inputs.T @ grad_out, with no "
                       "minus sign (the minus belongs to the update step)"),
    ]


def _dict_of_two(out: Any, name: str) -> dict:
    if isinstance(out, (tuple, list)):
        raise NotYet(f"{name} returned a {type(out).__name__}; return a dict "
                     f"{{'w': ..., 'b': ...}} shaped like the layer's params, so it can sit "
                     f"in the same pytree layout")
    if not isinstance(out, dict):
        raise NotYet(f"{name} should return a dict {{'w': ..., 'b': ...}}, got a "
                     f"{type(out).__name__}")
    if set(out) != {"w", "b"}:
        raise NotYet(f"{name} returned a dict with keys {sorted(out)}; it needs exactly "
                     f"'w' and 'b', like the layer's params")
    return out


def check_layer_grads(fn: Callable[[Any, Any], dict]) -> bool:
    """Check ``fn(inputs, grad_out) -> {"w": (m, k), "b": (k,)}`` for ``z = inputs @ w + b``.

    ``inputs`` (n, m) are the layer's inputs and ``grad_out`` (n, k) is
    d loss / d z, already including the 1/n of a mean loss. The answer is
    ``{"w": inputs.T @ grad_out, "b": grad_out.sum(axis=0)}``. Hints: a
    transposed weight gradient, a bias gradient not summed or summed over the
    wrong axis, a second division by n, multiplying sums, a sign error, a tuple.

    Example:
      >>> check_layer_grads(lambda a, g: {"w": a.T @ g, "b": g.sum(axis=0)})
      Correct: w gets inputs.T @ grad_out (m, k), b gets grad_out summed over the
      examples (k,).
      True
    """
    name = "layer_grads(inputs, grad_out)"
    m, k = _INPUTS.shape[1], _GRAD_OUT.shape[1]

    def run(inputs: Any, g: Any) -> tuple[np.ndarray, np.ndarray]:
        try:
            out = fb.call(fn, name, inputs, g, arg_names=("inputs", "grad_out"))
        except NotYet as hint:
            if any(s in str(hint) for s in ("dot_general", "matmul", "shapes", "broadcast")):
                raise NotYet(f"{hint}; check the shapes: inputs is (n, m) and grad_out is "
                             f"(n, k), so inputs.T @ grad_out is (m, k)") from None
            raise
        out = _dict_of_two(out, name)
        w = fb.to_array(out["w"], f"{name}['w']", usage="gradient descent computes "
                                                        "w - learning_rate * grad['w']")
        b = fb.to_array(out["b"], f"{name}['b']", usage="gradient descent computes "
                                                        "b - learning_rate * grad['b']")
        return w, b

    def body() -> None:
        for inputs, g in ((_INPUTS.copy(), _GRAD_OUT.copy()),
                          (fb.as_jax(_INPUTS), fb.as_jax(_GRAD_OUT))):
            w, b = run(inputs, g)
            if w.shape == (k, m):
                raise NotYet(f"the weight gradient has shape {w.shape}, the transpose of w's "
                             f"({m}, {k}): a gradient has the shape of its parameter, so "
                             f"write inputs.T @ grad_out")
            fb.want_shape(w, (m, k), f"{name}['w']", "a gradient has the shape of its "
                          "parameter: inputs.T @ grad_out is (m, k)")
            if b.shape == _GRAD_OUT.shape:
                raise NotYet(f"the bias gradient has shape {b.shape}, one row per example; "
                             f"b is shared by all examples, so sum grad_out over them: "
                             f"grad_out.sum(axis=0), shape ({k},)")
            if b.shape == (_GRAD_OUT.shape[0],):
                raise NotYet(f"the bias gradient has shape {b.shape}: you summed over the "
                             f"wrong axis; sum over the examples, axis 0, to get shape ({k},)")
            if b.shape == ():
                raise NotYet(f"the bias gradient is one number: you summed over both axes; "
                             f"sum over the examples only, axis 0, to get shape ({k},)")
            fb.want_shape(b, (k,), f"{name}['b']", "a gradient has the shape of its "
                          "parameter: grad_out.sum(axis=0)")
            expected, mistakes = _layer_mistakes(_INPUTS.astype(np.float64),
                                                 _GRAD_OUT.astype(np.float64))
            fb.match(np.concatenate([w.ravel(), b.ravel()]), expected, mistakes,
                     what="[w gradient..., b gradient...]",
                     fallback="w's gradient is inputs.T @ grad_out and b's is grad_out "
                              "summed over axis 0")

    return fb.checked("w gets inputs.T @ grad_out (m, k), b gets grad_out summed over the "
                      "examples (k,).", body)


# ---- check_sigmoid_backward ---------------------------------------------------------
_Z = np.array([[-3.0, -0.5, 0.0], [0.8, 2.0, -1.5], [4.0, -2.2, 0.3], [1.1, -0.1, 2.6]],
              np.float32)
_G = np.array([[0.5, -1.0, 0.25], [2.0, -0.3, 0.7], [-0.6, 1.5, -2.0], [0.4, 0.9, -0.8]],
              np.float32)


def check_sigmoid_backward(fn: Callable[[Any, Any], Any]) -> bool:
    """Check ``fn(z, grad_out)`` = ``grad_out * s * (1 - s)`` with ``s = sigmoid(z)``.

    The backward step through an elementwise sigmoid ``a = sigmoid(z)``:
    ``grad_out`` = d loss / d a and ``z`` both have shape (4, 3); the answer,
    d loss / d z, too. Hints: the local derivative alone, ``grad_out`` passed
    through, the formula applied to ``z`` instead of ``sigmoid(z)``, another
    activation's derivative, adding instead of multiplying, a sum over examples,
    code for single numbers only.

    Example:
      >>> check_sigmoid_backward(
      ...     lambda z, g: g * jax.nn.sigmoid(z) * (1 - jax.nn.sigmoid(z)))
      Correct: d loss / d z = grad_out * sigmoid(z) * (1 - sigmoid(z)), elementwise.
      True
    """
    name = "sigmoid_backward(z, grad_out)"
    z, g = _Z.astype(np.float64), _G.astype(np.float64)
    s = 1.0 / (1.0 + np.exp(-z))
    expected = g * s * (1 - s)
    mistakes = [
        (s * (1 - s), "you returned the sigmoid's local derivative alone; the chain rule "
                      "multiplies it by the gradient that arrives from above, grad_out"),
        (g, "you passed grad_out through unchanged; multiply it by the sigmoid's derivative "
            "sigmoid(z) * (1 - sigmoid(z))"),
        (g * z * (1 - z), "apply the formula to sigmoid(z), not to z: s = jax.nn.sigmoid(z), "
                          "then grad_out * s * (1 - s)"),
        (g * s, "the sigmoid's derivative is sigmoid(z) * (1 - sigmoid(z)), not sigmoid(z)"),
        (g * (1 - s), "the sigmoid's derivative is sigmoid(z) * (1 - sigmoid(z)), not "
                      "1 - sigmoid(z)"),
        (g * (1 - np.tanh(z) ** 2), "that is tanh's derivative; the sigmoid's is "
                                    "sigmoid(z) * (1 - sigmoid(z))"),
        (g * (z > 0), "that is the ReLU's derivative; the sigmoid's is "
                      "sigmoid(z) * (1 - sigmoid(z))"),
        (g + s * (1 - s), "the chain rule multiplies the local derivative by grad_out; you "
                          "added them"),
        (g * s * (1 - s) * s, "one factor sigmoid(z) too many: the derivative is "
                              "sigmoid(z) * (1 - sigmoid(z))"),
        (-expected, "sign error: the sigmoid is increasing, so its derivative "
                    "sigmoid(z) * (1 - sigmoid(z)) is positive"),
    ]

    def body() -> None:
        for zz, gg in ((fb.as_jax(_Z), fb.as_jax(_G)), (_Z.copy(), _G.copy())):
            out = fb.call(fn, name, zz, gg, arg_names=("z", "grad_out"),
                          scalar_only="the backward pass calls it on whole (n, h) arrays")
            got = fb.to_array(out, name, usage="the backward pass multiplies it with "
                                               "matrices")
            if got.shape in {(3,), (4,), ()}:
                raise NotYet(f"{name} has shape {got.shape} but should have the shape of z, "
                             f"{_Z.shape}: the sigmoid acts elementwise, so its backward "
                             f"step is elementwise too; do not sum")
            fb.want_finite(got, name, "use jax.nn.sigmoid, which is stable for large |z|")
            fb.match(got, expected, mistakes, what=name,
                     fallback="multiply grad_out by s * (1 - s), with s = jax.nn.sigmoid(z)",
                     shape_advice="the result has the shape of z")

    return fb.checked("d loss / d z = grad_out * sigmoid(z) * (1 - sigmoid(z)), "
                      "elementwise.", body)


# ---- the diagnosis: five hand-written backward passes, some of them wrong -----------------

def _suspect(variant: str) -> Callable[[list, Any, Any], list]:
    """One backward pass for the ReLU network; ``variant`` changes a single line."""
    def backward(params: list, x: Any, labels: Any) -> list:
        w1, b1, w2, b2 = (params[i][key] for i in (0, 1) for key in ("w", "b"))
        z1 = x @ w1 + b1
        a1 = jax.nn.relu(z1)
        logits = a1 @ w2 + b2
        n, k = logits.shape
        g2 = jax.nn.softmax(logits) - jax.nn.one_hot(labels, k)
        if variant != "C":
            g2 = g2 / n                                    # C: the gradient of the summed loss
        grad_w2 = (g2.T @ a1).T if variant == "D" else a1.T @ g2
        if variant == "A":
            g1 = (g2 @ w2.T) * (a1 > 0)                    # A: tests a1 instead of z1
        elif variant == "E":
            g1 = (g2 @ w2.T) * jax.nn.relu(z1)             # E: relu(z1), not its derivative
        else:
            g1 = (g2 @ w2.T) * (z1 > 0)
        grad_b1 = g1.mean(axis=0) if variant == "B" else g1.sum(axis=0)
        return [{"w": x.T @ g1, "b": grad_b1}, {"w": grad_w2, "b": g2.sum(axis=0)}]
    backward.__name__ = f"backward_{variant}"
    return backward


def backward_suspects() -> dict[str, Callable[[list, Any, Any], list]]:
    """The five suspects A to E of the diagnosis exercise, by letter.

    Each is ``suspect(params, x, labels) -> grads`` for the ReLU network of
    ``backprop.mlp_backward``; they differ from it in one line each:

    - A: ``g1 = (g2 @ w2.T) * (a1 > 0)``
    - B: ``grad_b1 = g1.mean(axis=0)``
    - C: ``g2 = softmax(logits) - one_hot(labels, k)`` (no ``/ n``)
    - D: ``grad_w2 = (g2.T @ a1).T``
    - E: ``g1 = (g2 @ w2.T) * relu(z1)``

    Example:
      >>> sorted(backward_suspects())
      ['A', 'B', 'C', 'D', 'E']
    """
    return {letter: _suspect(letter) for letter in "ABCDE"}


_WRONG = {"B", "C", "E"}
_RIGHT_HINTS = {
    "A": "A is right: a1 = relu(z1) is positive exactly where z1 is, so (a1 > 0) equals "
         "(z1 > 0) and A's gradients match jax.grad; compare each suspect with jax.grad "
         "rather than with the chapter's code",
    "D": "D is right: (g2.T @ a1).T equals a1.T @ g2 (the transpose of a product is the "
         "product of the transposes, in reverse order), so D's gradients match jax.grad",
}
_MISSED_HINTS = {
    "B": "one more suspect is wrong on a single leaf, the hidden layer's bias: compare every "
         "leaf with jax.grad, biases included",
    "C": "one more suspect is wrong on every leaf by the same factor (the number of "
         "examples): compare the values with jax.grad, not only their signs or directions",
    "E": "one more suspect is wrong in the hidden layer only (w1 and b1), while its output "
         "layer matches: compare the hidden layer's leaves with jax.grad too",
}


def _letters(answer: Any) -> set[str]:
    if isinstance(answer, str):
        items = [c for c in answer.upper() if c.isalpha()]
    elif isinstance(answer, (set, frozenset, list, tuple)):
        items = []
        for item in answer:
            if not isinstance(item, str):
                raise NotYet(f"answer with the letters of the suspects, e.g. {{'A', 'B'}} or "
                             f"'AB', got an item of type {type(item).__name__}")
            items += [c for c in item.upper() if c.isalpha()]
    else:
        raise NotYet(f"answer with the letters of the wrong suspects as a set, a list or a "
                     f"string, e.g. {{'A', 'B'}} or 'AB'; got {type(answer).__name__} "
                     f"{answer!r}")
    unknown = sorted(set(items) - set("ABCDE"))
    if unknown:
        raise NotYet(f"there are only five suspects, A to E; got {', '.join(unknown)}")
    return set(items)


def check_wrong_backwards(answer: Any) -> bool:
    """Check the letters of the wrong suspects among ``backward_suspects()``.

    ``answer`` is a set, list or string of letters (case and separators do not
    matter), e.g. ``{"A", "B"}`` or ``"a, b"``. A right suspect named wrong
    gets a hint saying why it is right; a wrong suspect left out gets a hint
    about where its error shows.

    Example:
      >>> check_wrong_backwards("A")
      Not yet: A is right: a1 = relu(z1) is positive exactly where z1 is, so (a1 > 0)
      equals (z1 > 0) and A's gradients match jax.grad; compare each suspect with
      jax.grad rather than with the chapter's code
      False
    """
    def body() -> None:
        letters = _letters(answer)
        if not letters:
            raise NotYet("at least one suspect disagrees with jax.grad: compute, for each, "
                         "the largest absolute difference from jax.grad, leaf by leaf")
        for letter in sorted(letters - _WRONG):
            raise NotYet(_RIGHT_HINTS[letter])
        for letter in sorted(_WRONG - letters):
            raise NotYet(_MISSED_HINTS[letter])

    return fb.checked("B, C and E disagree with jax.grad: B averages the hidden bias's "
                      "gradient, C differentiates the summed loss, E multiplies by relu(z1) "
                      "instead of its derivative. A and D only look different.", body)
