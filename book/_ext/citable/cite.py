"""Suggested citations, as a line of text and as BibTeX, for the book, a chapter and a figure.

Every citation names the release it belongs to (``BookInfo.release``): its version and
date, and a link into that release's own folder of the site (``.../v1.2.0/...``), so
it still resolves after later releases. Main's citations say "unreleased" and link
``.../latest/``. The text lines name everything CC BY's attribution clause asks for:
author, title, version, link and licence.

BibTeX entries are plain ASCII that pdfLaTeX and ``plain.bst`` accept: the title is
short ("Figure 1.2 of ...") and the caption goes into ``note``, with its non-ASCII
characters written as LaTeX (:func:`latex_text`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .bookinfo import BookInfo

_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")
_BIBTEX_REPLACE = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}

#: Characters captions use, as (text-mode LaTeX, math-mode LaTeX).
_SYMBOLS = {
    "−": ("$-$", "-"), "×": (r"$\times$", r"\times "), "·": (r"$\cdot$", r"\cdot "),
    "≈": (r"$\approx$", r"\approx "), "≤": (r"$\leq$", r"\leq "), "≥": (r"$\geq$", r"\geq "),
    "≠": (r"$\neq$", r"\neq "), "→": (r"$\to$", r"\to "), "±": (r"$\pm$", r"\pm "),
    "∞": (r"$\infty$", r"\infty "), "∑": (r"$\sum$", r"\sum "), "∂": (r"$\partial$", r"\partial "),
    "∇": (r"$\nabla$", r"\nabla "), "∈": (r"$\in$", r"\in "), "′": ("$'$", "'"),
    "″": ("$''$", "''"), "½": (r"$\frac{1}{2}$", r"\frac{1}{2}"), "…": (r"\ldots{}", r"\ldots "),
    "–": ("--", "-"), "—": ("---", "-"), "‘": ("`", "`"), "’": ("'", "'"),
    "“": ("``", "``"), "”": ("''", "''"), "\u00a0": ("~", "~"), "°": (r"$^\circ$", r"^\circ "),
}
_SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉₊₋ₙᵢⱼₖ", "0123456789+-nijk")
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ⁿ", "0123456789+-n")
_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=",
            "\u0308": '"', "\u0307": ".", "\u030c": "v", "\u0327": "c"}
#: Greek letters with no LaTeX command of their own look like Latin ones.
_GREEK_LATIN = {"alpha": "A", "beta": "B", "epsilon": "E", "zeta": "Z", "eta": "H",
                "iota": "I", "kappa": "K", "mu": "M", "nu": "N", "omicron": "O", "rho": "P",
                "tau": "T", "chi": "X"}


def _greek(char: str) -> str | None:
    """``\\sigma`` for σ, ``\\Sigma`` for Σ (math mode), or None if not Greek."""
    name = unicodedata.name(char, "")
    match = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER (\w+)", name)
    if match is None:
        return None
    letter = match[2].lower().replace("final sigma", "sigma")
    if match[1] == "CAPITAL":
        return _GREEK_LATIN.get(letter) or "\\" + letter.capitalize() + " "
    return "\\" + ("varsigma" if letter == "final" else letter) + " "


def _char(char: str, math: bool) -> str:
    """One non-ASCII character as LaTeX that pdfLaTeX reads without any package."""
    if char in _SYMBOLS:
        return _SYMBOLS[char][math]
    if char.translate(_SUB) != char:
        return f"_{{{char.translate(_SUB)}}}" if math else f"$_{{{char.translate(_SUB)}}}$"
    if char.translate(_SUP) != char:
        return f"^{{{char.translate(_SUP)}}}" if math else f"$^{{{char.translate(_SUP)}}}$"
    greek = _greek(char)
    if greek is not None:
        return greek if math else f"${greek.strip()}$"
    base, *marks = unicodedata.normalize("NFD", char)
    if base.isascii() and marks and all(m in _ACCENTS for m in marks):
        out = base
        for mark in marks:
            out = f"\\{_ACCENTS[mark]}{{{out}}}"
        return out
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    if plain:
        return plain
    raise ValueError(f"no LaTeX form for {char!r} ({unicodedata.name(char, 'unnamed')}): "
                     "add it to _SYMBOLS in book/_ext/citable/cite.py")


def latex_text(text: str, math: bool = False) -> str:
    """``text`` with every non-ASCII character written as LaTeX (``σ`` -> ``$\\sigma$``).

    With ``math=True`` the text is already inside ``$...$`` and gets math-mode forms.
    """
    return "".join(ch if ch.isascii() else _char(ch, math) for ch in text)


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
    url: str  # link to the figure's entry in this release's gallery
    datasets: tuple[str, ...] = ()  # credit lines of the data the figure shows


def _bibtex(entry_type: str, key: str, fields: list[tuple[str, str]]) -> str:
    width = max(len(name) for name, _ in fields)
    body = "".join(f"  {name.ljust(width)} = {{{value}}},\n" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}}}"


def _year(info: BookInfo) -> str:
    return info.release.date[:4] if info.release.date else str(info.year)


def _dated(info: BookInfo) -> list[tuple[str, str]]:
    """BibTeX's ``year``, plus biblatex's ``date`` and ``version`` (BibTeX ignores them)."""
    fields = [("year", _year(info))]
    if info.release.date:
        fields.append(("date", info.release.date))
    return [*fields, ("version", info.version)]


def _licence(info: BookInfo) -> str:
    return f"Licensed under {info.content_license.name} ({info.content_license.url})."


def _release_note(info: BookInfo) -> str:
    """The release for a BibTeX ``note``: "Version 0.2.0, released 2027-01-15"."""
    if info.release.date:
        return f"Version {info.version}, released {info.release.date}"
    return f"Unreleased version (after {info.version}), cite the page as you read it"


def book_citation_text(info: BookInfo) -> str:
    """One line citing the book."""
    return (f"{info.author_line} ({_year(info)}). {info.title} ({info.release.label}) "
            f"[Online book]. {info.url}. {_licence(info)}")


def book_bibtex(info: BookInfo) -> str:
    """A BibTeX ``@misc`` entry for the book.

    ``@misc`` because the book has no publisher, which BibTeX's ``@book`` requires;
    ``version`` and ``date`` are read by biblatex and ignored by BibTeX, so ``note``
    repeats them.
    """
    return _bibtex("misc", info.bibtex_key, [
        ("author", info.bibtex_authors),
        ("title", "{" + bibtex_escape(latex_text(info.title)) + "}"),
        ("howpublished", "Online book"),
        *_dated(info),
        ("url", info.url),
        ("note", f"{_release_note(info)}. Licensed under {info.content_license.name}, "
                 f"{info.content_license.url}"),
    ])


def chapter_citation_text(info: BookInfo, number: str, title: str, url: str) -> str:
    """One line citing a chapter: its number and title, then the book's release and link."""
    return (f"{info.author_line} ({_year(info)}). Chapter {number}: {_sentence(title)} "
            f"In {info.title} ({info.release.label}). {url}. {_licence(info)}")


def figure_citation_text(info: BookInfo, fig: FigureCitation) -> str:
    """One line citing a figure: who, when, which figure, which release, where, licence, data."""
    data = "".join(f" {_sentence(d)}" for d in fig.datasets)
    return (f"{info.author_line} ({_year(info)}). Figure {fig.number}: {_sentence(fig.caption)} "
            f"In {info.title} ({info.release.label}). {fig.url}. {_licence(info)}{data}")


def figure_credit_line(info: BookInfo, fig: FigureCitation) -> str:
    """The short credit for a slide or handout, with what CC BY asks: author, title,
    version, link and licence (and the data's source)."""
    data = "".join(f" {_sentence(d)}" for d in fig.datasets)
    return (f"Figure {fig.number} from {info.title} by {info.author_line}, "
            f"{info.release.label}, {fig.url}, {info.content_license.name}.{data}")


def figure_bibtex(info: BookInfo, fig: FigureCitation) -> str:
    """A BibTeX ``@misc`` entry for one figure, keyed by the book key and the figure's name.

    The title is short; the caption, release, licence and any data credit are in ``note``.
    """
    data = "".join(" " + bibtex_escape(latex_text(_sentence(d))) for d in fig.datasets)
    return _bibtex("misc", f"{info.bibtex_key}-{fig.name}", [
        ("author", info.bibtex_authors),
        ("title", "{Figure " + fig.number + " of \\emph{" + bibtex_escape(info.title) + "}}"),
        ("howpublished", "Online book"),
        *_dated(info),
        ("url", fig.url),
        ("note", f"{_sentence(fig.caption_latex)} {_release_note(info)}. Licensed under "
                 f"{info.content_license.name}, {info.content_license.url}.{data}"),
    ])
