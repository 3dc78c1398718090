"""The browser activities: their specs compute what the library computes.

The charts are rendered by vl-convert (Vega's own JavaScript, run in Python),
so the numbers they print are those a browser would print, and are compared
with the library's losses and with NumPy counts.
"""

import html
import json
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from dl_workshop import data, interactive, losses, models, optimizers, training

vl_convert = pytest.importorskip("vl_convert")


def rendered_text(chart) -> str:
    """All the text of the chart rendered as SVG by Vega (sliders at their start values)."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return html.unescape(" ".join(re.findall(r">([^<>]+)</(?:text|tspan)>", svg)))


@pytest.fixture(scope="module")
def line_data():
    ds = data.make_linear_data(jax.random.key(0), n=50, w=2.0, b=-1.0, noise_std=1.0)
    return np.asarray(ds.x[:, 0]), np.asarray(ds.y)


@pytest.mark.parametrize("w, b", [(0.5, 2.0), (2.0, -1.0), (3.5, -3.0)])
def test_line_fit_prints_the_library_mse(line_data, w, b):
    x, y = line_data
    chart = interactive.line_fit(x, y, reference_loss=1.25, w=w, b=b)
    text = rendered_text(chart)
    shown = float(re.search(r"mean squared error: ([0-9.]+)", text).group(1))
    expected = float(losses.mean_squared_error(jnp.asarray(w * x + b), jnp.asarray(y)))
    assert shown == pytest.approx(expected, abs=5.01e-4)
    assert "loss of the true line: 1.250" in text


def test_line_fit_has_two_labelled_sliders(line_data):
    spec = interactive.line_fit(*line_data, reference_loss=1.0).to_dict()
    binds = {p["name"]: p["bind"] for p in spec["params"]}
    assert binds["w"] == {"input": "range", "min": -1.0, "max": 4.0, "step": 0.05,
                          "name": "w (slope) "}
    assert binds["b"]["name"].startswith("b (intercept)")


def test_line_fit_rejects_bad_input(line_data):
    x, y = line_data
    with pytest.raises(ValueError, match=r"x and y must have the same shape"):
        interactive.line_fit(x, y[:-1], reference_loss=1.0)
    with pytest.raises(ValueError, match=r"w=9.0 must lie in its slider's range \(-1.0, 4.0\)"):
        interactive.line_fit(x, y, reference_loss=1.0, w=9.0)
    with pytest.raises(ValueError, match=r"y must be a non-empty array of shape \(n,\)"):
        interactive.line_fit(x, y[:, None], reference_loss=1.0)


def f(w):
    return (w - 3.0) ** 2 + 1.0


def test_descent_paths_match_the_library_fit():
    """Each path equals the params of training.fit after 1, 2, ... steps."""
    rates = np.array([0.1, 0.3, 0.9])
    paths = interactive.descent_paths(f, 0.0, rates, steps=5)
    assert paths.shape == (3, 6) and paths.dtype == np.float32

    def constant_model(params, x):
        return jnp.full(x.shape[0], params["w"])

    x, y = jnp.zeros((2, 1)), jnp.array([2.0, 4.0])  # its MSE is f(w)
    for k, rate in enumerate(rates):
        for t in range(1, 6):
            result = training.fit(constant_model, losses.mean_squared_error,
                                  optimizers.gradient_descent(float(rate)),
                                  {"w": jnp.array(0.0)}, x, y, steps=t)
            np.testing.assert_allclose(paths[k, t], result.params["w"], rtol=1e-6)


def test_descent_paths_match_fit_many():
    """The K paths of one call, against training.fit_many's K models (issue 12's API)."""
    fit_many = getattr(training, "fit_many", None)
    if fit_many is None:
        pytest.skip("training.fit_many is not in this version of the library")

    def constant_model(params, x):
        return jnp.full(x.shape[0], params["w"])

    rates = jnp.array([0.1, 0.3, 0.9, 1.1])  # the last one diverges
    result = fit_many(constant_model, losses.mean_squared_error,
                      optimizers.gradient_descent(rates), {"w": jnp.array(0.0)},
                      jnp.zeros((2, 1)), jnp.array([2.0, 4.0]), steps=8)
    paths = interactive.descent_paths(f, 0.0, rates, steps=8)
    np.testing.assert_allclose(result.losses, f(paths[:, :-1]), rtol=1e-5)
    np.testing.assert_allclose(result.params["w"], paths[:, -1], rtol=1e-5)


def test_descent_paths_diverge_without_error():
    paths = interactive.descent_paths(f, 0.0, [1.5], steps=30)
    assert abs(paths[0, -1] - 3.0) > 1e6


def test_learning_rates_say_which_runs_diverge():
    rates = np.arange(1, 13) * 0.1
    paths = interactive.descent_paths(f, 0.0, rates, steps=15)
    for rate, verdict in [(0.3, "converges"), (1.0, "bounce back and forth"),
                          (1.1, "diverges")]:
        chart = interactive.learning_rates(f, rates, paths, w_range=(-3, 9), value=rate)
        text = rendered_text(chart)
        assert f"learning rate {rate:.2f}:" in text
        assert verdict in text


def test_learning_rates_rejects_uneven_or_mismatched_grids():
    rates = np.array([0.1, 0.2, 0.4])
    paths = np.zeros((3, 4))
    with pytest.raises(ValueError, match="evenly spaced and increasing"):
        interactive.learning_rates(f, rates, paths, w_range=(0, 1))
    with pytest.raises(ValueError, match=r"paths must have shape \(2, T \+ 1\)"):
        interactive.learning_rates(f, rates[:2], paths, w_range=(0, 1))


def counts_at(p, labels, t):
    predicted = p > t
    return {"nn": int(np.sum(~predicted & (labels == 0))), "np": int(np.sum(predicted & (labels == 0))),
            "pn": int(np.sum(~predicted & (labels == 1))), "pp": int(np.sum(predicted & (labels == 1)))}


@pytest.fixture(scope="module")
def cancer_probabilities(breast_cancer):
    """Predicted probabilities of class 1 on the breast-cancer test set, and its labels."""
    x_train, y_train, x_test, y_test = breast_cancer
    params = training.fit(models.logistic_apply, losses.binary_cross_entropy,
                          optimizers.gradient_descent(0.1),
                          models.logistic_init(jax.random.key(1), x_train.shape[1]),
                          x_train, y_train, steps=200).params
    return np.asarray(models.logistic_predict_proba(params, x_test), dtype=np.float64), y_test


@pytest.mark.parametrize("t", [0.05, 0.5, 0.93])
def test_threshold_counts_match_numpy(cancer_probabilities, t):
    p, y_test = cancer_probabilities
    chart = interactive.threshold(p, y_test, class_names=("malignant", "benign"), value=t)
    text = rendered_text(chart)
    c = counts_at(p, np.asarray(y_test), t)
    assert f"threshold {t:.2f}" in text
    assert f"truly malignant, predicted malignant: {c['nn']}" in text
    assert f"truly benign, predicted benign: {c['pp']}" in text
    assert f"malignant called benign: {c['np']}" in text
    assert f"benign called malignant: {c['pn']}" in text


def test_threshold_rejects_bad_labels_and_probabilities():
    with pytest.raises(ValueError, match="labels must be 0/1"):
        interactive.threshold([0.2, 0.7], [0, 2])
    with pytest.raises(ValueError, match=r"probabilities must lie in \[0, 1\]"):
        interactive.threshold([0.2, 1.7], [0, 1])


def test_to_html_is_hidden_until_drawn_and_keeps_the_spec_intact():
    chart = interactive.threshold([0.1, 0.9], [0, 1], class_names=("a</script>", "b"))
    output = interactive.to_html(chart, description="Two examples & a threshold.").data
    assert output.startswith('<div class="vega-activity" hidden>')
    assert "Two examples &amp; a threshold." in output
    payload = re.search(r'<script type="application/json" class="vega-activity-spec">(.*)</script>',
                        output).group(1)
    assert "</script>" not in payload
    spec = json.loads(payload)
    assert spec["description"] == "Two examples & a threshold."
    assert spec == json.loads(json.dumps(chart.properties(
        description="Two examples & a threshold.").to_dict()))
    with pytest.raises(ValueError, match="description must be a sentence"):
        interactive.to_html(chart, description=" ")
