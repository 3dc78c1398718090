"""A chapter made from book/_template.md builds as it is, and appears on the landing page;
without its one-line goal it fails the build with a message that says what to add.

The template is what the README tells a new maintainer to start from, so it must pass
the book's own rules (warnings are errors, figure metadata, glue, exercises), and a
chapter appended to ``_toc.yml`` must reach the landing page's map with no hand edit.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from _scratch import ROOT, make, output

NEW = "book/scratch/from-template"


def test_template_builds_and_lands_on_the_map(tiny_book: Path) -> None:
    shutil.copy(ROOT / "book" / "_template.md", tiny_book / f"{NEW}.md")
    toc = tiny_book / "_toc.yml"
    toc.write_text(toc.read_text() + f"      - file: {NEW}\n")
    built = make("book", tiny_book)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]

    site = tiny_book / "_build" / "html"
    landing = BeautifulSoup((site / "book" / "intro.html").read_text(), "html.parser")
    entries = {a["href"].split("#")[0]: li for li in landing.select(".book-map-chapter")
               for a in li.select("a[href]")[:1]}
    assert set(entries) == {"scratch/tiny.html", "scratch/from-template.html"}, entries
    entry = entries["scratch/from-template.html"]
    assert entry.select_one(".book-map-title").get_text() == "2. Short title"
    assert entry.select_one(".book-map-goal").get_text().startswith("Fit a line to data")
    thumb = entry.select_one("img.book-map-thumb")
    assert thumb is not None and (site / "book" / thumb["src"]).resolve().is_file(), thumb
    # The one-line goal is also the page's meta description.
    page = BeautifulSoup((site / f"{NEW}.html").read_text(), "html.parser")
    meta = page.select_one('meta[name="description"]')
    assert meta is not None and meta["content"].startswith("Fit a line to data"), meta

    # Without its goal the page fails the build, and the message says what to add where.
    chapter = tiny_book / f"{NEW}.md"
    chapter.write_text(re.sub(r"myst:\n  html_meta:\n(    #.*\n)*    description: .*\n", "",
                              chapter.read_text()))
    assert "html_meta" not in chapter.read_text()
    failed = make("book", tiny_book)
    assert failed.returncode != 0, "a page on the map without a goal built"
    assert re.search(r"from-template\.md:1: WARNING: this page is on the landing page's map "
                     r"but has no one-line goal: add one to its front matter as myst: "
                     r"html_meta: description:", output(failed)), output(failed)[-3000:]
