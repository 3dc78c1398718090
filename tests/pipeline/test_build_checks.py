"""book/_ext/build_checks.py without a build: which cell a failed chapter is blamed on.

A chapter may show failures on purpose (cells tagged ``raises-exception``); when a later,
untagged cell raises, the short message must name that cell, not the first error output.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))
from build_checks import _error_cell  # noqa: E402


def error_output(name: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("error", ename=name, evalue="boom", traceback=[])


def test_a_failed_chapter_is_blamed_on_its_first_untagged_error() -> None:
    shown = nbformat.v4.new_code_cell("jax.grad(f)(xs)", outputs=[error_output("TypeError")])
    shown.metadata["tags"] = ["raises-exception"]
    fine = nbformat.v4.new_code_cell("x = 1")
    broken = nbformat.v4.new_code_cell("check(f)", outputs=[error_output("AttributeError")])
    notebook = nbformat.v4.new_notebook(cells=[shown, fine, broken])
    index, cell, output = _error_cell(notebook)
    assert (index, cell.source, output["ename"]) == (2, "check(f)", "AttributeError")


def test_only_expected_failures_blame_no_cell() -> None:
    shown = nbformat.v4.new_code_cell("1 / 0", outputs=[error_output("ZeroDivisionError")])
    shown.metadata["tags"] = ["raises-exception"]
    assert _error_cell(nbformat.v4.new_notebook(cells=[shown])) is None
