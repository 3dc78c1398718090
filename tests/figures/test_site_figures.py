"""Every figure in the built site is citable: named, numbered, captioned, described,
listed in the gallery, and downloadable as SVG and 300-dpi PNG at stable URLs.

Run after `make book` (as `make test` does): these tests read ``_build/html``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from pybtex.database import parse_string

from _figsite import (GALLERY, NAME, ROOT, SITE, GalleryEntry, PageFigure, book_version,
                      gallery_entries, page_figures, png_chunk_types, png_dpi, read_html,
                      site_url)


@pytest.fixture(scope="module")
def figures() -> list[PageFigure]:
    if not (SITE / GALLERY).is_file():
        pytest.fail("no built site with a gallery: run `make book` first")
    return page_figures(SITE)


@pytest.fixture(scope="module")
def gallery() -> dict[str, GalleryEntry]:
    return gallery_entries(SITE)


def test_the_book_has_figures(figures: list[PageFigure]) -> None:
    assert len(figures) >= 1, "no <figure> on any page: the checks below would prove nothing"


def test_every_figure_has_a_stable_name_a_number_a_caption_and_alt_text(
        figures: list[PageFigure]) -> None:
    for fig in figures:
        where = f"a figure on {fig.page} (id {fig.name!r})"
        assert NAME.fullmatch(fig.name), f"{where}: the name must look like fig-short-topic"
        assert re.fullmatch(r"\d+(\.\d+)*", fig.number), f"{where}: no figure number"
        assert fig.caption, f"{where}: no caption"
        assert fig.alt, f"{where}: no alt text"
        assert fig.n_images == 1, f"{where}: shows {fig.n_images} images"
    names = [f.name for f in figures]
    numbers = [f.number for f in figures]
    assert len(set(names)) == len(names), "two figures share a name"
    assert len(set(numbers)) == len(numbers), "two figures share a number"


def test_pages_show_the_light_vector_rendition(figures: list[PageFigure]) -> None:
    for fig in figures:
        assert fig.img.endswith(".svg"), f"{fig.name} on {fig.page} shows {fig.img}, not the SVG"
        assert (SITE / fig.img).is_file(), f"{fig.name}: {fig.img} is missing"


def test_every_figure_is_in_the_gallery_with_its_number_caption_and_alt_text(
        figures: list[PageFigure], gallery: dict[str, GalleryEntry]) -> None:
    assert set(gallery) == {f.name for f in figures}
    for fig in figures:
        entry = gallery[fig.name]
        assert entry.heading == f"Figure {fig.number}"
        assert entry.caption == fig.caption
        assert entry.thumb_alt == fig.alt
        assert entry.chapter_link == f"{fig.page}#{fig.name}"
        page = read_html(SITE, fig.page)
        assert page.find(id=fig.name) is not None, f"{entry.chapter_link} has no such anchor"


def test_download_links_are_stable_and_serve_svg_and_300_dpi_png(
        gallery: dict[str, GalleryEntry]) -> None:
    for name, entry in gallery.items():
        assert entry.svg == f"figures/{name}.svg", "the SVG's URL must depend on the name only"
        assert entry.png == f"figures/{name}.png", "the PNG's URL must depend on the name only"
        root = SafeET.parse(SITE / entry.svg).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg", f"{entry.svg} is not an SVG"
        dpi = png_dpi(SITE / entry.png)
        assert dpi is not None and round(dpi[0]) == round(dpi[1]) == 300, f"{entry.png}: {dpi} dpi"
        assert (SITE / entry.thumb).read_bytes()[:4] == b"\x89PNG", f"{entry.thumb} is not a PNG"


def test_exported_files_carry_no_dates(gallery: dict[str, GalleryEntry]) -> None:
    for entry in gallery.values():
        svg = (SITE / entry.svg).read_text(encoding="utf-8")
        assert "<dc:date>" not in svg, f"{entry.svg} records a date"
        assert b"tIME" not in png_chunk_types(SITE / entry.png), f"{entry.png} records a time"


def test_no_stale_exports(gallery: dict[str, GalleryEntry]) -> None:
    expected = {p for e in gallery.values() for p in (e.svg, e.png, e.thumb)}
    present = {p.relative_to(SITE).as_posix() for p in (SITE / "figures").rglob("*")
               if p.suffix in (".svg", ".png")}
    assert present == expected


def test_each_citation_names_book_version_number_url_and_licence(
        figures: list[PageFigure], gallery: dict[str, GalleryEntry]) -> None:
    version, url = book_version(), site_url()
    for fig in figures:
        entry = gallery[fig.name]
        link = f"{url}{GALLERY}#{fig.name}"
        for needle in ("Neural Networks from Scratch with JAX", f"version {version}",
                       f"Figure {fig.number}", link, "CC BY 4.0"):
            assert needle in entry.citation, f"{fig.name}: citation lacks {needle!r}"
        bib = parse_string(entry.bibtex, "bibtex")
        (key, record), = bib.entries.items()
        assert key.endswith(fig.name)
        assert record.fields["title"].startswith(f"{{Figure {fig.number}: ")
        assert record.fields["url"] == link
        assert record.fields["version"] == version
        assert "CC BY 4.0" in record.fields["note"]


def test_kernel_settings_are_installed_in_this_environment() -> None:
    installed = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    source = ROOT / "book" / "_ext" / "citable" / "ipython_kernel_config.py"
    assert installed.is_file(), f"{installed} is missing: run `make venv`"
    assert installed.read_bytes() == source.read_bytes(), f"{installed} is stale: run `make venv`"
