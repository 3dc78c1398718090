"""No broken internal link or anchor anywhere in the built site (LinkChecker)."""

from __future__ import annotations

from pathlib import Path

from .conftest import all_pages
from .linkcheck import broken_links
from .server import serve


def test_no_broken_internal_links_or_anchors(site_url: str) -> None:
    problems = broken_links([site_url, *(site_url + page for page in all_pages())])
    assert not problems, "\n".join(problems)


def test_the_link_checker_catches_broken_links_and_anchors(tmp_path: Path) -> None:
    """The check itself: a page with a dead link and a dead anchor fails it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<h1 id="top">t</h1><a href="#top">fine</a> <a href="#nowhere">dead anchor</a> '
        '<a href="missing.html">dead link</a> <a href="https://example.org/">outside</a>'
        "</body></html>",
        encoding="utf-8",
    )
    with serve(site) as url:
        problems = broken_links([url])
    assert len(problems) == 2, problems
    assert any("missing.html" in p for p in problems)
    assert any("nowhere" in p for p in problems)
