"""Every ``#fragment`` of a link inside the built site names an element of its target page.

LinkChecker (linkcheck.py) proves that every linked page and file exists. Its own anchor
check fetches and parses the target page again for each distinct ``page#anchor``: with
the API reference (about 290 KB) linked from every chapter and hundreds of in-page
links, that took over nine minutes of `make test`. Here each page is parsed once.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _PageParser(HTMLParser):
    """The ids (and ``<a name>``) a page defines, and the hrefs of its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.targets.add(values["id"])
        if tag == "a" and values.get("name"):
            self.targets.add(values["name"])
        if tag in {"a", "area"} and values.get("href"):
            self.hrefs.append(values["href"])


def _parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def missing_anchors(html_dir: Path, pages: Iterable[str]) -> list[str]:
    """``<href> (on <page>): ...`` for each internal link whose fragment has no target.

    ``pages`` are paths relative to ``html_dir`` (``book/intro.html``). Links that leave
    the site (a scheme or a host) and links without a fragment are LinkChecker's part.
    """
    parsed: dict[str, _PageParser] = {}

    def page(relative: str) -> _PageParser | None:
        if relative not in parsed:
            file = html_dir / relative
            if not file.is_file():
                return None
            parsed[relative] = _parse(file)
        return parsed[relative]

    problems = []
    for name in pages:
        source = page(name)
        if source is None:
            problems.append(f"{name}: no such page")
            continue
        for href in source.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            target = name if not parts.path else posixpath.normpath(
                posixpath.join(posixpath.dirname(name), unquote(parts.path)))
            if not target.endswith(".html"):
                continue
            found = page(target)
            if found is None:
                continue  # a missing page is LinkChecker's report
            if unquote(parts.fragment) not in found.targets:
                problems.append(f"{href} (on {name}): no element with id {unquote(parts.fragment)!r} "
                                f"in {target}")
    return problems
