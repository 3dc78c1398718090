"""The theme's dark mode can be switched on, and pages and figures stay readable.

(The one dark-mode suite: it took over tests/figures/test_dark_mode.py's checks that
each figure and gallery thumbnail sits, unfiltered, on a white card.)
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page

from tests.browser import open_page
from .conftest import toc_pages
from tests.contrast import contrast_ratio, css_rgb, figure_contrast, luminance
from .inspect_page import blocking_violations

#: WCAG AA for the ink of a figure against its own background (as for body text).
MIN_FIGURE_CONTRAST = 4.5
FIGURES = ".bd-article img"
GALLERY = "book/appendix/figures.html"


def assert_on_white_card(tab: Page, selector: str) -> int:
    """Every image matching ``selector`` is unfiltered, on white, with legible ink; their count."""
    images = tab.locator(selector)
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        image.evaluate("el => el.decode()")
        style = image.evaluate("el => { const s = getComputedStyle(el); return [s.filter, s.backgroundColor]; }")
        assert style == ["none", "rgb(255, 255, 255)"], f"{selector} #{index}: {style}"
        shade, ratio = figure_contrast(image.screenshot())
        assert shade > 0.9, f"{selector} #{index}: background luminance {shade:.2f}"
        assert ratio >= MIN_FIGURE_CONTRAST, f"{selector} #{index}: ink contrast {ratio:.1f}"
    return images.count()


def switch_to_dark(page: Page) -> None:
    """Click the theme's colour-mode button until the page is dark (it cycles modes)."""
    button = page.locator(".theme-switch-button:visible").first
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == "dark":
            break
        button.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark", "dark mode never came on"
    # Move away so the button's tooltip fades out (axe would catch it half-transparent).
    page.mouse.move(0, page.viewport_size["height"] - 1)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_selector(".tooltip", state="detached")


@pytest.mark.parametrize("page", toc_pages())
def test_dark_mode_keeps_the_page_and_its_figures_readable(
    browser: Browser, site_url: str, page: str
) -> None:
    # The reader's system asks for light, so the page starts light and the button must do the work.
    with open_page(browser, site_url + page, color_scheme="light") as (tab, log):
        switch_to_dark(tab)
        tab.wait_for_timeout(500)  # let the theme's colour transitions finish

        colours = tab.evaluate(
            """() => [getComputedStyle(document.body).backgroundColor,
                      getComputedStyle(document.querySelector(".bd-article")).color]"""
        )
        background, text = (float(luminance(css_rgb(c))) for c in colours)
        assert background < 0.1, f"{page}: the page background is not dark ({colours[0]})"
        assert contrast_ratio(background, text) >= 4.5, f"{page}: body text contrast {colours}"

        low_contrast = blocking_violations(tab, rules=["color-contrast"])
        assert not low_contrast, f"{page} in dark mode:\n" + json.dumps(low_contrast, indent=2)

        assert_on_white_card(tab, "figure.citable-figure img")
        figures = tab.locator(FIGURES)
        for index in range(figures.count()):
            figure = figures.nth(index)
            figure.scroll_into_view_if_needed()
            shade, ratio = figure_contrast(figure.screenshot())
            assert ratio >= MIN_FIGURE_CONTRAST, (
                f"{page}: figure {index + 1} ({figure.get_attribute('src')}) reads poorly in "
                f"dark mode: ink contrast {ratio:.1f} on a background of luminance {shade:.2f}"
            )
        assert not log.problems(), log.problems()


def test_gallery_thumbnails_sit_on_white_cards_in_dark_mode(browser: Browser, site_url: str) -> None:
    with open_page(browser, site_url + GALLERY, color_scheme="light") as (tab, log):
        switch_to_dark(tab)
        tab.wait_for_timeout(500)
        assert assert_on_white_card(tab, ".citable-thumb img") >= 1, "the gallery shows no thumbnail"
        assert not log.problems(), log.problems()
