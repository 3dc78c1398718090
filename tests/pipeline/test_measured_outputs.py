"""Strict nbval lets a measured cell (tagged nbval-ignore-output) differ, and nothing else.

A tiny executed notebook is written as myst-nb writes one: glued values moved out of the
cells into a ``.glue.json`` file beside it. Its stored values are stale on purpose, as a
timing measured on another machine would be. Re-running it under ``tests.nbval_build``
must pass when only a tagged cell glues a different value, and fail when an untagged
cell does.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from _scratch import ROOT, VENV, run

GLUE = "application/papermill.record/"


def glued(name: str, value: float) -> dict:
    """A glue record as myst-nb stores it in ``<notebook>.glue.json``."""
    return {"output_type": "display_data", "data": {"text/plain": repr(value)},
            "metadata": {"scrapbook": {"name": name, "mime_prefix": GLUE}}}


def executed_notebook(folder: Path, untagged_value: str) -> Path:
    cells = [
        nbformat.v4.new_code_cell("from myst_nb import glue"),
        nbformat.v4.new_code_cell("import time\nratio = time.perf_counter()  # differs on each run\n"
                                  "glue('speedup', ratio, display=False)\nprint(ratio)",
                                  metadata={"tags": ["nbval-ignore-output"]},
                                  outputs=[nbformat.v4.new_output("stream", text="12.5\n")]),
        nbformat.v4.new_code_cell(f"glue('exact', {untagged_value}, display=False)"),
    ]
    for count, cell in enumerate(cells, start=1):
        cell.execution_count = count
    notebook = folder / "chapter.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    stored = {"speedup": glued("speedup", 12.5), "exact": glued("exact", 0.25)}
    notebook.with_suffix(".glue.json").write_text(json.dumps(stored))
    return notebook


def nbval(notebook: Path):
    return run([str(VENV / "bin" / "python"), "-m", "pytest", "-p", "tests.nbval_build",
                "--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-o",
                "filterwarnings=", str(notebook)], ROOT, PYTHONPATH=str(ROOT / "src"))


def test_a_measured_cell_may_differ_but_an_exact_glued_value_may_not(tmp_path: Path) -> None:
    (tmp_path / "same").mkdir()
    (tmp_path / "changed").mkdir()
    same = nbval(executed_notebook(tmp_path / "same", "0.25"))
    assert same.returncode == 0, same.stdout[-3000:] + same.stderr[-3000:]
    assert "3 passed" in same.stdout, same.stdout[-3000:]

    changed = nbval(executed_notebook(tmp_path / "changed", "0.5"))
    assert changed.returncode != 0, "nbval passed although an untagged cell glued a new value"
    assert "1 failed, 2 passed" in changed.stdout, changed.stdout[-3000:]
