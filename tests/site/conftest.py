"""Fixtures for the browser tests of the built site (``make book`` first).

The browser, the server and ``html_dir`` are shared by every browser suite: tests/conftest.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.conftest import HTML, ROOT

from .inspect_page import PageReport, Readable, inspect
from .pages import built_pages, toc_documents


def toc_pages() -> list[str]:
    """The book's pages, in reading order: every document of ``_toc.yml``, as HTML."""
    return [f"{doc}.html" for doc in toc_documents(ROOT / "_toc.yml")]


#: The root page only redirects to the book's first page (``test_root_redirects``).
REDIRECT = "index.html"


def all_pages() -> list[str]:
    """Every page: the book's own, then any other the build wrote (search, genindex)."""
    pages = toc_pages()
    return pages + [p for p in built_pages(HTML) if p not in pages and p != REDIRECT]


class ReportCache:
    """Visits each page once per session and hands out what was recorded. The tests of
    one page run in one process (tests/conftest.py)."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self._browser = browser
        self._base_url = base_url
        self._reports: dict[str, PageReport] = {}

    def __getitem__(self, page: str) -> PageReport:
        if page not in self._reports:
            self._reports[page] = inspect(self._browser, self._base_url, page,
                                          book_page=page in toc_pages())
        return self._reports[page]

    def readable(self, page: str, viewport: str) -> Readable:
        """The readability measurements at ``viewport`` ("desktop" or "phone")."""
        report = self[page]
        return {"desktop": report.readable, "phone": report.phone}[viewport]


@pytest.fixture(scope="session")
def reports(browser: Browser, site_url: str) -> ReportCache:
    """Offline visit reports, by page path (see ``inspect_page.inspect``)."""
    return ReportCache(browser, site_url)
