"""What each page of the book costs a reader to download, against a budget."""

from __future__ import annotations

import pytest

from .conftest import toc_pages

#: Per page, in bytes over the wire (gzip for text, as static hosts serve it),
#: not counting the self-hosted MathJax, which the browser caches across pages.
BUDGET = 3_000_000


def test_every_book_page_fits_the_budget(reports, capsys: pytest.CaptureFixture[str]) -> None:
    rows = []
    for page in toc_pages():
        report = reports[page]
        total = report.bytes_transferred(mathjax=True)
        counted = report.bytes_transferred(mathjax=False)
        rows.append((page, len(report.transfers), total - counted, counted))

    width = max(len(row[0]) for row in rows)
    lines = [
        f"{'page':<{width}}  requests  MathJax (kB)  counted (kB)",
        *(f"{p:<{width}}  {n:>8}  {m / 1000:>12.1f}  {c / 1000:>12.1f}" for p, n, m, c in rows),
        f"budget: {BUDGET / 1000:.0f} kB a page, MathJax not counted",
    ]
    with capsys.disabled():
        print("\n\nPage weight (transferred bytes, empty cache)\n" + "\n".join(lines))

    over = [f"{p}: {c / 1000:.0f} kB" for p, _, _, c in rows if c > BUDGET]
    assert not over, f"pages over the {BUDGET / 1000:.0f} kB budget: {over}"
