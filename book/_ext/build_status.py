"""Keep the build-status page (book/appendix/status.md) in step with its inputs.

The page runs on every read (``execution_mode: force``) and shows
``benchmarks/results.md``, which Sphinx does not know it depends on: without
this, an incremental build after ``make bench`` would keep the old table.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[2]
STATUS_PAGE = "book/appendix/status"
RESULTS = ROOT / "benchmarks" / "results.md"


def _depend_on_results(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == STATUS_PAGE:
        app.env.note_dependency(str(RESULTS))


def setup(app: Sphinx) -> dict:
    app.connect("source-read", _depend_on_results)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
