"""pytest plugin: run nbval's kernels from each chapter's own folder.

The build executes ``book/part1/ch.md`` with ``book/part1`` as the working
directory, and writes the executed copy to ``_build/jupyter_execute/book/part1/ch.ipynb``.
nbval starts its kernel in the folder of the notebook it checks, which would be
the ``_build`` copy's folder; we map it back to the chapter's source folder so
that the re-run sees the same relative paths as the build did.

Use with ``pytest -p tests.nbval_cwd --nbval ...``.
"""

from __future__ import annotations

from pathlib import Path

import nbval.plugin

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "jupyter_execute"

_RunningKernel = nbval.plugin.RunningKernel


def source_folder(executed_folder: str | Path) -> Path:
    """Map a folder under ``_build/jupyter_execute`` to the matching source folder."""
    folder = Path(executed_folder).resolve()
    try:
        relative = folder.relative_to(EXECUTED)
    except ValueError:
        return folder
    return ROOT / relative


def _kernel_in_source_folder(kernel_name, cwd=None, **kwargs):
    return _RunningKernel(kernel_name, cwd=str(source_folder(cwd)) if cwd else None, **kwargs)


nbval.plugin.RunningKernel = _kernel_in_source_folder
