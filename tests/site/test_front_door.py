"""The front door: a landing page that maps the book, one search field, a favicon."""

from __future__ import annotations

import urllib.request

import pytest
import yaml
from playwright.sync_api import Browser

from tests.browser import open_page

from .conftest import ROOT, toc_pages

LANDING = "book/intro.html"


def toc_parts() -> list[tuple[bool, list[str]]]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [(bool(part.get("numbered")), [c["file"] for c in part["chapters"]]) for part in toc["parts"]]


def test_landing_page_maps_every_chapter_with_a_thumbnail_that_loads(browser: Browser, site_url: str) -> None:
    with open_page(browser, site_url + LANDING) as (tab, log):
        entries = tab.eval_on_selector_all(".book-map-chapter", """items => items.map(li => {
            const img = li.querySelector("img.book-map-thumb");
            if (img) img.scrollIntoView();
            return {href: new URL(li.querySelector("a").getAttribute("href"), document.baseURI).pathname,
                    title: li.querySelector(".book-map-title").textContent.trim(),
                    goal: li.querySelector(".book-map-goal").textContent.trim(),
                    thumb: img ? img.getAttribute("src") : null};
        })""")
        tab.wait_for_load_state("networkidle")
        loaded = tab.eval_on_selector_all(
            "img.book-map-thumb", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
        assert not log.problems(), log.problems()
    listed = {e["href"].lstrip("/"): e for e in entries}
    for numbered, chapters in toc_parts():
        for doc in chapters:
            entry = listed.get(f"{doc}.html")
            assert entry, f"the landing page does not list {doc}"
            assert entry["title"] and entry["goal"], entry
            if numbered:
                assert entry["thumb"], f"{doc} has no thumbnail on the landing page"
    assert loaded and all(loaded), f"{loaded.count(False)} thumbnails did not load"


@pytest.mark.parametrize("page", toc_pages())
def test_exactly_one_search_field(reports, page: str) -> None:
    """Counted in the page's single visit (inspect_page.py ``SEARCH_FIELDS``)."""
    fields = reports[page].search_fields
    assert fields == 1, f"{page} shows {fields} search fields"


def test_favicon_is_served(site_url: str, browser: Browser) -> None:
    with urllib.request.urlopen(site_url + "favicon.ico") as response:
        assert response.status == 200 and response.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    with open_page(browser, site_url + LANDING, settle=False) as (tab, log):
        href = tab.eval_on_selector('link[rel="icon"]', "link => link.href")
        assert tab.request.get(href).ok, href
