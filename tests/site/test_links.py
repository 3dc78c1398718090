"""No broken internal link or anchor anywhere in the built site.

LinkChecker follows every link from every page (a missing page or file fails);
``anchors.missing_anchors`` checks each link's ``#fragment`` against its target page.
(A test that fed LinkChecker a hand-made broken page was removed: it tested
LinkChecker itself, which its own test suite does, not the book.)
"""

from __future__ import annotations

from pathlib import Path

from .anchors import missing_anchors
from .conftest import all_pages
from .linkcheck import broken_links


def test_no_broken_internal_links(site_url: str) -> None:
    problems = broken_links([site_url, *(site_url + page for page in all_pages())])
    assert not problems, "\n".join(problems)


def test_no_link_points_to_a_missing_anchor(html_dir: Path) -> None:
    problems = missing_anchors(html_dir, all_pages())
    assert not problems, "\n".join(problems)


def test_the_anchor_check_finds_a_missing_anchor(tmp_path: Path) -> None:
    """The check above can fail: in-page, cross-page, relative and encoded fragments."""
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.html").write_text(
        '<h1 id="top">A</h1><a name="old"></a>'
        '<a href="#top">ok</a><a href="#old">ok</a><a href="#gone">broken</a>'
        '<a href="b.html#fig-x">ok</a><a href="b.html#fig-y">broken</a>'
        '<a href="../c.html#caf%C3%A9">ok</a><a href="https://example.org/#nowhere">outside</a>'
        '<a href="data.csv#row=2">not a page</a>')
    (tmp_path / "book" / "b.html").write_text('<figure id="fig-x"></figure>')
    (tmp_path / "c.html").write_text('<section id="café"></section>')
    problems = missing_anchors(tmp_path, ["book/a.html", "book/b.html", "c.html"])
    assert [p.split(" (on")[0] for p in problems] == ["#gone", "b.html#fig-y"], problems
