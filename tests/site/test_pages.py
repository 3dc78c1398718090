"""Every page of the built site, loaded in Chromium with the network cut off."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser

from tests.browser import open_page
from .conftest import REDIRECT, all_pages, toc_pages

PAGES = all_pages()


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_without_errors(reports, page: str) -> None:
    """No request leaves the machine, none fails, and the console shows no error."""
    problems = reports[page].problems
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_every_image_loads(reports, page: str) -> None:
    """Each <img> has decoded to a picture (naturalWidth > 0)."""
    broken = reports[page].broken_images
    assert not broken, f"{page}: images that did not load: {broken}"


@pytest.mark.parametrize("page", PAGES)
def test_math_is_rendered_by_mathjax(reports, page: str) -> None:
    """Where the page has math, MathJax typeset all of it and no raw TeX is left."""
    report = reports[page]
    assert not report.unrendered_math, f"{page}: math MathJax did not render: {report.unrendered_math}"
    assert not report.raw_tex, f"{page}: raw TeX left in the text: {report.raw_tex}"
    if report.math_count:
        assert report.mathjax_containers >= report.math_count


@pytest.mark.parametrize("page", [p for p in toc_pages() if "/part1/" in p][:1])
def test_the_checks_have_something_to_check(reports, page: str) -> None:
    """The first chapter has math and figures, so the two tests above are not vacuous.

    (One page, parametrized so that it shares that page's visit: tests/conftest.py.)
    """
    assert reports[page].math_count > 0, f"{page} has no math"
    assert len(reports[page].images) > 0, f"{page} has no images"


def test_root_redirects_to_the_book(browser: Browser, site_url: str) -> None:
    """The site's root page sends the reader to the book's first page."""
    first = toc_pages()[0]
    with open_page(browser, site_url + REDIRECT, settle=False) as (page, log):
        page.wait_for_url(site_url + first)
        assert not log.problems()


def test_requests_to_the_network_are_caught(browser: Browser, site_url: str) -> None:
    """The harness itself: a page that reaches for the internet is blocked and reported."""
    with open_page(browser, site_url + toc_pages()[0]) as (page, log):
        outcome = page.evaluate(
            "() => fetch('https://example.org/x.js').then(() => 'loaded', () => 'blocked')"
        )
    assert outcome == "blocked"
    assert log.blocked_requests == ["https://example.org/x.js"]
    assert any("example.org" in problem for problem in log.problems())


@pytest.mark.parametrize("page", PAGES)
def test_no_widget_is_left_for_javascript_the_site_does_not_load(html_dir, page: str) -> None:
    """Widget outputs are shown as a note (book/_ext/static_widgets.py), not as inert data."""
    html = (html_dir / page).read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-" not in html


#: Elements whose URL the browser fetches by itself, and the attribute that holds it.
LOADS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
         "video": "src", "audio": "src", "embed": "src", "object": "data"}


@pytest.mark.parametrize("page", PAGES)
def test_no_asset_is_loaded_from_another_host(html_dir, page: str) -> None:
    """Not even one fetched only on some interaction: every script, style and image is ours."""
    soup = BeautifulSoup((html_dir / page).read_text(encoding="utf-8"), "html.parser")
    remote = [
        f"<{tag.name} {attribute}={tag[attribute]}>"
        for name, attribute in LOADS.items()
        for tag in soup.find_all(name, attrs={attribute: True})
        if tag[attribute].startswith(("http:", "https:", "//"))
        and not (name == "link" and "canonical" in tag.get("rel", []))
    ]
    assert not remote, f"{page} loads from other hosts: {remote}"
