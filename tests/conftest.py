"""Fixtures shared by every browser suite (tests/site, tests/figures, tests/launch).

One headless Debian Chromium (``tests/browser.py``) and one static server for the built
site (``tests/server.py``) per pytest process. Both start only when a test asks for them,
so the suites without a browser (unit, pipeline) pay nothing for this file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The built site (``make book``); another copy can be tested with SITE_HTML=path.
HTML = Path(os.environ.get("SITE_HTML", ROOT / "_build" / "html"))


def pytest_itemcollected(item: pytest.Item) -> None:
    """Keep together, on one pytest-xdist worker (``--dist loadgroup``), the tests that share work.

    - Tests of one page (a ``page`` parameter) share that page's visit, cached per process
      (tests/site/conftest.py ``reports``, test_readable.py ``visits``).
    - Tests that use a module-scoped fixture (a scratch build, a trained model) share it.

    Everything else is spread over the workers. Without xdist the marks do nothing. (Marked
    as each test is collected, before xdist reads the marks in its own collection hook.)
    """
    params = getattr(getattr(item, "callspec", None), "params", {})
    if "page" in params:
        item.add_marker(pytest.mark.xdist_group(f"page:{params['page']}"))
        return
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs.values() if info else ()
    if any(d.scope == "module" for defs in definitions for d in defs):
        item.add_marker(pytest.mark.xdist_group(f"module:{item.path.name}"))


@pytest.fixture(scope="session")
def html_dir() -> Path:
    """The built site; the tests fail at once, with the fix, if there is none."""
    if not (HTML / "searchindex.js").is_file():
        pytest.fail(f"No built site in {HTML}: run 'make book' first.", pytrace=False)
    return HTML


@pytest.fixture(scope="session")
def site_url(html_dir: Path) -> Iterator[str]:
    """Base URL of the built site, served on 127.0.0.1 for the whole session."""
    from tests.server import serve

    with serve(html_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:  # noqa: F821
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()
