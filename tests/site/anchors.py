"""Every ``#fragment`` of a link inside the built site names an element of its target page.

LinkChecker (linkcheck.py) proves that every linked page and file exists. Its own anchor
check fetches and parses the target page again for each distinct ``page#anchor``: with
the API reference (about 290 KB) linked from every chapter and hundreds of in-page
links, that took over nine minutes of `make test`. Here each page is parsed once.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup


@dataclass
class _Page:
    """The ids (and ``<a name>``) a page defines, and the hrefs of its links."""

    targets: set[str]
    hrefs: list[str]


def _parse(path: Path) -> _Page:
    soup = BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")
    targets = {tag["id"] for tag in soup.find_all(id=True)}
    targets |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
    return _Page(targets, [tag["href"] for tag in soup.find_all(["a", "area"], href=True)])


def missing_anchors(html_dir: Path, pages: Iterable[str]) -> list[str]:
    """``<href> (on <page>): ...`` for each internal link whose fragment has no target.

    ``pages`` are paths relative to ``html_dir`` (``book/intro.html``). Links that leave
    the site (a scheme or a host) and links without a fragment are LinkChecker's part.
    """
    parsed: dict[str, _Page] = {}

    def page(relative: str) -> _Page | None:
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
