"""pytest plugin: make nbval re-run each chapter the way the book's build ran it.

Use with ``pytest -p tests.nbval_build --nbval ...`` over ``_build/jupyter_execute``.
Six differences between nbval's defaults and the book's needs are closed here:

1. **Working directory.** The build executes ``book/part1/ch.md`` in ``book/part1``
   and writes the executed copy to ``_build/jupyter_execute/book/part1/ch.ipynb``.
   nbval would start its kernel next to the copy; we start it in the source folder.
2. **History.** The build executes cells with ``store_history=True``, nbval with
   ``False``. IPython only honours a trailing ``;`` (which hides a cell's value) when
   the cell is in the history, so we store it, as the build does.
3. **Glued values.** myst-nb moves every ``glue`` output out of the executed notebook
   into a ``<chapter>.glue.json`` file beside it. We compare the re-run's glued values
   with that file, so numbers quoted in the prose are verified like any other output.
4. **PNG renditions.** nbval skips ``image/png`` unless nbdime is used; we compare it too,
   so every output (text, HTML, SVG and the 300-dpi PNG the book exports) must come
   back byte for byte, after ``tests/nbval_sanitize.cfg``. This re-run is the proof
   that two clean executions give the same outputs and exported figures (it replaced a
   second clean build of the whole book).
5. **Solutions are not run.** The cells of each exercise's solution (as listed by the
   build in ``_build/html/notebooks/index.json``, book/_ext/reader) are deselected, so
   nbval runs exactly the code of the chapter's *student* edition, the one without
   solutions. That proves the main text never needs a solution, and every output it
   shows is still compared with the site's. The solutions themselves run in the build
   and in the JupyterLab run of the reader editions (tests/launch/test_jupyterlab.py).
6. **Measured values.** A cell tagged ``nbval-ignore-output`` (nbval's own tag) holds a
   measurement that varies by machine, such as a speed ratio. nbval re-runs it but does
   not compare its outputs, and the values it glues are not compared either: they are
   restored into the comparison only for cells that are compared. Every other cell,
   and every value glued by one, must reproduce exactly.

It also refuses a notebook with unexecuted code cells: comparing against that would
check nothing (book/_ext/build_checks.py writes cached outputs into the copies of an
incremental build, so this only happens to a copy from a broken or interrupted build).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import nbval.plugin
import pytest
from nbval.kernel import RunningKernel

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "jupyter_execute"
EDITIONS_INDEX = ROOT / "_build" / "html" / "notebooks" / "index.json"


def source_folder(executed_folder: str | Path) -> Path:
    """Map a folder under ``_build/jupyter_execute`` to the matching source folder."""
    folder = Path(executed_folder).resolve()
    try:
        return ROOT / folder.relative_to(EXECUTED)
    except ValueError:
        return folder


class BuildLikeKernel(RunningKernel):
    """nbval's kernel, started in the chapter's folder and keeping cell history."""

    def __init__(self, kernel_name, cwd=None, startup_timeout=60):
        super().__init__(kernel_name, cwd=str(source_folder(cwd)) if cwd else None,
                         startup_timeout=startup_timeout)

    def execute_cell_input(self, cell_input, allow_stdin=None):
        return self.kc.execute(cell_input, store_history=True, allow_stdin=allow_stdin,
                               stop_on_error=False)


def stored_glue(notebook: Path) -> dict:
    """The glued values myst-nb saved for an executed notebook (empty if none)."""
    sidecar = notebook.with_suffix(".glue.json")
    return json.loads(sidecar.read_text()) if sidecar.is_file() else {}


def as_glue_output(stored: dict) -> nbformat.NotebookNode:
    """Turn a stored glue record back into the display output that produced it."""
    prefix = stored["metadata"]["scrapbook"].get("mime_prefix", "")
    return nbformat.from_dict({
        "output_type": "display_data", "metadata": stored["metadata"],
        "data": {prefix + mime: value for mime, value in stored["data"].items()},
    })


MEASURED = "nbval-ignore-output"


def is_measured(cell: dict) -> bool:
    """True for a cell whose outputs (and glued values) may differ between runs."""
    return MEASURED in cell.get("metadata", {}).get("tags", [])


_compare_outputs = nbval.plugin.IPyNbCell.compare_outputs


def compare_outputs_with_glue(self, test, ref, skip_compare=None):
    """Compare as nbval does, after restoring this cell's glued values to the reference.

    nbval never calls this for a measured cell (its tag sets ``check`` to False); the
    guard keeps the exemption explicit should that change.
    """
    if is_measured(self.cell):
        return True
    glue = stored_glue(Path(str(self.parent.fspath)))
    names = [o["metadata"]["scrapbook"]["name"] for o in test
             if "scrapbook" in o.get("metadata", {})]
    restored = [as_glue_output(glue[name]) for name in names if name in glue]
    return _compare_outputs(self, test, list(ref) + restored, skip_compare)


def pytest_collectstart(collector: pytest.Collector) -> None:
    """Fail early on an executed-notebook copy that holds no execution."""
    if not isinstance(collector, nbval.plugin.IPyNbFile):
        return
    collector.skip_compare = tuple(k for k in collector.skip_compare if k != "image/png")
    notebook = nbformat.read(str(collector.fspath), as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    unexecuted = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    if unexecuted:
        raise pytest.UsageError(
            f"{collector.fspath}: code cells {unexecuted} were not executed (the copy "
            f"of a failed or interrupted build has no outputs): run 'make book' first")


nbval.plugin.RunningKernel = BuildLikeKernel
nbval.plugin.IPyNbCell.compare_outputs = compare_outputs_with_glue


def solution_cells() -> dict[Path, set[int]]:
    """Map each executed notebook to the indices of its solution cells (from the build's index)."""
    if not EDITIONS_INDEX.is_file():
        raise pytest.UsageError(f"{EDITIONS_INDEX} is missing: build the book first (make book)")
    index = json.loads(EDITIONS_INDEX.read_text(encoding="utf-8"))
    return {(EXECUTED / f"{docname}.ipynb").resolve(): set(entry["solution_cells"])
            for docname, entry in index.items()}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the solution cells: the run is then the student edition's (point 4 above)."""
    solutions = solution_cells()
    kept, dropped = [], []
    for item in items:
        if isinstance(item, nbval.plugin.IPyNbCell):
            notebook = Path(str(item.parent.fspath)).resolve()
            position = next(i for i, cell in enumerate(item.parent.nb.cells) if cell is item.cell)
            if position in solutions.get(notebook, set()):
                dropped.append(item)
                continue
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
