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
                      figure_rows, gallery_entries, page_figures, png_chunk_types, png_dpi,
                      read_html, release_url)

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from citable.bookinfo import load_book_info  # noqa: E402
from citable.credit import png_text  # noqa: E402


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


def test_each_citation_names_book_release_number_versioned_url_and_licence(
        figures: list[PageFigure], gallery: dict[str, GalleryEntry]) -> None:
    version, url = book_version(), release_url()
    release = load_book_info(ROOT).release
    for fig in figures:
        entry = gallery[fig.name]
        link = f"{url}{GALLERY}#{fig.name}"
        for needle in ("Neural Networks from Scratch with JAX", release.label,
                       f"Figure {fig.number}", link, "CC BY 4.0"):
            assert needle in entry.citation, f"{fig.name}: citation lacks {needle!r}"
        bib = parse_string(entry.bibtex, "bibtex")
        (key, record), = bib.entries.items()
        assert key.endswith(fig.name)
        assert record.fields["title"] == (
            f"{{Figure {fig.number} of \\emph{{Neural Networks from Scratch with JAX}}}}")
        assert record.fields["url"] == link
        assert record.fields["version"] == version
        assert "CC BY 4.0" in record.fields["note"]
        assert (release.date or "Unreleased") in record.fields["note"]


def test_bibtex_entries_are_plain_ascii_for_pdflatex(gallery: dict[str, GalleryEntry]) -> None:
    for name, entry in gallery.items():
        bad = sorted({ch for ch in entry.bibtex if not ch.isascii()})
        assert not bad, f"{name}: BibTeX holds non-ASCII characters {bad}, which pdfLaTeX rejects"


def test_slide_credit_names_author_title_version_link_and_licence(
        figures: list[PageFigure], gallery: dict[str, GalleryEntry]) -> None:
    info = load_book_info(ROOT)
    for fig in figures:
        credit = gallery[fig.name].credit
        for needle in (f"Figure {fig.number}", info.title, info.author_line,
                       info.release.label, f"{release_url()}{GALLERY}#{fig.name}", "CC BY 4.0"):
            assert needle in credit, f"{fig.name}: the credit line lacks {needle!r}"


def test_every_figure_has_a_download_and_cite_row_that_links_existing_files(
        figures: list[PageFigure]) -> None:
    rows = figure_rows(SITE)
    for fig in figures:
        page, links = rows[fig.name]
        assert list(links) == ["SVG", "PNG", "Cite"], f"{fig.name} on {page}: row {links}"
        assert links["SVG"] == f"figures/{fig.name}.svg"
        assert links["PNG"] == f"figures/{fig.name}.png"
        assert links["Cite"] == f"{GALLERY}#{fig.name}"
        for kind in ("SVG", "PNG"):
            assert (SITE / links[kind]).is_file(), f"{fig.name}: {links[kind]} is missing"
        gallery_page = read_html(SITE, GALLERY)
        assert gallery_page.find(id=fig.name) is not None, f"no gallery entry for {fig.name}"


def test_exported_files_carry_title_creator_licence_and_source(
        figures: list[PageFigure]) -> None:
    info = load_book_info(ROOT)
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "cc": "http://creativecommons.org/ns#",
          "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
    rdf_resource = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"
    for fig in figures:
        source = f"{release_url()}{GALLERY}#{fig.name}"
        work = SafeET.parse(SITE / "figures" / f"{fig.name}.svg").getroot().find(
            "svg:metadata/rdf:RDF/cc:Work", {**ns, "svg": "http://www.w3.org/2000/svg"})
        assert work is not None, f"{fig.name}.svg has no <metadata> block"
        assert work.findtext("dc:title", namespaces=ns).startswith(f"Figure {fig.number} ")
        assert work.findtext("dc:creator/cc:Agent/dc:title", namespaces=ns) == info.author_line
        assert work.find("cc:license", ns).get(rdf_resource) == info.content_license.url
        assert work.find("dc:source", ns).get(rdf_resource) == source
        text = png_text((SITE / "figures" / f"{fig.name}.png").read_bytes())
        assert text["Title"].startswith(f"Figure {fig.number} "), f"{fig.name}.png: {text}"
        assert text["Author"] == info.author_line
        assert text["License"] == info.content_license.url
        assert text["Source"] == source


def _uses_dataset(page: str, name: str, loaders: dict[str, str]) -> set[str]:
    """Loaders the chapter's source calls before the figure's own cell ends."""
    source = (ROOT / page.replace(".html", ".md")).read_text(encoding="utf-8")
    cell_end = source.index("\n```", source.index(f"name: {name}"))  # the figure's cell
    upto = source[:cell_end]
    return {loader for loader in loaders if re.search(rf"\b{loader}\s*\(", upto)}


def test_figures_drawn_from_a_dataset_credit_it(figures: list[PageFigure],
                                                gallery: dict[str, GalleryEntry]) -> None:
    import yaml
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    loaders = config["sphinx"]["config"]["citable_datasets"]
    credited = 0
    for fig in figures:
        used = _uses_dataset(fig.page, fig.name, loaders)
        entry = gallery[fig.name]
        for loader in used:
            credit = " ".join(loaders[loader].split())
            assert credit in entry.data, f"{fig.name} uses {loader} but does not credit it"
            assert credit in entry.citation and credit in entry.credit
            credited += 1
        if not used:
            assert entry.data == (), f"{fig.name} credits data it does not use"
    assert credited >= 1, "no figure uses a dataset: this test would prove nothing"


def test_kernel_settings_are_installed_in_this_environment() -> None:
    installed = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    source = ROOT / "book" / "_ext" / "citable" / "ipython_kernel_config.py"
    assert installed.is_file(), f"{installed} is missing: run `make venv`"
    assert installed.read_bytes() == source.read_bytes(), f"{installed} is stale: run `make venv`"
