"""Activities that compute in the reader's browser, on the static website.

Each function builds a Vega-Lite chart (with Altair) whose sliders are Vega-Lite
parameters bound to range inputs: moving one recomputes the chart in the
browser, with no Python kernel. ``to_html`` wraps a chart as the HTML output
the website shows; the book's Sphinx extension ``vega_activities`` serves the
Vega libraries once from the site and draws every such output. Without
JavaScript, and in print, the output stays hidden and the chapter's static
figure stands in for it.

In a live notebook the chapters use ipywidgets instead, which call back into
Python; the cells that show these charts are tagged ``site-only``.

Example:
  >>> chart = line_fit([0.0, 1.0, 2.0], [1.0, 2.9, 5.2], reference_loss=0.02)
  >>> sorted(p.name for p in chart.params)
  ['b', 'w']
  >>> html = to_html(chart, description="A line through three points.")
  >>> html.data.startswith('<div class="vega-activity" hidden>')
  True
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import jax
import jax.numpy as jnp
import numpy as np
from IPython.display import HTML

from dl_workshop.plotting import COLORS

__all__ = ["line_fit", "descent_paths", "learning_rates", "threshold", "to_html"]

_TEXT = {"align": "left", "baseline": "top", "fontSize": 13}


def _vector(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty array of shape (n,), got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers, got {array[~np.isfinite(array)][:3]}")
    return array


def _interval(values: Sequence[float], name: str) -> tuple[float, float]:
    low, high = (float(v) for v in values)
    if not low < high:
        raise ValueError(f"{name} must be (low, high) with low < high, got {tuple(values)}")
    return low, high


def _slider(name: str, label: str, value: float, interval: tuple[float, float],
            step: float) -> alt.Parameter:
    if not interval[0] <= value <= interval[1]:
        raise ValueError(f"{name}={value} must lie in its slider's range {interval}")
    return alt.param(name=name, value=value, bind=alt.binding_range(
        min=interval[0], max=interval[1], step=step, name=label))


def _with_data(chart: alt.TopLevelMixin, **datasets: list[dict[str, Any]]) -> alt.TopLevelMixin:
    """``chart`` with the rows of each dataset its layers name (``alt.NamedData``).

    The layers refer to their data by name, so Altair's copies of them while the
    chart is assembled (one per layer, per parameter, per concatenation) do not
    copy the rows. The rows are plain numbers and text and are not validated
    against the Vega-Lite schema, which takes about a second for two thousand rows.
    """
    chart = chart.copy(deep=False)
    chart.datasets = datasets
    return chart


def line_fit(x: Any, y: Any, *, reference_loss: float, w: float = 0.5, b: float = 2.0,
             w_range: Sequence[float] = (-1.0, 4.0), b_range: Sequence[float] = (-4.0, 4.0),
             step: float = 0.05) -> alt.LayerChart:
    """Sliders for ``w`` and ``b`` over a scatter of ``(x, y)``.

    The browser redraws the line ``w * x + b``, the residual segments, and the
    mean squared error ``mean((w * x + b - y) ** 2)`` (printed to three
    decimals) beside ``reference_loss``, the loss of the true line.

    Args:
      x, y: the data, each of shape (n,).
      reference_loss: the loss to compare with, e.g. the true line's.
      w, b: the sliders' starting values; ``w_range``, ``b_range`` their ranges.
      step: the sliders' step (also what one arrow key press moves).
    """
    x, y = _vector(x, "x"), _vector(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape (n,), got {x.shape} and {y.shape}")
    params = (_slider("w", "w (slope) ", w, _interval(w_range, "w_range"), step),
              _slider("b", "b (intercept) ", b, _interval(b_range, "b_range"), step))
    pad_x, pad_y = 0.05 * np.ptp(x) + 0.5, 0.15 * np.ptp(y) + 1.0
    x_scale = alt.Scale(domain=[float(x.min() - pad_x), float(x.max() + pad_x)], nice=False)
    y_scale = alt.Scale(domain=[float(y.min() - pad_y), float(y.max() + pad_y)], nice=False)
    points = alt.Chart(alt.NamedData(name="points"))
    prediction = "w * datum.x + b"

    residuals = points.transform_calculate(prediction=prediction).mark_rule(
        color="#999999", clip=True).encode(
        x=alt.X("x:Q", scale=x_scale, title="x"), y=alt.Y("y:Q", scale=y_scale, title="y"),
        y2="prediction:Q")
    scatter = points.mark_circle(size=36, color=COLORS["blue"], opacity=0.9).encode(
        x="x:Q", y="y:Q")
    ends = alt.Chart(alt.NamedData(name="ends"))
    line = ends.transform_calculate(prediction=prediction).mark_line(
        color=COLORS["orange"], clip=True, strokeWidth=3).encode(x="x:Q", y="prediction:Q")
    mse = points.transform_calculate(
        squared=f"pow({prediction} - datum.y, 2)").transform_aggregate(
        mse="mean(squared)").transform_calculate(
        text="'mean squared error: ' + format(datum.mse, '.3f')").mark_text(
        **_TEXT, fontWeight="bold").encode(x=alt.value(8), y=alt.value(6), text="text:N")
    reference = alt.Chart(alt.NamedData(name="reference")).mark_text(
        **_TEXT).encode(x=alt.value(8), y=alt.value(26), text="text:N")
    chart = alt.layer(residuals, scatter, line, mse, reference).add_params(*params).properties(
        width=460, height=320)
    return _with_data(chart, points=[{"x": float(a), "y": float(c)} for a, c in zip(x, y)],
                      ends=[{"x": d} for d in x_scale.domain],
                      reference=[{"text": f"loss of the true line: {float(reference_loss):.3f}"}])


def descent_paths(f: Callable[[jax.Array], jax.Array], w0: float, learning_rates: Any,
                  *, steps: int) -> np.ndarray:
    """Gradient descent on a scalar function ``f``, once for each learning rate.

    One compiled ``lax.scan`` of ``w <- w - learning_rate * f'(w)``, vectorized
    over the K learning rates with ``vmap``. A learning rate that is too large
    gives a path that grows without bound; nothing is checked or stopped.

    Args:
      f: a function of one float, differentiable with ``jax.grad``.
      w0: the starting point, shared by every path.
      learning_rates: shape (K,).
      steps: number of gradient descent steps.

    Returns:
      float32 array of shape (K, steps + 1): ``paths[k, t]`` is ``w_t`` for
      ``learning_rates[k]``, starting with ``w_0 = w0``.

    Example:
      >>> descent_paths(lambda w: (w - 3.0) ** 2, 0.0, [0.25, 0.5], steps=2)
      array([[0.  , 1.5 , 2.25],
             [0.  , 3.  , 3.  ]], dtype=float32)
    """
    rates = jnp.asarray(_vector(learning_rates, "learning_rates"), dtype=jnp.float32)
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    grad = jax.grad(f)

    def one_path(rate: jax.Array) -> jax.Array:
        def step(w: jax.Array, _: None) -> tuple[jax.Array, jax.Array]:
            new = w - rate * grad(w)
            return new, new

        start = jnp.asarray(w0, dtype=jnp.float32)
        return jnp.concatenate([start[None], jax.lax.scan(step, start, None, length=steps)[1]])

    return np.asarray(jax.jit(jax.vmap(one_path))(rates))


def _outcome(rate: float, losses: np.ndarray) -> str:
    first, last = losses[0], losses[-1]
    if not np.isfinite(last) or last > first:
        verdict = "the loss grows, so gradient descent diverges"
    elif last < first:
        verdict = "the loss falls, so gradient descent converges"
    else:
        verdict = "the loss stays where it started: the steps bounce back and forth"
    return (f"learning rate {rate:.2f}: after {losses.size - 1} steps the loss is "
            f"{last:.4g} (it started at {first:.4g});\n{verdict}.")


def learning_rates(f: Callable[[np.ndarray], np.ndarray], learning_rates: Any,
                   paths: Any, *, w_range: Sequence[float], value: float | None = None
                   ) -> alt.HConcatChart:
    """A learning-rate slider over precomputed gradient descent paths.

    Left, the path ``paths[k]`` drawn on the curve of ``f``; right, its loss
    ``f(w_t)`` against the step ``t`` (log scale); below, a sentence saying
    whether that run converges or diverges. The slider steps through
    ``learning_rates``, which must be evenly spaced.

    Args:
      f: the loss, evaluated with NumPy on arrays of ``w``.
      learning_rates: shape (K,), evenly spaced, increasing.
      paths: shape (K, T + 1), e.g. from ``descent_paths``.
      w_range: the horizontal extent of the left panel.
      value: the slider's starting learning rate (default: the middle one).
    """
    # Seven significant digits: float32 learning rates show as 0.31, not 0.3099999...
    rates = np.array([float(f"{r:.7g}") for r in _vector(learning_rates, "learning_rates")])
    paths = np.asarray(paths, dtype=np.float64)
    if paths.ndim != 2 or paths.shape[0] != rates.size:
        raise ValueError(f"paths must have shape ({rates.size}, T + 1), one row per learning "
                         f"rate, got shape {paths.shape}")
    gaps = np.diff(rates)
    spacing = float(f"{gaps.mean():.7g}") if gaps.size else 1.0
    if (gaps <= 0).any() or not np.allclose(gaps, spacing, rtol=1e-3):
        raise ValueError("learning_rates must be evenly spaced and increasing, got gaps "
                         f"from {gaps.min():.3g} to {gaps.max():.3g}")
    w_low, w_high = _interval(w_range, "w_range")
    start = float(rates[rates.size // 2] if value is None else value)
    slider = _slider("lr", "learning rate ", start, (float(rates[0]), float(rates[-1])), spacing)
    losses = np.asarray(f(paths), dtype=np.float64)

    rows = [{"lr": float(r), "step": t, "w": float(w), "loss": float(loss),
             "point": f"step {t}: w = {float(w)!r}"}
            for r, path, loss_path in zip(rates, paths, losses)
            for t, (w, loss) in enumerate(zip(path, loss_path))]
    chosen = f"abs(datum.lr - lr) < {spacing / 2!r}"
    runs = alt.Chart(alt.NamedData(name="runs")).transform_filter(chosen)
    grid = np.linspace(w_low, w_high, 121)
    curve_values = np.asarray(f(grid), dtype=np.float64)
    x_scale = alt.Scale(domain=[w_low, w_high], nice=False)
    y_scale = alt.Scale(domain=[float(curve_values.min()), float(curve_values.max())], nice=False)
    curve = alt.Chart(alt.NamedData(name="curve")).mark_line(
        color="#999999").encode(x=alt.X("w:Q", scale=x_scale, title="w"),
                                y=alt.Y("f:Q", scale=y_scale, title="f(w)"))
    path_line = runs.mark_line(color=COLORS["blue"], clip=True).encode(
        x="w:Q", y="loss:Q", order="step:Q")
    path_points = runs.mark_point(filled=True, size=50, color=COLORS["blue"], clip=True).encode(
        x="w:Q", y="loss:Q", description="point:N")
    on_curve = alt.layer(curve, path_line, path_points).properties(
        width=340, height=260, title="the steps on f(w)")
    loss_curve = runs.mark_line(point=alt.OverlayMarkDef(color=COLORS["orange"]),
                                color=COLORS["orange"]).encode(
        x=alt.X("step:Q", title="step"),
        y=alt.Y("loss:Q", scale=alt.Scale(type="log"), title="loss f(w), log scale")).properties(
        width=300, height=260, title="the loss at each step")
    outcome = alt.Chart(alt.NamedData(name="outcome")).transform_filter(
        chosen).mark_text(**_TEXT, fontWeight="bold", lineBreak="\n", lineHeight=18).encode(
        x=alt.value(0), y=alt.value(4), text="text:N").properties(width=640, height=40)
    top = alt.hconcat(on_curve, loss_curve)
    chart = alt.vconcat(top, outcome).add_params(slider).resolve_scale(
        y="independent").configure_view(stroke=None)
    return _with_data(chart, runs=rows,
                      curve=[{"w": float(a), "f": float(c)} for a, c in zip(grid, curve_values)],
                      outcome=[{"lr": float(r), "text": _outcome(float(r), loss)}
                               for r, loss in zip(rates, losses)])


def threshold(probabilities: Any, labels: Any, *, class_names: Sequence[str] = ("0", "1"),
              value: float = 0.5, step: float = 0.01) -> alt.HConcatChart:
    """A slider for the decision threshold on predicted probabilities of class 1.

    The browser recounts the confusion matrix (an example is predicted as
    class 1 when its probability is greater than the threshold), prints the
    two kinds of error, and moves the threshold line on a histogram of the
    probabilities, coloured by true class.

    Args:
      probabilities: shape (n,), predicted probabilities of class 1.
      labels: shape (n,), the true 0/1 labels.
      class_names: names of class 0 and class 1.
      value, step: the slider's starting value and step.
    """
    p, labels = _vector(probabilities, "probabilities"), _vector(labels, "labels")
    if p.shape != labels.shape:
        raise ValueError(f"probabilities and labels must have the same shape (n,), "
                         f"got {p.shape} and {labels.shape}")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(f"labels must be 0/1, got values {np.unique(labels)[:5].tolist()}")
    if ((p < 0) | (p > 1)).any():
        raise ValueError("probabilities must lie in [0, 1]")
    neg, pos = (str(name) for name in class_names)
    slider = _slider("t", "decision threshold ", value, (0.0, 1.0), step)
    data = alt.NamedData(name="examples")
    colors = alt.Scale(domain=[neg, pos], range=[COLORS["vermillion"], COLORS["blue"]])
    histogram = alt.Chart(data).mark_bar(opacity=0.7, binSpacing=0).encode(
        x=alt.X("p:Q", bin=alt.Bin(extent=[0, 1], step=0.05),
                title=f"predicted probability of {pos}"),
        y=alt.Y("count():Q", stack=None, title="examples"),
        color=alt.Color("truth:N", scale=colors, title="truly",
                        legend=alt.Legend(orient="top")))
    line = alt.Chart(alt.NamedData(name="one")).transform_calculate(t="t").mark_rule(
        color="black", strokeDash=[5, 3], strokeWidth=2).encode(x="t:Q")
    cells = {"nn": (0, "<="), "np": (0, ">"), "pn": (1, "<="), "pp": (1, ">")}
    counts = alt.Chart(data).transform_calculate(**{
        key: f"datum.label == {c} && datum.p {op} t ? 1 : 0" for key, (c, op) in cells.items()
    }).transform_aggregate(**{key: f"sum({key})" for key in cells}).transform_calculate(
        text=("'threshold ' + format(t, '.2f') + ':\\npredict " + pos + " when p > threshold'"
              f" + '\\n\\ntruly {neg}, predicted {neg}: ' + datum.nn"
              f" + '\\ntruly {neg}, predicted {pos}: ' + datum.np"
              f" + '\\ntruly {pos}, predicted {neg}: ' + datum.pn"
              f" + '\\ntruly {pos}, predicted {pos}: ' + datum.pp"
              f" + '\\n\\n{neg} called {pos}: ' + datum.np"
              f" + '\\n{pos} called {neg}: ' + datum.pn")).mark_text(
        **_TEXT, lineBreak="\n", lineHeight=20).encode(
        x=alt.value(0), y=alt.value(10), text="text:N").properties(width=300, height=200)
    chart = alt.layer(histogram, line).properties(width=360, height=240)
    both = alt.hconcat(chart, counts).add_params(slider).configure_view(stroke=None)
    return _with_data(both, examples=[{"p": float(q), "label": int(c), "truth": (neg, pos)[int(c)]}
                                      for q, c in zip(p, labels)],
                      one=[{}])


def to_html(chart: alt.TopLevelMixin, *, description: str) -> HTML:
    """The chart as an HTML output that the website draws (hidden until it is drawn).

    ``description`` is the text alternative: a sentence or two saying what the
    chart shows and what the controls change. It is shown under the chart and
    is the accessible name of the drawing.
    """
    if not isinstance(description, str) or not description.strip():
        raise ValueError("description must be a sentence saying what the chart shows")
    described = chart.copy(deep=False)
    described.description = description
    datasets, described.datasets = described.datasets, alt.Undefined
    spec = described.to_dict()  # checked against the Vega-Lite schema
    if datasets is not alt.Undefined:
        spec["datasets"] = datasets
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    return HTML(
        '<div class="vega-activity" hidden>'
        '<div class="vega-activity-chart"></div>'
        f'<p class="vega-activity-description">{html.escape(description)}</p>'
        f'<script type="application/json" class="vega-activity-spec">{payload}</script>'
        "</div>"
    )
