"""Read a built site as a reader meets it: the figures on the pages and the gallery.

Nothing here trusts the build's own manifest: figures are found in the chapters'
HTML, gallery entries in the gallery's HTML, and links are followed to files.
"""

from __future__ import annotations

import os
import posixpath
import re
import struct
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
GALLERY = "book/appendix/figures.html"
HOW_TO_CITE = "book/appendix/how-to-cite.html"
NAME = re.compile(r"fig-[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class PageFigure:
    """A numbered figure as a chapter page shows it."""

    name: str
    number: str  # "1.2"
    caption: str
    alt: str
    page: str  # site-relative path of the page, e.g. "book/part1/01-x.html"
    img: str  # site-relative path of the image the page shows
    n_images: int


@dataclass(frozen=True)
class GalleryEntry:
    """One figure's entry in the gallery, links resolved to site-relative paths."""

    name: str
    heading: str
    chapter_link: str  # "book/part1/01-x.html#fig-name"
    svg: str
    png: str
    thumb: str
    thumb_alt: str
    caption: str
    credit: str  # the short credit line for a slide
    citation: str
    bibtex: str
    data: tuple[str, ...]  # dataset credits


def book_version(root: Path = ROOT) -> str:
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def site_url(root: Path = ROOT) -> str:
    """The published site's root address, from CITATION.cff."""
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    url = cff["preferred-citation"]["url"]
    return url if url.endswith("/") else url + "/"


def release_url(root: Path = ROOT) -> str:
    """This build's own address: ``latest/`` under the root unless BOOK_RELEASE names a tag."""
    tag = os.environ.get("BOOK_RELEASE", "")
    return f"{site_url(root)}{tag or 'latest'}/"


def read_html(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def resolve(page: str, href: str) -> str:
    """A link's target as a site-relative path (keeping any #fragment)."""
    path, _, fragment = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    return f"{target}#{fragment}" if fragment else target


def _text(node) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def content_pages(site: Path) -> list[str]:
    """Every page of the book except the gallery, site-relative."""
    return sorted(p.relative_to(site).as_posix() for p in (site / "book").rglob("*.html")
                  if p.relative_to(site).as_posix() != GALLERY)


def page_figures(site: Path) -> list[PageFigure]:
    """Every <figure> on every page, in page order."""
    found = []
    for page in content_pages(site):
        for fig in read_html(site, page).select("figure"):
            imgs = fig.find_all("img")
            number = _text(fig.select_one(".caption-number"))
            found.append(PageFigure(
                name=fig.get("id", ""), number=re.sub(r"^Fig\.\s*", "", number),
                caption=_text(fig.select_one(".caption-text")),
                alt=" ".join((imgs[0].get("alt") or "").split()) if imgs else "",
                page=page, img=resolve(page, imgs[0]["src"]) if imgs else "",
                n_images=len(imgs)))
    return found


def gallery_entries(site: Path) -> dict[str, GalleryEntry]:
    """The gallery's entries by figure name."""
    entries = {}
    for sec in read_html(site, GALLERY).select("section.citable-entry"):
        links = {a.get_text(strip=True): resolve(GALLERY, a["href"])
                 for a in sec.select(".citable-downloads a[download]")}
        thumb = sec.select_one(".citable-thumb img")
        def block(css: str) -> str:
            pre = sec.select_one(f"{css} pre")
            return pre.get_text().strip() if pre is not None else ""
        entries[sec["id"]] = GalleryEntry(
            name=sec["id"], heading=_text(sec.find("h3")).rstrip("#").strip(),
            chapter_link=resolve(GALLERY, sec.select_one(".citable-where a")["href"]),
            svg=links.get("SVG", ""), png=links.get("PNG, 300 dpi", ""),
            thumb=resolve(GALLERY, thumb["src"]) if thumb else "",
            thumb_alt=" ".join((thumb.get("alt") or "").split()) if thumb else "",
            caption=_text(sec.select_one(".citable-caption")),
            credit=block("div.citable-credit"), citation=block("div.citable-citation"),
            bibtex=block("div.citable-bibtex-entry"),
            data=tuple(_text(p) for p in sec.select(".citable-data")))
    return entries


def figure_rows(site: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """The "SVG · PNG · Cite" row under each figure of the pages: name -> (page, links).

    Links are resolved to site-relative paths and keyed by their visible word.
    """
    rows = {}
    for page in content_pages(site):
        for fig in read_html(site, page).select("figure"):
            row = fig.find_next_sibling("p", class_="citable-figure-links")
            links = {}
            if row is not None:
                for a in row.find_all("a"):
                    word = a.find(string=True, recursive=False).strip()
                    links[word] = resolve(page, a["href"])
            rows[fig.get("id", "")] = (page, links)
    return rows


def png_dpi(path: Path) -> tuple[float, float] | None:
    """The resolution a PNG's pHYs chunk declares, in dots per inch (None if absent)."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    pos = 8
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        if kind == b"pHYs":
            x, y, unit = struct.unpack(">IIB", data[pos + 8:pos + 17])
            return (x * 0.0254, y * 0.0254) if unit == 1 else None
        pos += 12 + length
    return None


def png_chunk_types(path: Path) -> list[bytes]:
    data, pos, kinds = path.read_bytes(), 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kinds.append(data[pos + 4:pos + 8])
        pos += 12 + length
    return kinds
