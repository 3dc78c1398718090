"""Figures stay legible in the theme's dark mode, checked in a real browser.

Headless Debian Chromium, driven by Playwright, opens the built pages from a local
server and switches the theme to dark the way its toggle does (``data-theme`` on
<html>). Each figure must sit, unfiltered, on a white card, and the pixels on screen
must keep a strong contrast between the figure's ink and its background.
"""

from __future__ import annotations

import functools
import http.server
import io
import threading
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from _figsite import GALLERY, SITE, page_figures

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The built site, served on a free port of 127.0.0.1 for the module's tests."""
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def open_dark(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(url)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    return page


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def css_rgb(value: str) -> tuple[int, int, int]:
    parts = value[value.index("(") + 1:value.index(")")].split(",")
    return tuple(int(float(p)) for p in parts[:3])  # type: ignore[return-value]


def ink_contrast(png: bytes) -> tuple[float, float]:
    """(background luminance, contrast ratio of the darkest 1% of pixels against it)."""
    with Image.open(io.BytesIO(png)) as shot:
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 24)  # [(count, (r, g, b))]
    bg = luminance(max(colours)[1])
    ranked = sorted((luminance(rgb), count) for count, rgb in colours)
    darkest_share, total, ink = 0, sum(count for _, count in ranked), ranked[0][0]
    for ink, count in ranked:  # walk up from the darkest pixels to 1% of the area
        darkest_share += count
        if darkest_share >= total / 100:
            break
    return bg, (bg + 0.05) / (ink + 0.05)


def assert_on_white_card(page: Page, selector: str) -> int:
    images = page.locator(selector)
    count = images.count()
    for i in range(count):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        img.evaluate("el => el.decode()")
        style = img.evaluate("el => { const s = getComputedStyle(el); "
                             "return [s.filter, s.backgroundColor]; }")
        assert style == ["none", "rgb(255, 255, 255)"], f"{selector} #{i}: {style}"
        bg, contrast = ink_contrast(img.screenshot())
        assert bg > 0.9, f"{selector} #{i}: background luminance {bg:.2f}"
        assert contrast >= 4.5, f"{selector} #{i}: ink contrast {contrast:.1f}:1 (WCAG AA: 4.5)"
    return count


def test_chapter_figures_are_legible_in_dark_mode(browser: Browser, base_url: str) -> None:
    pages = sorted({f.page for f in page_figures(SITE)})
    assert pages, "no figures in the built site"
    for path in pages:
        page = open_dark(browser, base_url + path)
        try:
            body = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert luminance(css_rgb(body)) < 0.1, f"{path}: dark mode is not on ({body})"
            assert assert_on_white_card(page, "figure.citable-figure img") >= 1
        finally:
            page.close()


def test_gallery_thumbnails_are_legible_in_dark_mode(browser: Browser, base_url: str) -> None:
    page = open_dark(browser, base_url + GALLERY)
    try:
        assert assert_on_white_card(page, ".citable-thumb img") == len(page_figures(SITE))
    finally:
        page.close()
