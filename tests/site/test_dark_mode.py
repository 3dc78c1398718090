"""The theme's dark mode can be switched on, and pages and figures stay readable.

Each page is switched to dark with the theme's own button during its single visit
(inspect_page.py ``inspect_dark``); these tests read what that step recorded. Every
figure and gallery thumbnail sits, unfiltered, on a white card with legible ink.
"""

from __future__ import annotations

import json

import pytest

from tests.contrast import contrast_ratio, css_rgb, luminance
from .conftest import toc_pages

#: WCAG AA for the ink of a figure against its own background (as for body text).
MIN_FIGURE_CONTRAST = 4.5
GALLERY = "book/appendix/figures.html"


@pytest.mark.parametrize("page", toc_pages())
def test_dark_mode_keeps_the_page_and_its_figures_readable(reports, page: str) -> None:
    # The reader's system asks for light, so the page starts light and the button must do the work.
    dark = reports[page].dark
    assert dark.theme == "dark", f"{page}: dark mode never came on (theme {dark.theme!r})"

    background, text = (float(luminance(css_rgb(c))) for c in dark.colours)
    assert background < 0.1, f"{page}: the page background is not dark ({dark.colours[0]})"
    assert contrast_ratio(background, text) >= 4.5, f"{page}: body text contrast {dark.colours}"

    assert not dark.contrast_violations, f"{page} in dark mode:\n" + json.dumps(
        dark.contrast_violations, indent=2)

    for number, figure in enumerate(dark.figures, start=1):
        if figure.kind:  # a citable figure or a gallery thumbnail: on its white card
            assert figure.style == ["none", "rgb(255, 255, 255)"], f"{page}: {figure}"
            assert figure.shade > 0.9, f"{page}: {figure.src} on a background of luminance {figure.shade:.2f}"
        assert figure.ratio >= MIN_FIGURE_CONTRAST, (
            f"{page}: figure {number} ({figure.src}) reads poorly in dark mode: ink contrast "
            f"{figure.ratio:.1f} on a background of luminance {figure.shade:.2f}")
    assert not dark.problems, dark.problems


@pytest.mark.parametrize("page", [GALLERY])
def test_gallery_thumbnails_sit_on_white_cards_in_dark_mode(reports, page: str) -> None:
    """(The white cards themselves are checked above; this says the gallery has thumbnails.)"""
    thumbs = [figure for figure in reports[page].dark.figures if figure.kind == "thumb"]
    assert thumbs, "the gallery shows no thumbnail"


@pytest.mark.parametrize("page", [p for p in toc_pages() if "/part1/" in p][:1])
def test_the_dark_checks_have_something_to_check(reports, page: str) -> None:
    figures = reports[page].dark.figures
    assert any(figure.kind == "figure" for figure in figures), f"{page}: no citable figure was seen"
