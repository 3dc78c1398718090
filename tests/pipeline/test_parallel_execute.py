"""A clean build executes its chapters side by side (book/_ext/parallel_execute.py).

The scratch book gets a second tiny chapter, so the extension has two notebooks to run
at once. The build must say so, store both in the cache myst-nb reads (myst-nb then
executes nothing), give outputs that nbval reproduces, and, when one chapter raises,
fail with the same one short message as a serial build, from that chapter alone.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from _scratch import ROOT, TINY_CHAPTER, make, output

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import parallel_execute  # noqa: E402

SECOND = TINY_CHAPTER.with_name("second.md")


def add_second_chapter(repo: Path, extra: str = "") -> None:
    text = (repo / TINY_CHAPTER).read_text()
    text = text.replace("(ch-tiny)=\n# A tiny chapter", "(ch-second)=\n# A second chapter")
    text = text.replace("fig-tiny-line", "fig-second-line")
    (repo / SECOND).write_text(text + extra)
    toc = repo / "_toc.yml"
    line = f"      - file: {TINY_CHAPTER.with_suffix('').as_posix()}\n"
    toc.write_text(toc.read_text() + line.replace("tiny", "second"))


def test_chapters_run_side_by_side_into_the_cache_myst_nb_reads(tiny_book: Path) -> None:
    add_second_chapter(tiny_book)
    built = make("book", tiny_book)
    text = output(built)
    assert built.returncode == 0, text[-3000:]
    assert "executing 2 notebooks, 2 at a time" in text, text[-3000:]
    assert re.search(r"book/scratch/second: executed in [0-9.]+ s", text), text[-3000:]
    # myst-nb found both in the cache: it executed nothing itself.
    assert "Executing notebook using" not in text, text[-3000:]
    assert text.count("Using cached notebook") == 2, text[-3000:]
    verified = make("test-notebooks", tiny_book)
    assert verified.returncode == 0, output(verified)[-3000:]


def test_a_raising_chapter_fails_as_in_a_serial_build(tiny_book: Path) -> None:
    add_second_chapter(tiny_book, '\n```{code-cell} ipython3\nraise ValueError("side by side")\n```\n')
    failed = make("book", tiny_book)
    text = output(failed)
    assert failed.returncode != 0, "the build passed although a cell raised"
    assert "book/scratch/second: failed here; the build executes it again to report why" in text
    assert re.search(r"book/scratch/second\.md:\d+: (WARNING|ERROR): a cell raised ValueError: "
                     r"side by side", text), text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    # The other chapter was cached by the side-by-side run and is not blamed.
    assert "book/scratch/tiny: executed in" in text
    assert not re.search(r"tiny\.md:\d+: (WARNING|ERROR)", text), text[-3000:]


def _timed_notebook(*seconds: float, waits: tuple[float, ...] = ()) -> nbformat.NotebookNode:
    """A notebook whose code cells carry nbclient's timing metadata: cell i ran seconds[i],
    then waits[i] seconds passed before the next one started (0.01 s if not given)."""
    cells = [nbformat.v4.new_markdown_cell("# A chapter")]
    clock = datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    iso = "%Y-%m-%dT%H:%M:%S.%fZ"
    for index, took in enumerate(seconds):
        cell = nbformat.v4.new_code_cell(f"step_{index}()\nmore()")
        end = clock + timedelta(seconds=took)
        cell.metadata["execution"] = {"iopub.execute_input": clock.strftime(iso),
                                      "shell.execute_reply": end.strftime(iso)}
        clock = end + timedelta(seconds=waits[index] if index < len(waits) else 0.01)
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


@pytest.mark.parametrize("total, logged", [(315.0, True), (20.0, False)])
def test_a_slow_chapter_names_its_slowest_cell(monkeypatch, total: float, logged: bool) -> None:
    """Over the threshold, the log says how long the cells took and which was slowest; the
    timing metadata never reaches the cache."""
    messages: list[str] = []
    monkeypatch.setattr(parallel_execute.LOGGER, "info", messages.append)
    notebook = _timed_notebook(1.5, 12.4, 0.5, waits=(0.02, 300.0))
    job = parallel_execute._Job("book/ch", Path("book/ch.md"), notebook, None, None)
    parallel_execute._report_slow_cell(job, total)
    assert all("execution" not in cell.metadata for cell in notebook.cells)
    if logged:
        assert messages == ["book/ch: slow run (315 s), 14 s of it in its cells; "
                            "the slowest, #2, took 12.4 s: 'step_1()'; "
                            "the longest wait between cells, 300.0 s, came after #2"]
    else:
        assert messages == []


def test_a_cell_over_the_wait_here_runs_again_with_the_books_timeout(tiny_book: Path) -> None:
    """The runs here wait for a cell at most nb_execution_cell_timeout_here seconds (set to
    1 s here, 60 s in the book): the cell that takes longer fails here, and myst-nb runs its
    chapter again with the book's execution_timeout, so the build still passes. (The tiny
    chapter's first cell may take over 1 s too; then it is run again in the same way.)"""
    add_second_chapter(tiny_book, "\n```{code-cell} ipython3\nimport time\ntime.sleep(3)\n```\n")
    config = tiny_book / "_config.yml"
    text, count = re.subn(r"^  config:\n", "  config:\n    nb_execution_cell_timeout_here: 1\n",
                          config.read_text(), flags=re.M)
    assert count == 1, "_config.yml has no sphinx config: section"
    config.write_text(text)
    built = make("book", tiny_book)
    text = output(built)
    assert built.returncode == 0, text[-3000:]
    assert "book/scratch/second: failed here; the build executes it again to report why" in text
    assert re.search(r"second\.md: Executing notebook using", text), text[-3000:]
