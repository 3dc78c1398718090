"""Fixtures for the browser tests of the built site (``make book`` first)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from .browser import launch
from .inspect_page import PageReport, inspect
from .pages import built_pages, toc_documents
from .server import serve

ROOT = Path(__file__).resolve().parents[2]
#: The built site (``make book``); another copy can be tested with SITE_HTML=path.
HTML = Path(os.environ.get("SITE_HTML", ROOT / "_build" / "html"))


@pytest.fixture(scope="session")
def html_dir() -> Path:
    """The built site; the tests fail at once, with the fix, if there is none."""
    if not (HTML / "searchindex.js").is_file():
        pytest.fail(f"No built site in {HTML}: run 'make book' first.", pytrace=False)
    return HTML


@pytest.fixture(scope="session")
def site_url(html_dir: Path) -> Iterator[str]:
    """Base URL of the built site, served on 127.0.0.1 for the whole session."""
    with serve(html_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session."""
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


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
    """Visits each page once per session and hands out what was recorded."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self._browser = browser
        self._base_url = base_url
        self._reports: dict[str, PageReport] = {}

    def __getitem__(self, page: str) -> PageReport:
        if page not in self._reports:
            self._reports[page] = inspect(self._browser, self._base_url, page)
        return self._reports[page]


@pytest.fixture(scope="session")
def reports(browser: Browser, site_url: str) -> ReportCache:
    """Offline visit reports, by page path (see ``inspect_page.inspect``)."""
    return ReportCache(browser, site_url)
