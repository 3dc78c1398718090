"""Axe-core on every page: no critical or serious accessibility violation.

The run happens in the page's single visit (inspect_page.py), after any hands-on activity
has drawn itself, so the activities are checked too; dark mode's colour contrast is
checked in test_dark_mode.py.
"""

from __future__ import annotations

import json

import pytest

from tests.browser import NEXT_FRAMES_JS, open_page
from .conftest import all_pages, toc_pages
from .inspect_page import (ACTIVITY, CODE, CODE_SAMPLE, CODE_UNSAMPLED, MARK_CODE_LOOKS_JS,
                           blocking_violations, contrast_violations)

#: The boxes in the content that scroll sideways (overflow auto or scroll, and wider content
#: than box), and how many of them are tab stops.
SCROLL_BOXES_JS = """() => {
  const boxes = Array.from(document.querySelectorAll("#main-content *")).filter((box) => {
    const overflow = getComputedStyle(box).overflowX;
    return (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth;
  });
  return [boxes.length, boxes.filter((box) => box.tabIndex >= 0).length];
}"""


@pytest.mark.parametrize("page", all_pages())
def test_no_serious_accessibility_violations(reports, page: str) -> None:
    violations = reports[page].axe_violations
    assert not violations, f"{page}:\n" + json.dumps(violations, indent=2)


@pytest.mark.parametrize("page", [p for p in toc_pages() if "/part1/" in p][:1])
def test_the_contrast_check_sees_a_faint_code_token(browser, site_url: str, page: str) -> None:
    """Code is checked one look per token (inspect_page.py ``contrast_violations``): a token
    kind made faint is still caught, and the page as built passes."""
    with open_page(browser, site_url + page) as (tab, _log):
        assert not contrast_violations(tab)
        looks = tab.evaluate(MARK_CODE_LOOKS_JS, [CODE, CODE_SAMPLE, CODE_UNSAMPLED])
        assert looks > 3, "too few looks of code tokens to be real"
        tab.add_style_tag(content=".highlight .nb { color: #e8e8e8 !important; }")  # builtins
        faint = contrast_violations(tab)
        assert tab.locator(f".highlight .nb[{CODE_SAMPLE}]").count() >= 1
    assert [v["rule"] for v in faint] == ["color-contrast"], faint


#: One chapter of each part: code, outputs, figures, equations and tables between them.
ONE_PER_PART = [next(p for p in toc_pages() if f"/part{n}/" in p) for n in (1, 2, 3)]


@pytest.mark.parametrize("page", ONE_PER_PART)
def test_a_box_that_starts_to_scroll_becomes_a_tab_stop(browser, site_url: str, page: str) -> None:
    """The column narrows with no window resize (as when a sidebar comes back, or when a
    resize's sidebar transition ends after the theme measured): every box that now scrolls
    sideways (code, an output, a figure, an activity) can be reached by keyboard
    (book/_ext/readable/static/readable.js)."""
    with open_page(browser, site_url + page) as (tab, _log):
        if tab.locator(ACTIVITY).count():  # drawn after load: let it settle first
            tab.locator(f"{ACTIVITY}.vega-activity-ready").first.wait_for(timeout=60_000)
            tab.evaluate(NEXT_FRAMES_JS)
        scrolling_before, _ = tab.evaluate(SCROLL_BOXES_JS)
        tab.add_style_tag(content=".bd-article-container { max-width: 22rem !important; }")
        tab.evaluate(NEXT_FRAMES_JS)
        scrolling, tab_stops = tab.evaluate(SCROLL_BOXES_JS)
        violations = blocking_violations(tab, ["scrollable-region-focusable"])
    assert scrolling > scrolling_before, "the narrower column made no more boxes scroll"
    assert tab_stops == scrolling, f"{scrolling - tab_stops} of {scrolling} scrolling boxes are not tab stops"
    assert not violations, json.dumps(violations, indent=2)
