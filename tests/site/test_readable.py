"""Readable on a desktop (1280 px) and on a phone (390 px), in Chromium.

- Text in every figure is at least 9 CSS px, measured on the rendered SVG: each
  figure is drawn inline at the width its <img> has on the page, and the size of
  each piece of text is read from its glyphs' transform on the screen.
- No cell output shows an absolute path of the machine that built the site.
- No element of the page's content sticks out of the page unless it sits in a
  box that scrolls sideways (wide equations, tables and figures scroll).
- On a desktop no block of code scrolls sideways: every line is in view.

Both widths are measured in the page's single visit (inspect_page.py ``measure_readable``).
"""

from __future__ import annotations

import re

import pytest

from .conftest import toc_pages
from .inspect_page import VIEWPORTS

#: The smallest figure text allowed, in CSS px.
MIN_FIGURE_TEXT_PX = 9.0

#: Where a build machine keeps files; none of them belongs in a page's output.
ABSOLUTE_PATH = (r"(^|[\s'\"(=])(/(home|work|tmp|root|usr|opt|var|Users|private)/"
                 r"|[A-Za-z]:\\)|site-packages")


CASES = [(page, viewport) for page in toc_pages() for viewport in VIEWPORTS]


@pytest.mark.parametrize("page, viewport", CASES)
def test_figure_text_is_at_least_9_px(reports, page: str, viewport: str) -> None:
    small = [f"{src} at {width} px wide: smallest text {px:.1f} px"
             for src, width, px in reports.readable(page, viewport).figures if px < MIN_FIGURE_TEXT_PX]
    assert not small, f"{page} ({viewport}): figure text below {MIN_FIGURE_TEXT_PX} px:\n" + \
        "\n".join(small)


@pytest.mark.parametrize("page", toc_pages())
def test_no_output_shows_an_absolute_path(reports, page: str) -> None:
    found = [text.strip()[:200] for text in reports.readable(page, "desktop").outputs
             if re.search(ABSOLUTE_PATH, text)]
    assert not found, f"{page}: outputs with a path of the build machine:\n" + "\n".join(found)


@pytest.mark.parametrize("page, viewport", CASES)
def test_nothing_overflows_the_page_without_a_scroll_box(reports, page: str,
                                                         viewport: str) -> None:
    overflow = reports.readable(page, viewport).overflow
    assert not overflow["offenders"], (f"{page} ({viewport}): cut off at the page edge:\n"
                                       + "\n".join(overflow["offenders"]))
    assert not overflow["pageScrollsSideways"], f"{page} ({viewport}): the page scrolls sideways"


@pytest.mark.parametrize("page", toc_pages())
def test_code_fits_the_column_on_a_desktop(reports, page: str) -> None:
    """At 1280 px no block of code, and nothing a cell printed, scrolls sideways (a phone's
    narrow column may scroll code; printed text wraps there too)."""
    code = reports.readable(page, "desktop").code
    assert not code["scrolling"], (f"{page}: code or output blocks that scroll sideways at "
                                   f"{VIEWPORTS['desktop']} px:\n" + "\n".join(code["scrolling"]))


def test_the_path_pattern_catches_a_traceback_path() -> None:
    assert re.search(ABSOLUTE_PATH, 'File "/work/main/.venv/lib/python3.11/x.py", line 3')
    assert re.search(ABSOLUTE_PATH, "C:\\Users\\me\\book\\x.py")
    assert not re.search(ABSOLUTE_PATH, "loss / n_samples = 0.5, see book/part1/")


@pytest.mark.parametrize("page", [p for p in toc_pages() if "/part1/" in p])
def test_the_checks_measure_something(reports, page: str) -> None:
    """Each chapter of Part I has figures with text and outputs, so the tests above are not
    vacuous. (Per page, to share the page's visits: tests/conftest.py.)"""
    assert reports.readable(page, "phone").figures, f"{page}: no figure text was measured"
    assert reports.readable(page, "desktop").outputs, f"{page}: no cell output was read"
    assert reports.readable(page, "desktop").code["blocks"], f"{page}: no code block was found"
