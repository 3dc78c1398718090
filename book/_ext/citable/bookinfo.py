"""The facts a citation needs, each read from one place.

- The version comes from ``pyproject.toml`` (``[project] version``).
- Title, authors, year, site URL, repository and licences come from
  ``CITATION.cff``, the file GitHub and reference managers read.

``CITATION.cff`` has to repeat the version (it is a standalone file), so
:func:`version_problems` reports any disagreement and the build fails on it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class License:
    """A licence by SPDX id, with the short name and URL a reader recognises."""

    spdx: str
    name: str
    url: str


#: The licences this project may use. Add one here before naming it in CITATION.cff.
LICENSES = {
    "CC-BY-4.0": License("CC-BY-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "MIT": License("MIT", "MIT", "https://opensource.org/license/mit"),
}


@dataclass(frozen=True)
class BookInfo:
    """Everything a suggested citation of the book or one of its figures uses."""

    title: str
    authors: tuple[str, ...]  # as printed: "Ada Lovelace" or "The Example authors"
    bibtex_authors: str  # "Lovelace, Ada and {The Example authors}"
    year: int
    version: str  # from pyproject.toml
    url: str  # the published site, ending in "/"
    repository: str
    content_license: License  # text and figures
    code_license: License
    cff_versions: tuple[str, ...]  # every version CITATION.cff states, to check

    @property
    def author_line(self) -> str:
        """Authors joined for a line of text: "A", "A and B", "A, B and C"."""
        if len(self.authors) == 1:
            return self.authors[0]
        return ", ".join(self.authors[:-1]) + " and " + self.authors[-1]

    @property
    def bibtex_key(self) -> str:
        """A citation key built from the title and year, e.g. ``neuralnetworks...2026``."""
        return "".join(ch for ch in self.title.lower() if ch.isalnum()) + str(self.year)


def _person_names(entries: list[dict]) -> tuple[tuple[str, ...], str]:
    """Display names and a BibTeX author list from CFF person/entity entries."""
    shown, bibtex = [], []
    for entry in entries:
        if "name" in entry:  # an entity, e.g. a group of authors
            shown.append(entry["name"])
            bibtex.append("{" + entry["name"] + "}")
        else:
            given, family = entry.get("given-names", ""), entry["family-names"]
            shown.append(f"{given} {family}".strip())
            bibtex.append(f"{family}, {given}" if given else family)
    return tuple(shown), " and ".join(bibtex)


def _license(spdx: str, where: str) -> License:
    try:
        return LICENSES[spdx]
    except KeyError:
        raise ValueError(f"{where}: unknown licence {spdx!r}; "
                         f"expected one of {sorted(LICENSES)}") from None


def read_version(root: Path) -> str:
    """The book's version: ``[project] version`` in ``pyproject.toml``."""
    with open(root / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def load_book_info(root: Path) -> BookInfo:
    """Read ``CITATION.cff`` and ``pyproject.toml`` under ``root``.

    The book's own citation is CFF's ``preferred-citation``; its ``license`` is the
    licence of the text and figures. The top-level ``license`` list must also name
    the code's licence (the one that is not the content's).
    """
    cff_path = root / "CITATION.cff"
    cff = yaml.safe_load(cff_path.read_text(encoding="utf-8"))
    book = cff["preferred-citation"]
    content = _license(book["license"], f"{cff_path}: preferred-citation.license")
    top = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    others = [spdx for spdx in top if spdx != content.spdx]
    if content.spdx not in top or len(others) != 1:
        raise ValueError(f"{cff_path}: license must list the content licence {content.spdx} "
                         f"and one code licence, got {top}")
    authors, bibtex_authors = _person_names(book["authors"])
    url = book["url"] if book["url"].endswith("/") else book["url"] + "/"
    return BookInfo(
        title=book["title"],
        authors=authors,
        bibtex_authors=bibtex_authors,
        year=int(book["year"]),
        version=read_version(root),
        url=url,
        repository=cff["repository-code"],
        content_license=content,
        code_license=_license(others[0], f"{cff_path}: license"),
        cff_versions=tuple(str(v) for v in (cff.get("version"), book.get("version"))
                           if v is not None),
    )


def version_problems(info: BookInfo) -> list[str]:
    """Messages for every version in CITATION.cff that differs from pyproject.toml."""
    return [f"CITATION.cff says version {v!r} but pyproject.toml says {info.version!r}: "
            "update the version fields in CITATION.cff"
            for v in info.cff_versions if v != info.version]
