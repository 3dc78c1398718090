"""The reader and student editions that the build wrote, read as files (no browser, no kernel).

The browser test (test_jupyterlab.py) reads what JupyterLab renders; these check
what it cannot see: the collapsed solution cells' sources, and the student
edition, which must hold no solution at all.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from ._project import NOTEBOOK_PAGES
from .reader_checks import ANSWER, MYST_IN_SOURCE, SOLUTION


def edition(html: Path, name: str, docname: str) -> nbformat.NotebookNode:
    return nbformat.read(html / "notebooks" / name / f"{docname}.ipynb", as_version=4)


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_no_myst_and_no_outputs_in_either_edition(docname: str, built_html: Path) -> None:
    """Markdown free of MyST (collapsed cells included); outputs cleared, since the reader runs the cells."""
    for name in ("reader", "student"):
        nb = edition(built_html, name, docname)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                found = MYST_IN_SOURCE.search(cell.source)
                assert found is None, f"{name} {docname} cell {index}: {found.group(0)!r}"
            else:
                assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_student_edition_is_the_reader_edition_without_solutions(docname: str, built_html: Path) -> None:
    """Same cells in the same order, minus every solution cell; so no solution code is left."""
    reader, student = edition(built_html, "reader", docname), edition(built_html, "student", docname)
    kept = [(c.cell_type, c.source) for c in reader.cells if SOLUTION not in c.metadata.get("tags", [])]
    assert [(c.cell_type, c.source) for c in student.cells] == kept
    solution_code = {c.source for c in reader.cells if SOLUTION in c.metadata.get("tags", []) and c.cell_type == "code"}
    assert not solution_code & {c.source for c in student.cells}
    answers = [c for c in student.cells if ANSWER in c.metadata.get("tags", [])]
    for cell in answers:  # an answer cell left as it is must run without error
        assert all(not line.strip() or line.lstrip().startswith("#") for line in cell.source.split("\n"))


def test_chapters_with_exercises_have_solutions_to_leave_out(built_html: Path) -> None:
    """The checks above are not vacuous: the book's chapters do have exercises and solutions."""
    reader = [edition(built_html, "reader", docname) for docname in NOTEBOOK_PAGES]
    tags = [tag for nb in reader for cell in nb.cells for tag in cell.metadata.get("tags", [])]
    assert tags.count(ANSWER) >= 3 and tags.count(SOLUTION) >= 3
