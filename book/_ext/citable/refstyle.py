"""Author-year citations in round brackets: "Rumelhart et al. (1986)", "(Kingma and Ba, 2015)".

sphinxcontrib-bibtex's ``author_year`` style uses square brackets; this registers a
variant, ``author_year_round``, for ``bibtex_reference_style`` in ``_config.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclass
class RoundAuthorYearStyle(AuthorYearReferenceStyle):
    """``author_year`` with parentheses for every kind of reference."""

    bracket_textual: BracketStyle = field(default_factory=_round)
    bracket_parenthetical: BracketStyle = field(default_factory=_round)
    bracket_author: BracketStyle = field(default_factory=_round)
    bracket_label: BracketStyle = field(default_factory=_round)
    bracket_year: BracketStyle = field(default_factory=_round)


def register() -> None:
    """Make ``author_year_round`` available to sphinxcontrib-bibtex (idempotent)."""
    register_plugin("sphinxcontrib.bibtex.style.referencing", "author_year_round",
                    RoundAuthorYearStyle, force=True)
