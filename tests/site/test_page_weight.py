"""What each page of the book costs a reader to download, against a budget."""

from __future__ import annotations

import pytest

from .conftest import toc_pages

#: Per page, in bytes over the wire (gzip for text, as static hosts serve it),
#: not counting the self-hosted MathJax, which the browser caches across pages.
BUDGET = 3_000_000


@pytest.mark.parametrize("page", toc_pages())
def test_every_book_page_fits_the_budget(reports, page: str) -> None:
    """One test per page, so it shares the page's single visit (tests/conftest.py groups them)."""
    report = reports[page]
    counted = report.bytes_transferred(mathjax=False)
    mathjax = report.bytes_transferred(mathjax=True) - counted
    assert report.transfers, f"{page}: the visit recorded no download at all"
    assert counted <= BUDGET, (
        f"{page}: {counted / 1000:.0f} kB over the wire in {len(report.transfers)} requests "
        f"(MathJax, not counted: {mathjax / 1000:.0f} kB); budget {BUDGET / 1000:.0f} kB")
