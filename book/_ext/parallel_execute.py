"""Execute the chapters that need it side by side, before Sphinx reads them.

myst-nb, in ``cache`` mode, executes a notebook while Sphinx parses it, so a clean
build runs the chapters one after another and leaves all cores but one idle. This
extension runs first (``env-before-read-docs``): it reads each notebook to be parsed
exactly as myst-nb will (``create_nb_reader``), looks it up in the same jupyter-cache,
and executes every notebook that is missing there, ``nb_execution_workers`` at a time
(default: one per core), with jupyter-cache's own executor function and myst-nb's
settings (working folder, ``allow_errors``, and the timeout, capped at a minute: see
``CELL_TIMEOUT_HERE_S``). Each successful run is stored in
the cache under the notebook's project record, as myst-nb would store it, so the parse
that follows finds it there and only merges the outputs.

Nothing else changes: a notebook that fails here is not cached, so myst-nb executes it
again during the parse and the build reports the failure as usual (build_checks.py);
with one notebook to run, or with one worker, this extension does nothing.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.config import NbParserConfig
from myst_nb.core.read import create_nb_reader
from myst_nb.core.nb_to_tokens import nb_node_to_dict
from nbformat import NotebookNode
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


@dataclass
class _Job:
    docname: str
    path: Path
    notebook: NotebookNode
    read_fmt: dict | None
    config: NbParserConfig


def _page_config(config: NbParserConfig, notebook: NotebookNode) -> NbParserConfig | None:
    """myst-nb's settings for this page (None if its header's settings are invalid)."""
    if config.metadata_key not in notebook.metadata:
        return config
    overrides = nb_node_to_dict(notebook.metadata[config.metadata_key])
    overrides.pop("output_folder", None)
    try:
        return config.copy(**overrides)
    except Exception:  # myst-nb itself warns about it when it parses the page
        return None


def _missing(env: BuildEnvironment, docnames: list[str], cache) -> list[_Job]:
    """The notebooks among ``docnames`` that myst-nb would have to execute."""
    jobs = []
    for docname in sorted(docnames):
        path = Path(env.doc2path(docname))
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf8")
        reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
        if reader is None:  # plain Markdown: nothing to run
            continue
        notebook = reader.read(text)
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        # A page's own settings (``mystnb:`` in its header) win, as in myst-nb: a page
        # that always runs (``execution_mode: force``) is left to myst-nb.
        config = _page_config(env.mystnb_config, notebook)
        if config is None or config.execution_mode != "cache":
            continue
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            jobs.append(_Job(docname, path, notebook, reader.read_fmt, config))
    return jobs


# A notebook that takes longer than this gets its slowest cell named in the log. In about one
# clean build in three here, chapter 1, which runs in 15 s, took 315 s to 321 s, with every
# output intact, and its cells took 17 s by the kernel's own timestamps. So the wait was
# for a reply that the kernel had sent: nbclient waits for each cell's reply in one call
# of the whole cell timeout (300 s), and that call returned only at its end.
SLOW_NOTEBOOK_S = 60.0
# So the runs here wait at most ``nb_execution_cell_timeout_here`` seconds for a cell (the
# book's execution_timeout, if shorter). A missed reply then costs a minute, not five. A
# cell that truly runs longer fails here, and myst-nb executes its notebook again with the
# book's own timeout, as it does every notebook that fails here. The book's cells take
# seconds.
CELL_TIMEOUT_HERE_S = 60


def _report_slow_cell(job: _Job, seconds: float) -> None:
    """Log where a slow notebook's time went; drop nbclient's timing metadata either way.

    The cells' times come from the kernel's timestamps (from the start of a cell to its
    reply); the gap from one cell's reply to the next cell's start is time spent on this
    side, normally milliseconds. The log names the slowest cell and the longest gap.
    """
    spans: list[tuple[int, datetime, datetime, str]] = []
    for index, cell in enumerate(job.notebook.cells):
        timing = cell.get("metadata", {}).pop("execution", None)
        if not timing or "iopub.execute_input" not in timing or "shell.execute_reply" not in timing:
            continue
        start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
        first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
        spans.append((index, start, end, first_line))
    if seconds <= SLOW_NOTEBOOK_S or not spans:
        return
    in_cells = sum((end - start).total_seconds() for _, start, end, _ in spans)
    took, index, first_line = max(((end - start).total_seconds(), i, line)
                                  for i, start, end, line in spans)
    message = (f"{job.docname}: slow run ({seconds:.0f} s), {in_cells:.0f} s of it in its cells; "
               f"the slowest, #{index}, took {took:.1f} s: {first_line[:60]!r}")
    gaps = [((after[1] - before[2]).total_seconds(), before[0])
            for before, after in zip(spans, spans[1:])]
    if gaps:
        gap, before = max(gaps)
        message += f"; the longest wait between cells, {gap:.1f} s, came after #{before}"
    LOGGER.info(message)


def _timeout_here(config: NbParserConfig, cap: int) -> int:
    """Seconds to wait for a cell in the runs here: the book's timeout, capped (see above)."""
    book = config.execution_timeout
    return cap if book is None or book <= 0 else min(book, cap)


def _execute_missing(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    config = env.mystnb_config
    workers = app.config.nb_execution_workers or os.cpu_count() or 1
    if config.execution_mode != "cache" or config.execution_in_temp or workers < 2:
        return
    cache = get_cache(config.execution_cache_path or ".jupyter_cache")
    jobs = _missing(env, docnames, cache)
    if len(jobs) < 2:
        return
    LOGGER.info(f"executing {len(jobs)} notebooks, {workers} at a time")
    cap = app.config.nb_execution_cell_timeout_here

    def run(job: _Job):
        result = single_nb_execution(
            job.notebook, cwd=str(job.path.parent.resolve()),
            allow_errors=job.config.execution_allow_errors, timeout=_timeout_here(job.config, cap),
            meta_override=True, record_timing=True,
        )
        _report_slow_cell(job, result.time)
        return result

    with ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        results = list(pool.map(run, jobs))
    # The cache's database is written from this thread only.
    for job, result in zip(jobs, results):
        if result.err is not None:
            LOGGER.info(f"{job.docname}: failed here; the build executes it again to report why")
            continue
        extra = {} if job.read_fmt is None else {"read_data": job.read_fmt}
        record = cache.add_nb_to_project(str(job.path), **extra)
        cache.cache_notebook_bundle(
            CacheBundleIn(job.notebook, record.uri, data={"execution_seconds": result.time}),
            check_validity=False, overwrite=True,
        )
        LOGGER.info(f"{job.docname}: executed in {result.time:.1f} s")


def setup(app: Sphinx) -> dict:
    # 0: one notebook per core.
    app.add_config_value("nb_execution_workers", 0, "env", types=[int])
    app.add_config_value("nb_execution_cell_timeout_here", CELL_TIMEOUT_HERE_S, "env", types=[int])
    app.connect("env-before-read-docs", _execute_missing)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
