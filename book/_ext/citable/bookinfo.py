"""The facts a citation needs, each read from one place.

- The version comes from ``pyproject.toml`` (``[project] version``).
- Title, authors, year, site URL, repository and licences come from
  ``CITATION.cff``, the file GitHub and reference managers read.
- Which release a build is (:class:`Release`) comes from the environment variable
  ``BOOK_RELEASE``: the tag ``vX.Y.Z`` that the Pages workflow builds, dated by
  ``date-released`` in ``CITATION.cff``; without it the build is main's, "unreleased",
  published at ``latest/``. Citations link the folder of their release.

``CITATION.cff`` has to repeat the version (it is a standalone file), so
:func:`version_problems` reports any disagreement and the build fails on it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
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


#: The environment variable naming the release tag a build publishes (unset on main).
RELEASE_ENV = "BOOK_RELEASE"
TAG_PATTERN = re.compile(r"v(\d+\.\d+\.\d+)")
LATEST = "latest"


@dataclass(frozen=True)
class Release:
    """Which published copy of the book a build is.

    ``folder`` is where the site lives under the book's address: ``vX.Y.Z`` for a
    release, ``latest`` for main. ``date`` is the ISO release date, or ``None`` for main.
    """

    version: str  # "0.2.0"; on main, the version of CITATION.cff (the last release)
    date: str | None
    folder: str

    @property
    def released(self) -> bool:
        return self.date is not None

    @property
    def label(self) -> str:
        """How a citation names it: "version 0.2.0 of 2027-01-15" or "unreleased"."""
        if self.date is None:
            return f"unreleased version, after {self.version}"
        return f"version {self.version} of {self.date}"


def read_release(tag: str | None, cff: dict, version: str) -> Release:
    """The release a build with ``BOOK_RELEASE=tag`` publishes (``tag`` empty: main)."""
    if not tag:
        return Release(version=version, date=None, folder=LATEST)
    match = TAG_PATTERN.fullmatch(tag)
    if match is None:
        raise ValueError(f"{RELEASE_ENV} must be a release tag like v1.2.3, got {tag!r}")
    if match[1] != version:
        raise ValueError(f"{RELEASE_ENV} is {tag} but pyproject.toml says version {version!r}: "
                         "bump the version (and CITATION.cff) before tagging")
    date = cff.get("date-released")
    if date is None:
        raise ValueError(f"{RELEASE_ENV} is {tag} but CITATION.cff has no date-released: "
                         "set it to the release date before tagging")
    return Release(version=version, date=str(date), folder=tag)


@dataclass(frozen=True)
class BookInfo:
    """Everything a suggested citation of the book or one of its figures uses."""

    title: str
    authors: tuple[str, ...]  # as printed: "Ada Lovelace" or "The Example authors"
    bibtex_authors: str  # "Lovelace, Ada and {The Example authors}"
    year: int
    version: str  # from pyproject.toml
    root_url: str  # the published site's root, ending in "/"
    repository: str
    content_license: License  # text and figures
    code_license: License
    cff_versions: tuple[str, ...]  # every version CITATION.cff states, to check
    release: Release = field(default_factory=lambda: Release("0.0.0", None, LATEST))

    @property
    def url(self) -> str:
        """This build's own address: ``<root>/vX.Y.Z/`` for a release, ``<root>/latest/``."""
        return f"{self.root_url}{self.release.folder}/"

    @property
    def date_text(self) -> str:
        """The release date for a citation, or "unreleased"."""
        return self.release.date or "unreleased"

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


def load_book_info(root: Path, tag: str | None = None) -> BookInfo:
    """Read ``CITATION.cff`` and ``pyproject.toml`` under ``root``.

    ``tag`` is the release being built (default: the ``BOOK_RELEASE`` variable).

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
    version = read_version(root)
    if tag is None:
        tag = os.environ.get(RELEASE_ENV, "")
    return BookInfo(
        title=book["title"],
        authors=authors,
        bibtex_authors=bibtex_authors,
        year=int(book["year"]),
        version=version,
        root_url=url,
        repository=cff["repository-code"],
        content_license=content,
        code_license=_license(others[0], f"{cff_path}: license"),
        cff_versions=tuple(str(v) for v in (cff.get("version"), book.get("version"))
                           if v is not None),
        release=read_release(tag, cff, version),
    )


def version_problems(info: BookInfo) -> list[str]:
    """Messages for every version in CITATION.cff that differs from pyproject.toml."""
    return [f"CITATION.cff says version {v!r} but pyproject.toml says {info.version!r}: "
            "update the version fields in CITATION.cff"
            for v in info.cff_versions if v != info.version]


def switcher_entry(release: Release, root_url: str) -> dict:
    """One entry of the theme's version-switcher JSON for a published copy."""
    if release.date is None:
        return {"name": "latest (unreleased)", "version": LATEST, "url": f"{root_url}{LATEST}/"}
    return {"name": f"{release.folder} ({release.date})", "version": release.folder,
            "url": f"{root_url}{release.folder}/"}
