"""Exercise solutions stay folded away until the reader asks for them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from .conftest import HTML, toc_pages
from .inspect_page import SOLUTION


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
def test_solutions_are_hidden_until_their_toggle_is_clicked(reports, page: str) -> None:
    """Each toggle is clicked, in order, at the end of the page's visit (inspect_page.py)."""
    solutions = reports[page].solutions
    assert solutions, f"{page}: the visit found no '{SOLUTION}'"
    for number, solution in enumerate(solutions, start=1):
        assert not solution.shown_before, f"solution {number} on {page} is shown before any click"
        assert solution.expanded_before == "false", f"solution {number} on {page}: {solution}"
        assert solution.shown_after, f"solution {number} on {page} stays hidden after a click"
        assert solution.expanded_after == "true", f"solution {number} on {page}: {solution}"
    problems = reports[page].solution_problems
    assert not problems, problems
