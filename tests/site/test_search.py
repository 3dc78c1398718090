"""The site's own search (Sphinx's index, offline) finds the right chapter."""

from __future__ import annotations

import re

from playwright.sync_api import Browser

from tests.browser import open_page
from .conftest import toc_pages


def page_title(html: str) -> str:
    """The text of a built page's <title>."""
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    return match.group(1).strip() if match else ""


def test_cross_entropy_finds_the_logistic_regression_chapter(
    browser: Browser, site_url: str, html_dir
) -> None:
    chapters = [
        page for page in toc_pages()
        if "logistic regression" in page_title((html_dir / page).read_text(encoding="utf-8")).lower()
    ]
    assert chapters, "no page of the book has 'logistic regression' in its title"

    with open_page(browser, site_url + "search.html?q=cross-entropy") as (page, log):
        page.wait_for_selector("#search-results .search-summary:not(:empty)")
        hrefs = page.eval_on_selector_all(
            "#search-results ul.search li a", "links => links.map(link => link.href)"
        )
        assert not log.problems(), log.problems()

    found = {href.removeprefix(site_url).split("?")[0].split("#")[0] for href in hrefs}
    assert found & set(chapters), f"search for 'cross-entropy' found {sorted(found)}, not {chapters}"
