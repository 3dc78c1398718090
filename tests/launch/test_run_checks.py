"""The end-to-end verdict itself: each way a launched notebook can go wrong is reported.

These feed :func:`check_run` the notebook JSON that JupyterLab would hand back,
so a check that silently passed everything would fail here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .jupyterlab import RAISES, RunResult, check_run

HOME = Path("/home/reader")
OWN_LIBRARY = str(HOME / "src" / "dl_workshop" / "__init__.py")


def code_cell(count: int | None, *outputs: str, tags: tuple[str, ...] = ()) -> dict[str, Any]:
    """A code cell as nbformat JSON, with outputs of the given types."""
    made = [{"output_type": kind, "ename": "ValueError", "evalue": "bad"} for kind in outputs]
    return {"cell_type": "code", "execution_count": count, "metadata": {"tags": list(tags)}, "outputs": made}


def test_a_clean_run_passes() -> None:
    cells = [{"cell_type": "markdown", "metadata": {}}, code_cell(1, "stream"), code_cell(2, "error", tags=(RAISES,))]
    check_run(RunResult(cells, OWN_LIBRARY), HOME)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([code_cell(1, "error")], "cell 0 shows ValueError: bad"),
        ([code_cell(1, "stream", tags=(RAISES,))], "cell 0 is tagged raises-exception but raised nothing"),
        ([code_cell(1), code_cell(None)], "cell 1 never ran"),
    ],
)
def test_each_failure_is_reported(cells: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_run(RunResult(cells, OWN_LIBRARY), HOME)


def test_a_library_from_elsewhere_is_reported() -> None:
    with pytest.raises(AssertionError, match="imported dl_workshop from"):
        check_run(RunResult([code_cell(1)], "/usr/lib/python3/site-packages/dl_workshop/__init__.py"), HOME)
