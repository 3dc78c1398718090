"""Axe-core on every page: no critical or serious accessibility violation.

The run happens in the page's single visit (inspect_page.py), after any hands-on activity
has drawn itself, so the activities are checked too; dark mode's colour contrast is
checked in test_dark_mode.py.
"""

from __future__ import annotations

import json

import pytest

from tests.browser import open_page
from .conftest import all_pages, toc_pages
from .inspect_page import CODE, CODE_SAMPLE, CODE_UNSAMPLED, MARK_CODE_LOOKS_JS, contrast_violations


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
