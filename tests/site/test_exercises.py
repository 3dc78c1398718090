"""Exercise solutions stay folded away until the reader asks for them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from tests.browser import open_page
from .conftest import HTML, toc_pages

SOLUTION = "div.solution.dropdown"


def pages_with_solutions() -> list[str]:
    """The book's pages whose built HTML holds a collapsible solution."""
    return [
        page for page in toc_pages()
        if (HTML / page).is_file()
        and BeautifulSoup((HTML / page).read_text(encoding="utf-8"), "html.parser").select(SOLUTION)
    ]


def test_the_book_has_collapsible_solutions() -> None:
    assert pages_with_solutions(), f"no page of the book has a '{SOLUTION}' solution"


@pytest.mark.parametrize("page", pages_with_solutions())
def test_solutions_are_hidden_until_their_toggle_is_clicked(
    browser: Browser, site_url: str, page: str
) -> None:
    with open_page(browser, site_url + page) as (tab, log):
        solutions = tab.locator(SOLUTION)
        assert solutions.count() > 0
        for index in range(solutions.count()):
            solution = solutions.nth(index)
            body = solution.locator(":scope > :not(.admonition-title)").first
            solution.scroll_into_view_if_needed()
            assert not body.is_visible(), f"solution {index + 1} on {page} is shown before any click"
            toggle = solution.locator("button.toggle-button")
            assert toggle.get_attribute("aria-expanded") == "false"
            toggle.click()
            body.wait_for(state="visible")
            assert toggle.get_attribute("aria-expanded") == "true"
        assert not log.problems(), log.problems()
