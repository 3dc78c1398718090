"""The hands-on activities compute in the reader's browser, offline, what the library computes.

Each test opens a chapter with the network cut off, moves a slider with the
keyboard, reads what the page shows, and compares it with the library (or
NumPy) on the data the page holds. That data is tied to the chapter by a
number the chapter's prose prints (a glued result).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import jax.numpy as jnp
import numpy as np
import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Locator, Page

from dl_workshop import losses, optimizers, training

from tests.browser import open_page
from .conftest import toc_pages

CH1 = "book/part1/01-neural-networks-from-scratch.html"
CH2 = "book/part1/02-gradient-based-optimization.html"
CH4 = "book/part1/04-logistic-regression.html"
ACTIVITY_PAGES = [CH1, CH2, CH4]
BUNDLE = "_static/vega/vega-bundle.min.js"

SETTLE_VIEWS = """async () => {
  for (const box of document.querySelectorAll('.vega-activity')) await box.vegaView.runAsync();
}"""
SPEC_DATASETS = """() => Array.from(document.querySelectorAll('.vega-activity-spec'))
  .map((s) => JSON.parse(s.textContent).datasets)"""


@pytest.fixture
def chapter(browser: Browser, site_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """The chapter ``request.param``, offline, with its activity drawn."""
    # Waits for the activity itself rather than for network silence (slow on a busy machine).
    with open_page(browser, site_url + request.param, settle=False) as (page, log):
        page.locator(".vega-activity.vega-activity-ready").first.wait_for(timeout=60_000)
        yield page
        assert not log.problems(), log.problems()
        fetched = [r.url for r in log.responses if urlsplit(r.url).path == "/" + BUNDLE]
        assert len(fetched) == 1, f"the Vega bundle was fetched {len(fetched)} times"


def activity_text(page: Page) -> str:
    """Every text the activities' drawings show, once the views have settled."""
    page.evaluate(SETTLE_VIEWS)
    return " ".join(page.locator(".vega-activity svg text").all_text_contents())


def set_slider(page: Page, label: str, value: float) -> Locator:
    """Move the slider named ``label`` to ``value`` with the keyboard (Home, then arrows)."""
    slider = page.get_by_role("slider", name=label)
    low, step = float(slider.get_attribute("min")), float(slider.get_attribute("step"))
    slider.focus()
    slider.press("Home")
    for _ in range(round((value - low) / step)):
        slider.press("ArrowRight")
    assert float(slider.input_value()) == pytest.approx(value)
    page.evaluate(SETTLE_VIEWS)
    return slider


def dataset_with(page: Page, *fields: str) -> list[dict]:
    """The rows of the page's one embedded dataset that has ``fields``."""
    found = [rows for datasets in page.evaluate(SPEC_DATASETS) for rows in datasets.values()
             if set(fields) <= set(rows[0])]
    assert len(found) == 1, f"expected one dataset with fields {fields}, found {len(found)}"
    return found[0]


def glued_number(page: Page, pattern: str) -> float:
    """A number the chapter's prose prints (a glued result), found by ``pattern``."""
    text = " ".join(page.locator("main p").all_text_contents())
    match = re.search(pattern, text)
    assert match, f"the page's prose has no match for {pattern!r}"
    return float(match.group(1))


@pytest.mark.parametrize("chapter", [CH1], indirect=True)
def test_chapter1_mse_follows_the_sliders(chapter: Page) -> None:
    rows = dataset_with(chapter, "x", "y")
    x = jnp.array([row["x"] for row in rows])
    y = jnp.array([row["y"] for row in rows])
    for w, b in [(0.5, 2.0), (2.0, -1.0), (3.5, -3.0)]:
        set_slider(chapter, "w (slope)", w)
        set_slider(chapter, "b (intercept)", b)
        text = activity_text(chapter)
        shown = float(re.search(r"mean squared error: (\d+\.\d{3})", text).group(1))
        expected = float(losses.mean_squared_error(w * x + b, y))
        assert shown == pytest.approx(expected, abs=5e-4 + 1e-6), (w, b, text)
        if (w, b) == (2.0, -1.0):  # the true line: the chapter's prose prints its loss
            assert shown == pytest.approx(
                glued_number(chapter, r"its loss is (\d+\.\d+)"), abs=5e-3 + 1e-6)
    assert "loss of the true line" in text


@pytest.mark.parametrize("chapter", [CH2], indirect=True)
def test_chapter2_learning_rate_paths(chapter: Page) -> None:
    set_slider(chapter, "learning rate", 1.2)
    assert "diverges" in activity_text(chapter)

    rate = 0.3
    set_slider(chapter, "learning rate", rate)
    text = activity_text(chapter)
    assert f"learning rate {rate:.2f}:" in text and "converges" in text
    labels = chapter.locator(".vega-activity svg [aria-label^='step ']").evaluate_all(
        "(marks) => marks.map((m) => m.getAttribute('aria-label'))")
    shown = dict(re.fullmatch(r"step (\d+): w = (\S+)", label).groups() for label in labels)
    path = np.array([float(shown[str(t)]) for t in range(len(shown))])
    assert len(path) > 5

    # The chapter's f(w) is the MSE of a constant model on the targets 2 and 4.
    def constant_model(params, x):
        return jnp.full(x.shape[0], params["w"])

    x, y = jnp.zeros((2, 1)), jnp.array([2.0, 4.0])
    library = [path[0]] + [
        float(training.fit(constant_model, losses.mean_squared_error,
                           optimizers.gradient_descent(rate), {"w": jnp.array(path[0])},
                           x, y, steps=t).params["w"])
        for t in range(1, len(path))]
    np.testing.assert_allclose(path, library, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("chapter", [CH4], indirect=True)
def test_chapter4_threshold_counts(chapter: Page) -> None:
    rows = dataset_with(chapter, "p", "label")
    p = np.array([row["p"] for row in rows])
    label = np.array([row["label"] for row in rows])
    for t in (0.2, 0.5, 0.85):
        set_slider(chapter, "decision threshold", t)
        text = activity_text(chapter)
        predicted = p > t
        expected = {
            "truly malignant, predicted malignant": np.sum(~predicted & (label == 0)),
            "truly malignant, predicted benign": np.sum(predicted & (label == 0)),
            "truly benign, predicted malignant": np.sum(~predicted & (label == 1)),
            "truly benign, predicted benign": np.sum(predicted & (label == 1)),
            "malignant called benign": np.sum(predicted & (label == 0)),
            "benign called malignant": np.sum(~predicted & (label == 1)),
        }
        assert f"threshold {t:.2f}" in text
        for what, count in expected.items():
            assert re.search(rf"{what}: (\d+)", text).group(1) == str(count), (t, what, text)
        if t == 0.5:  # the chapter's prose prints the number of mistakes at 1/2
            mistakes = glued_number(chapter, r"the model makes (\d+) mistakes")
            assert expected["malignant called benign"] + expected["benign called malignant"] \
                == mistakes


@pytest.mark.parametrize("page", ACTIVITY_PAGES)
def test_activity_is_accessible_and_replaces_the_live_notebook_note(
    browser: Browser, site_url: str, page: str
) -> None:
    with open_page(browser, site_url + page, settle=False) as (chapter, log):
        chapter.locator(".vega-activity.vega-activity-ready").first.wait_for(timeout=60_000)
        for slider in chapter.locator(".vega-activity input[type=range]").all():
            assert slider.is_visible()
            name = slider.evaluate("(s) => s.closest('label').textContent")
            assert name.strip(), "a slider without a visible label"
        drawing = chapter.locator(".vega-activity .vega-activity-chart").first
        description = chapter.locator(".vega-activity .vega-activity-description").first
        assert drawing.get_attribute("aria-label") == description.text_content()
        assert len(description.text_content()) > 80, "the drawing has no text alternative"
        assert chapter.locator(".live-notebook-only:visible").count() == 0
        assert not log.problems(), log.problems()
    # Axe-core checks each activity page once it is drawn: test_accessibility.py.


@pytest.mark.parametrize("page", ACTIVITY_PAGES)
def test_print_and_no_javascript_show_the_static_figure(browser: Browser, site_url: str,
                                                         page: str) -> None:
    """The fallback: the activity is hidden; the chapter's figures (and notes) stay."""
    with open_page(browser, site_url + page, settle=False) as (tab, log):
        tab.locator(".vega-activity.vega-activity-ready").first.wait_for(timeout=60_000)
        tab.emulate_media(media="print")
        assert not tab.locator(".vega-activity").first.is_visible()
        assert tab.locator("figure img").first.is_visible()
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.route("**/*", lambda route, request: route.continue_()
                  if request.url.startswith(site_url) else route.abort())
        tab.goto(site_url + page)
        assert not tab.locator(".vega-activity").first.is_visible()
        assert tab.locator("figure img").first.is_visible()
        if page == CH1:
            assert tab.locator(".live-notebook-only").is_visible()
    finally:
        context.close()


def test_vega_is_served_once_and_only_where_an_activity_is(html_dir) -> None:
    """One shared, cacheable file of this site, referenced only by the pages that need it."""
    assert (html_dir / BUNDLE).stat().st_size > 100_000
    for page in toc_pages():
        html = (html_dir / page).read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        has_activity = bool(soup.select(".vega-activity"))
        assert has_activity == (page in ACTIVITY_PAGES), page
        scripts = [tag["src"] for tag in soup.find_all("script", src=True)
                   if urlsplit(tag["src"]).path.endswith(BUNDLE.removeprefix("_static"))]
        assert len(scripts) == int(has_activity), (page, scripts)
        assert "vegaEmbed=" not in html, f"{page} inlines the Vega libraries"
        for spec in soup.select(".vega-activity-spec"):
            assert json.loads(spec.string)["$schema"].startswith("https://vega.github.io/schema/")
