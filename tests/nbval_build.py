"""pytest plugin: make nbval re-run each chapter the way the book's build ran it.

Use with ``pytest -p tests.nbval_build --nbval ...`` over ``_build/jupyter_execute``.
Three differences between nbval's defaults and myst-nb's build are closed here:

1. **Working directory.** The build executes ``book/part1/ch.md`` in ``book/part1``
   and writes the executed copy to ``_build/jupyter_execute/book/part1/ch.ipynb``.
   nbval would start its kernel next to the copy; we start it in the source folder.
2. **History.** The build executes cells with ``store_history=True``, nbval with
   ``False``. IPython only honours a trailing ``;`` (which hides a cell's value) when
   the cell is in the history, so we store it, as the build does.
3. **Glued values.** myst-nb moves every ``glue`` output out of the executed notebook
   into a ``<chapter>.glue.json`` file beside it. We compare the re-run's glued values
   with that file, so numbers quoted in the prose are verified like any other output.
4. **Measured values.** A cell tagged ``nbval-ignore-output`` (nbval's own tag) holds a
   measurement that varies by machine, such as a speed ratio. nbval re-runs it but does
   not compare its outputs, and the values it glues are not compared either: they are
   restored into the comparison only for cells that are compared. Every other cell,
   and every value glued by one, must reproduce exactly.

It also refuses a notebook with unexecuted code cells: when a chapter is served from
the execution cache, myst-nb writes its copy without outputs, and comparing against
that would check nothing.
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
    notebook = nbformat.read(str(collector.fspath), as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    unexecuted = [i for i, c in enumerate(code) if c.get("execution_count") is None]
    if unexecuted:
        raise pytest.UsageError(
            f"{collector.fspath}: code cells {unexecuted} were not executed (a chapter served "
            f"from the execution cache is written without outputs); build from clean first "
            f"(make book-clean book), as make test does")


nbval.plugin.RunningKernel = BuildLikeKernel
nbval.plugin.IPyNbCell.compare_outputs = compare_outputs_with_glue
