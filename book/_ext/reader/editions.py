"""Lay out a chapter's executed notebook as its reader and student editions.

Both editions have every output cleared (the reader runs the cells) and no MyST
left in their markdown (:mod:`reader.myst`). Cells tagged ``site-only`` are dropped.
A figure cell is followed by its numbered caption. Each exercise becomes:

- a visible "**Exercise N.M: title**" cell with the exercise text;
- an answer cell: a code cell holding only comments, ``# Your turn`` and the
  ``exercises.check_*`` call to uncomment and run (so that, left empty, it runs
  without error);
- in the *reader* edition, a "Solution" heading and the solution's cells, with
  ``jupyter.source_hidden`` and ``jupyter.outputs_hidden`` set (collapsed in
  JupyterLab and Colab) and the ``solution`` tag. The *student* edition leaves
  the solution cells out.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Protocol

import nbformat
from nbformat import NotebookNode

from .myst import Converter, Directive, Site, Where

SITE_ONLY = "site-only"
SOLUTION = "solution"
ANSWER = "answer"
EXERCISE = "exercise"
READER, STUDENT = "reader", "student"
EDITIONS = (READER, STUDENT)
_CHECK_CALL = re.compile(r"exercises\.check_\w+\([^()]*\)")
_COMMENT_ONLY = re.compile(r"^(\s*(#.*)?)$")


class Numbers(Protocol):
    """The site's numbers ("Exercise 4.1", "Fig. 4.2") for the exercises and figures of a chapter."""

    def exercise(self, label: str | None, index: int) -> str: ...
    def figure(self, label: str) -> str: ...


@dataclass
class _Exercise:
    number: str
    label: str | None
    body: str
    answer: NotebookNode | None = None
    check: str | None = None


@dataclass
class _Layout:
    """The cells of both editions as they are laid out, with the open exercise."""

    docname: str
    converter: Converter
    numbers: Numbers
    path: str
    cells: list[tuple[NotebookNode, bool]] = field(default_factory=list)  # (cell, is_solution)
    solution_code: list[int] = field(default_factory=list)  # executed-notebook indices
    exercises: list[_Exercise] = field(default_factory=list)
    awaiting_answer: _Exercise | None = None
    solution_of: _Exercise | None = None

    def emit(self, cell: NotebookNode, *, answer_candidate: bool = False) -> None:
        """Append a cell; first give a just-stated exercise its answer cell if it has none."""
        if self.awaiting_answer is not None:
            if answer_candidate and self.solution_of is None:
                self.awaiting_answer.answer = cell
                self.awaiting_answer = None
                cell.metadata.setdefault("tags", []).append(ANSWER)
                self.cells.append((cell, False))
                return
            self.give_answer_cell()
        in_solution = self.solution_of is not None
        if in_solution:
            hide(cell)
        self.cells.append((cell, in_solution))

    def give_answer_cell(self) -> None:
        """Put an answer cell (filled in by :func:`_fill_answer`) after the exercise just stated."""
        self.awaiting_answer.answer = nbformat.v4.new_code_cell("", metadata={"tags": [ANSWER]})
        self.cells.append((self.awaiting_answer.answer, False))
        self.awaiting_answer = None

    def exercise_for(self, label: str, where: Where) -> _Exercise:
        for exercise in reversed(self.exercises):
            if exercise.label == label:
                return exercise
        raise where.error(f"a solution refers to the exercise {label!r}, which is not in this chapter")


def hide(cell: NotebookNode) -> None:
    """Collapse a cell's input and outputs in JupyterLab and Colab; tag it as a solution."""
    cell.metadata.setdefault("jupyter", {}).update({"source_hidden": True})
    if cell.cell_type == "code":
        cell.metadata["jupyter"]["outputs_hidden"] = True
    tags = cell.metadata.setdefault("tags", [])
    if SOLUTION not in tags:
        tags.append(SOLUTION)


def markdown_cell(text: str) -> NotebookNode:
    return nbformat.v4.new_markdown_cell(text)


@dataclass
class Editions:
    """Both editions of a chapter, and which code cells of its executed notebook are solutions."""

    reader: NotebookNode
    student: NotebookNode
    solution_cells: list[int]

    def __getitem__(self, edition: str) -> NotebookNode:
        return {READER: self.reader, STUDENT: self.student}[edition]


def editions(nb: NotebookNode, docname: str, path: str, site: Site, numbers: Numbers) -> Editions:
    """Return the reader and student editions of one executed chapter notebook."""
    layout = _Layout(docname, Converter(site), numbers, path)
    lines = nb.metadata.get("source_map", [])
    for index, cell in enumerate(nb.cells):
        where = Where(docname, path, (lines[index] + 1) if index < len(lines) else 0)
        if cell.cell_type == "code":
            _code(layout, cell, where)
            if layout.solution_of is not None and SITE_ONLY not in cell.metadata.get("tags", []):
                layout.solution_code.append(index)
        elif cell.cell_type == "markdown":
            _markdown(layout, cell.source, where)
        else:
            layout.emit(copy.deepcopy(cell))
    if layout.awaiting_answer is not None:  # an exercise ends the chapter
        layout.give_answer_cell()
    if layout.solution_of is not None:
        raise Where(docname, path, 0).error("a {solution-start} has no {solution-end}")
    for exercise in layout.exercises:
        _fill_answer(exercise)
    return Editions(_notebook(nb, layout, READER), _notebook(nb, layout, STUDENT), layout.solution_code)


def _code(layout: _Layout, cell: NotebookNode, where: Where) -> None:
    tags = cell.metadata.get("tags", [])
    if SITE_ONLY in tags:
        return
    metadata: dict = {"tags": list(tags)} if tags else {}
    new = nbformat.v4.new_code_cell(cell.source, metadata=metadata)
    comment_only = all(_COMMENT_ONLY.match(line) for line in cell.source.split("\n"))
    layout.emit(new, answer_candidate=comment_only)
    if layout.solution_of is not None and layout.solution_of.check is None:
        found = _CHECK_CALL.search(cell.source)
        layout.solution_of.check = found.group(0) if found else None
    figure = cell.metadata.get("mystnb", {}).get("figure")
    if figure and figure.get("name"):
        caption = layout.converter.markdown(str(figure.get("caption", "")), where)
        number = layout.numbers.figure(figure["name"])
        layout.emit(markdown_cell(f"**{number}.** {caption}".rstrip()))


def _markdown(layout: _Layout, source: str, where: Where) -> None:
    for part in layout.converter.split_blocks(source, where):
        if isinstance(part, str):
            layout.emit(markdown_cell(part))
            continue
        _directive(layout, part, Where(where.docname, where.path, part.line))


def _directive(layout: _Layout, part: Directive, where: Where) -> None:
    converter = layout.converter
    if part.name in {"exercise", "exercise-start"}:
        label = part.options.get("label")
        number = layout.numbers.exercise(label, len(layout.exercises))
        title = converter.inline(part.args, where.at(-1 - len(part.options))) if part.args else ""
        body = converter.markdown(part.body, where) if part.body.strip() else ""
        heading = f"**{number}: {title}**" if title else f"**{number}**"
        exercise = _Exercise(number, label, part.body)
        exercise.check = _first_check(part.body)
        layout.exercises.append(exercise)
        layout.emit(markdown_cell(f"{heading}\n\n{body}".strip()))
        if part.name == "exercise":
            layout.awaiting_answer = exercise
    elif part.name == "exercise-end":
        if not layout.exercises:
            raise where.error("{exercise-end} without an {exercise-start}")
        layout.awaiting_answer = layout.exercises[-1]
    elif part.name in {"solution", "solution-start"}:
        if layout.solution_of is not None:
            raise where.error("a solution starts inside another solution")
        exercise = layout.exercise_for(part.args, where)
        heading = markdown_cell(f"**Solution to {exercise.number}** (collapsed below: try the exercise "
                                "first, then click the cells to expand them)")
        layout.emit(heading)
        layout.cells[-1][0].metadata["tags"] = [SOLUTION]
        layout.cells[-1] = (layout.cells[-1][0], True)
        layout.solution_of = exercise
        if part.name == "solution":
            if part.body.strip():
                layout.emit(markdown_cell(converter.markdown(part.body, where)))
            exercise.check = exercise.check or _first_check(part.body)
            layout.solution_of = None
    elif part.name == "solution-end":
        if layout.solution_of is None:
            raise where.error("{solution-end} without a {solution-start}")
        layout.solution_of = None
    else:  # pragma: no cover - myst.STRUCTURAL and this function list the same names
        raise where.error(f"unhandled directive {{{part.name}}}")


def _first_check(text: str) -> str | None:
    found = _CHECK_CALL.search(text)
    return found.group(0) if found else None


def _fill_answer(exercise: _Exercise) -> None:
    """Write the answer cell: comments only, so that it runs without error when left as is."""
    cell = exercise.answer
    if cell is None:
        return
    lines = [line for line in cell.source.split("\n") if line.strip()]
    if not any("your turn" in line.lower() for line in lines):
        lines.insert(0, f"# Your turn: write your answer to {exercise.number} here.")
    if exercise.check and not any(line.strip() == f"# {exercise.check}" for line in lines):
        lines.append("# Then check it: remove the '# ' in front of the next line and run the cell.")
        lines.append(f"# {exercise.check}")
    cell.source = "\n".join(lines)


def _notebook(original: NotebookNode, layout: _Layout, edition: str) -> NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {key: copy.deepcopy(value) for key, value in original.metadata.items()
                   if key in {"kernelspec", "language_info"}}
    for index, (cell, is_solution) in enumerate(
            (c, s) for c, s in layout.cells if edition == READER or not s):
        made = copy.deepcopy(cell)
        made.id = f"cell-{index}"
        if made.cell_type == "code":
            made.outputs, made.execution_count = [], None
        nb.cells.append(made)
    nbformat.validate(nb)
    return nb
