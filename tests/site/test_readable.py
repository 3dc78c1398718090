"""Readable on a desktop (1280 px) and on a phone (390 px), in Chromium.

- Text in every figure is at least 9 CSS px, measured on the rendered SVG: each
  figure is drawn inline at the width its <img> has on the page, and the size of
  each piece of text is read from its glyphs' transform on the screen.
- No cell output shows an absolute path of the machine that built the site.
- No element of the page's content sticks out of the page unless it sits in a
  box that scrolls sideways (wide equations, tables and figures scroll).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from tests.browser import SETTLE_JS, open_page
from .conftest import toc_pages

#: The smallest figure text allowed, in CSS px.
MIN_FIGURE_TEXT_PX = 9.0
VIEWPORTS = {"desktop": 1280, "phone": 390}

FIGURE_TEXT_JS = """async () => {
  const found = [];
  for (const img of document.querySelectorAll(".bd-article img")) {
    img.loading = "eager";
    await img.decode().catch(() => null);
    const src = img.currentSrc || img.src;
    const width = img.getBoundingClientRect().width;
    if (!src.endsWith(".svg") || width === 0) continue;
    const holder = document.createElement("div");
    holder.style.cssText = `position:absolute;left:0;top:0;width:${width}px;visibility:hidden`;
    holder.innerHTML = await (await fetch(src)).text();
    document.body.appendChild(holder);
    const svg = holder.querySelector("svg");
    svg.style.width = `${width}px`;
    svg.style.height = "auto";
    let smallest = Infinity, pieces = 0;
    // Matplotlib writes text as glyph paths in a group scaled by fontsize / 100.
    for (const group of svg.querySelectorAll('g[id^="text_"] g[transform*="scale"]')) {
      const m = group.getScreenCTM();
      smallest = Math.min(smallest, Math.hypot(m.a, m.b) * 100);
      pieces += 1;
    }
    holder.remove();
    if (pieces) found.push([img.getAttribute("src"), Math.round(width), smallest]);
  }
  return found;
}"""

OUTPUT_TEXT_JS = """() => Array.from(document.querySelectorAll(".bd-article .cell_output"))
  .map((output) => output.innerText)"""

OVERFLOW_JS = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const scrolls = (element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX);
  const offenders = [];
  for (const element of document.querySelectorAll(".bd-article *")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit) continue;
    // Contained if some ancestor that scrolls sideways itself fits in the page.
    let holder = element.parentElement;
    while (holder && !(scrolls(holder) && holder.getBoundingClientRect().right <= limit)) {
      holder = holder.parentElement;
    }
    if (holder) continue;
    const name = element.tagName.toLowerCase() + (element.className && element.className.baseVal
      === undefined ? "." + String(element.className).trim().split(/\\s+/).join(".") : "");
    offenders.push(`${name} (right edge ${Math.round(box.right)} px): `
      + (element.textContent || "").trim().slice(0, 60));
  }
  return {offenders: offenders.slice(0, 10),
          pageScrollsSideways: document.documentElement.scrollWidth > limit};
}"""

#: Where a build machine keeps files; none of them belongs in a page's output.
ABSOLUTE_PATH = (r"(^|[\s'\"(=])(/(home|work|tmp|root|usr|opt|var|Users|private)/"
                 r"|[A-Za-z]:\\)|site-packages")


class Visits:
    """Each (page, viewport) is loaded once; all three measurements come from that visit."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self._browser, self._base_url, self._seen = browser, base_url, {}

    def __getitem__(self, key: tuple[str, str]) -> dict:
        if key not in self._seen:
            page, viewport = key
            with open_page(self._browser, self._base_url + page) as (tab, _log):
                tab.set_viewport_size({"width": VIEWPORTS[viewport], "height": 900})
                tab.evaluate(SETTLE_JS)
                self._seen[key] = {"figures": tab.evaluate(FIGURE_TEXT_JS),
                                   "outputs": tab.evaluate(OUTPUT_TEXT_JS),
                                   "overflow": tab.evaluate(OVERFLOW_JS)}
        return self._seen[key]


@pytest.fixture(scope="module")
def visits(browser: Browser, site_url: str) -> Visits:
    return Visits(browser, site_url)


CASES = [(page, viewport) for page in toc_pages() for viewport in VIEWPORTS]


@pytest.mark.parametrize("page, viewport", CASES)
def test_figure_text_is_at_least_9_px(visits: Visits, page: str, viewport: str) -> None:
    small = [f"{src} at {width} px wide: smallest text {px:.1f} px"
             for src, width, px in visits[page, viewport]["figures"] if px < MIN_FIGURE_TEXT_PX]
    assert not small, f"{page} ({viewport}): figure text below {MIN_FIGURE_TEXT_PX} px:\n" + \
        "\n".join(small)


@pytest.mark.parametrize("page", toc_pages())
def test_no_output_shows_an_absolute_path(visits: Visits, page: str) -> None:
    found = [text.strip()[:200] for text in visits[page, "desktop"]["outputs"]
             if re.search(ABSOLUTE_PATH, text)]
    assert not found, f"{page}: outputs with a path of the build machine:\n" + "\n".join(found)


@pytest.mark.parametrize("page, viewport", CASES)
def test_nothing_overflows_the_page_without_a_scroll_box(visits: Visits, page: str,
                                                         viewport: str) -> None:
    overflow = visits[page, viewport]["overflow"]
    assert not overflow["offenders"], (f"{page} ({viewport}): cut off at the page edge:\n"
                                       + "\n".join(overflow["offenders"]))
    assert not overflow["pageScrollsSideways"], f"{page} ({viewport}): the page scrolls sideways"


def test_the_path_pattern_catches_a_traceback_path() -> None:
    assert re.search(ABSOLUTE_PATH, 'File "/work/main/.venv/lib/python3.11/x.py", line 3')
    assert re.search(ABSOLUTE_PATH, "C:\\Users\\me\\book\\x.py")
    assert not re.search(ABSOLUTE_PATH, "loss / n_samples = 0.5, see book/part1/")


@pytest.mark.parametrize("page", [p for p in toc_pages() if "/part1/" in p])
def test_the_checks_measure_something(visits: Visits, page: str) -> None:
    """Each chapter of Part I has figures with text and outputs, so the tests above are not
    vacuous. (Per page, to share the page's visits: tests/conftest.py.)"""
    assert visits[page, "phone"]["figures"], f"{page}: no figure text was measured"
    assert visits[page, "desktop"]["outputs"], f"{page}: no cell output was read"
