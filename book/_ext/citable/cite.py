"""Suggested citations, as a line of text and as BibTeX, for the book and its figures.

The text line follows the usual author-date shape and names everything the
licence's attribution clause asks for: author, title, version, link and licence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bookinfo import BookInfo

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_REPLACE = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}


def bibtex_escape(text: str) -> str:
    """Escape the characters that mean something to (La)TeX, keeping the rest."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACE.get(m[1], "\\" + m[1]), text)


def _sentence(text: str) -> str:
    """``text`` ending in exactly one full stop (or its own ? or !)."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


@dataclass(frozen=True)
class FigureCitation:
    """What a figure's citation needs beyond the book's facts."""

    name: str  # stable name, e.g. "fig-mse-bad-guess"
    number: str  # e.g. "1.2"
    caption: str  # plain text
    caption_latex: str  # the same caption for BibTeX: TeX escaped, math kept as $...$
    url: str  # stable link to the figure's entry in the gallery


def _bibtex(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in fields)
    body = "".join(f"  {name.ljust(width)} = {{{value}}},\n" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}}}"


def book_citation_text(info: BookInfo) -> str:
    """One line citing the book."""
    return (f"{info.author_line} ({info.year}). {info.title} (version {info.version}) "
            f"[Online book]. {info.url}. Licensed under {info.content_license.name} "
            f"({info.content_license.url}).")


def book_bibtex(info: BookInfo) -> str:
    """A BibTeX ``@misc`` entry for the book.

    ``@misc`` because the book has no publisher, which BibTeX's ``@book`` requires;
    ``version`` is read by biblatex and ignored by BibTeX, so ``note`` repeats it.
    """
    return _bibtex("misc", info.bibtex_key, [
        ("author", info.bibtex_authors),
        ("title", "{" + bibtex_escape(info.title) + "}"),
        ("howpublished", "Online book"),
        ("year", str(info.year)),
        ("version", info.version),
        ("url", info.url),
        ("note", f"Version {info.version}. Licensed under {info.content_license.name}, "
                 f"{info.content_license.url}"),
    ])


def figure_citation_text(info: BookInfo, fig: FigureCitation) -> str:
    """One line citing a figure: who, when, which figure, which book and version, where, licence."""
    return (f"{info.author_line} ({info.year}). Figure {fig.number}: {_sentence(fig.caption)} "
            f"In {info.title} (version {info.version}). {fig.url}. "
            f"Licensed under {info.content_license.name} ({info.content_license.url}).")


def figure_bibtex(info: BookInfo, fig: FigureCitation) -> str:
    """A BibTeX ``@misc`` entry for one figure, keyed by the book key and the figure's name."""
    return _bibtex("misc", f"{info.bibtex_key}-{fig.name}", [
        ("author", info.bibtex_authors),
        ("title", "{Figure " + fig.number + ": " + _sentence(fig.caption_latex) + "}"),
        ("howpublished", "In \\emph{" + bibtex_escape(info.title) + "}, version " + info.version),
        ("year", str(info.year)),
        ("version", info.version),
        ("url", fig.url),
        ("note", f"Figure {fig.number} of version {info.version}. Licensed under "
                 f"{info.content_license.name}, {info.content_license.url}"),
    ])
