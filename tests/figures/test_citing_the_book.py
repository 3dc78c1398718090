"""The book is citable: a valid CITATION.cff, one version everywhere, licences stated,
a "How to cite" page, and a reference list that holds every entry of references.bib.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_file, parse_string

from _figsite import HOW_TO_CITE, ROOT, SITE, book_version, read_html, release_url, resolve

CHECK_JSONSCHEMA = Path(sys.prefix) / "bin" / "check-jsonschema"
#: check-jsonschema ships the Citation File Format's schema (the same file cffconvert
#: ships, apart from a typo fix in one description), so validation needs no network.
CFF_SCHEMA = "vendor.citation-file-format"


def validate_cff(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", CFF_SCHEMA, str(path)],
                          text=True, capture_output=True, timeout=120)


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    result = validate_cff(ROOT / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr
    assert yaml.safe_load((ROOT / "CITATION.cff").read_text())["cff-version"] == "1.2.0"


def test_schema_check_rejects_a_broken_citation_cff(tmp_path: Path) -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    del cff["authors"]
    cff["preferred-citation"]["license"] = "Not-A-Licence"
    broken = tmp_path / "CITATION.cff"
    broken.write_text(yaml.safe_dump(cff))
    result = validate_cff(broken)
    assert result.returncode != 0
    assert "authors" in result.stdout + result.stderr


def test_citation_cff_states_the_version_of_pyproject() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(cff["version"]) == book_version()
    assert str(cff["preferred-citation"]["version"]) == book_version()


def test_licence_files_hold_mit_and_cc_by_4_0() -> None:
    mit = (ROOT / "LICENSE").read_text()
    assert mit.startswith("MIT License") and "Permission is hereby granted, free of charge" in mit
    content = (ROOT / "LICENSE-CONTENT").read_text()
    assert "Attribution 4.0 International" in content
    assert "Creative Commons Attribution 4.0 International Public License" in content
    assert "Section 8 -- Interpretation." in content  # the whole legal code, to its end
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert sorted(cff["license"]) == ["CC-BY-4.0", "MIT"]


def test_every_page_shows_the_version_licences_and_how_to_cite() -> None:
    pages = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "book").rglob("*.html"))
    assert pages, "no built site: run `make book` first"
    for page in pages:
        footer = read_html(SITE, page).select_one(".citable-footer")
        assert footer is not None, f"{page} has no version footer"
        text = " ".join(footer.get_text(" ").split())
        assert f"Version {book_version()}" in text, f"{page}: {text}"
        hrefs = {a.get_text(strip=True): a["href"] for a in footer.find_all("a")}
        assert hrefs["CC BY 4.0"] == "https://creativecommons.org/licenses/by/4.0/"
        assert hrefs["MIT"].endswith("/LICENSE")
        assert resolve(page, hrefs["How to cite"]) == HOW_TO_CITE


def test_how_to_cite_gives_text_and_bibtex_with_version_url_and_licence() -> None:
    page = read_html(SITE, HOW_TO_CITE)
    text = " ".join(page.get_text(" ").split())
    assert f"This is version {book_version()} of the book" in text
    blocks = [pre.get_text().strip() for pre in page.select("div.citable-citation pre")]
    assert len(blocks) == 2, "expected a text citation and a BibTeX entry"
    citation, bibtex = blocks
    for needle in ("Neural Networks from Scratch with JAX", book_version(),
                   release_url(), "CC BY 4.0"):
        assert needle in citation
    (record,) = parse_string(bibtex, "bibtex").entries.values()
    assert record.fields["version"] == book_version()
    assert record.fields["url"] == release_url()


def test_every_chapter_page_offers_its_citation_with_release_and_versioned_link() -> None:
    chapters = sorted(p.relative_to(SITE).as_posix() for p in (SITE / "book").rglob("*.html")
                      if "/part" in p.as_posix())
    assert chapters, "no chapter pages"
    for page in chapters:
        box = read_html(SITE, page).select_one("details.citable-chapter-citation p")
        assert box is not None, f"{page} offers no chapter citation"
        text = " ".join(box.get_text(" ").split())
        assert re.search(r"Chapter \d+: ", text), text
        assert f"{release_url()}{page}" in text and "CC BY 4.0" in text, text


def test_zenodo_metadata_agrees_with_citation_cff() -> None:
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    book = cff["preferred-citation"]
    assert zenodo["title"] == book["title"]
    assert zenodo["license"] == book["license"]
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in book["authors"]]
    assert zenodo["upload_type"] == "publication" and zenodo["publication_type"] == "book"
    assert "version" not in zenodo, "Zenodo takes the version from the release tag"


def _plain(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", re.sub(r"\\.|[{}]", "", title).lower()).strip()


@pytest.mark.parametrize("key", sorted(parse_file(str(ROOT / "references.bib")).entries))
def test_reference_list_holds_every_bib_entry(key: str) -> None:
    entry = parse_file(str(ROOT / "references.bib")).entries[key]
    page = read_html(SITE, "book/appendix/references.html")
    listed = [_plain(c.get_text(" ")) for c in page.select("div.citation")]
    assert len(listed) == len(parse_file(str(ROOT / "references.bib")).entries)
    assert any(_plain(entry.fields["title"]) in item for item in listed), key
