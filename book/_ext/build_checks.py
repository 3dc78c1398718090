"""Build failures that say what to do, and executed notebooks that are always complete.

Every message below is a Sphinx warning with the chapter's ``.md`` file and line, so
`make book` (``-W``) fails on it and says where and how to fix it:

* **An image output outside a named figure.** A plot made by a code cell without
  figure metadata would be shown unnumbered, with its file path as alt text, and
  never exported. The message names the three metadata keys a figure cell needs.
* **A cell that raises.** myst-nb is told not to raise (``nb_execution_raise_on_error:
  false`` in ``_config.yml``, which would end in Sphinx's "please report this" text)
  nor print the traceback; instead one short message gives the cell's line and
  source, the exception, and the way out: the ``raises-exception`` tag. A chapter
  whose execution failed is read again by the next build (it is never taken as up
  to date), so a failure cannot pass unnoticed the second time.

And one repair: on a cache hit, myst-nb 1.x writes ``_build/jupyter_execute/<page>.ipynb``
from the *unexecuted* notebook (it merges the cached outputs into a copy it renders,
not into the one it saves), so an incremental build left copies without outputs for
nbval. We write the cached outputs into the copy, exactly as myst-nb does after an
execution (glue outputs moved to ``<page>.glue.json``). `make test-notebooks` and
`make check` can then verify any build, clean or incremental.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)

FIGURE_KEYS = ("mystnb.figure.name", "mystnb.figure.caption", "mystnb.image.alt")
TEMPLATE = "book/_template.md"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _exec_data(env: BuildEnvironment, docname: str) -> dict | None:
    from myst_nb.sphinx_ import NbMetadataCollector

    try:
        return NbMetadataCollector.get_exec_data(env, docname)
    except KeyError:
        return None


def _cell_location(node: nodes.Node) -> nodes.Node:
    """The code cell an output belongs to (it carries the .md line), else the node."""
    parent = node
    while parent is not None:
        if isinstance(parent, nodes.container) and parent.get("nb_element") == "cell_code":
            return parent
        parent = parent.parent
    return node


def image_outside_figure_message() -> str:
    return ("a code cell shows an image that is not a named figure. Give the cell the "
            f"metadata {FIGURE_KEYS[0]} (fig-short-topic), {FIGURE_KEYS[1]} and "
            f"{FIGURE_KEYS[2]} (see {TEMPLATE}), or do not display the plot")


def _source_map(app: Sphinx, docname: str) -> list[int]:
    """The ``.md`` line of each cell's fence, as myst-nb recorded it in the executed copy."""
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
    if not executed.is_file():
        return []
    return list(nbformat.read(executed, as_version=4).metadata.get("source_map", []))


def check_images_in_figures(app: Sphinx, doctree: nodes.document) -> None:
    """Warn once about each code cell with an image output that no figure node holds."""
    reported: set[int] = set()
    source_map: list[int] | None = None
    for image in doctree.findall(nodes.image):
        ancestors, parent = [], image.parent
        while parent is not None:
            ancestors.append(parent)
            parent = parent.parent
        if any(isinstance(a, nodes.figure) for a in ancestors):
            continue
        if not any(isinstance(a, nodes.container) and a.get("nb_element") == "cell_code_output"
                   for a in ancestors):
            continue  # a Markdown image, not a cell output
        cell = _cell_location(image)
        index = cell.get("cell_index") if isinstance(cell, nodes.Element) else None
        if index in reported:
            continue  # the same output's other rendition (SVG and PNG)
        reported.add(index)
        if source_map is None:
            source_map = _source_map(app, app.env.docname)
        location: Any = cell
        if isinstance(index, int) and index < len(source_map):
            location = (app.env.docname, source_map[index])
        logger.warning(image_outside_figure_message(), location=location,
                       type="build_checks", subtype="figure")


def _error_cell(notebook: nbformat.NotebookNode) -> tuple[int, nbformat.NotebookNode, dict] | None:
    """The first code cell with an error output that is not an expected failure."""
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return index, cell, output
    return None


def raising_cell_message(source: str, exception: str) -> str:
    code = "\n".join(f"    | {line}" for line in source.strip().splitlines()[:12])
    return (f"a cell raised {exception}\n{code}\n"
            "  Fix the cell, or tag it `raises-exception` if this is intended "
            "(a failure the chapter shows on purpose: add `:tags: [raises-exception]`).")


def report_failed_execution(app: Sphinx, doctree: nodes.document) -> None:
    """One short message per chapter whose execution failed, at the failing cell's line."""
    docname = app.env.docname
    data = _exec_data(app.env, docname)
    if not data or data.get("succeeded", True):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
    line, source, exception = None, "", str(data.get("error") or "an error")
    if executed.is_file():
        notebook = nbformat.read(executed, as_version=4)
        found = _error_cell(notebook)
        source_map = notebook.metadata.get("source_map")
        if found:
            index, cell, output = found
            source = cell.source
            exception = f"{output.get('ename', '')}: {ANSI.sub('', str(output.get('evalue', '')))}"
            if source_map and index < len(source_map):
                line = source_map[index]
    if not source:  # a timeout or a dead kernel: no error output, take the last line
        lines = [ANSI.sub("", x).strip() for x in str(data.get("traceback") or "").splitlines()]
        lines = [x for x in lines if x]
        exception = lines[-1] if lines else exception
    logger.warning(raising_cell_message(source, exception), location=(docname, line),
                   type="build_checks", subtype="exec")


def read_failed_chapters_again(app: Sphinx, env: BuildEnvironment, added: set[str],
                               changed: set[str], removed: set[str]) -> list[str]:
    """A chapter whose execution failed is never up to date."""
    failed = []
    for docname in env.found_docs:
        data = _exec_data(env, docname)
        if data and not data.get("succeeded", True):
            failed.append(docname)
    return failed


def complete_cached_copy(app: Sphinx, doctree: nodes.document) -> None:
    """Write the cached outputs into the executed-notebook copy of a cache hit."""
    docname = app.env.docname
    data = _exec_data(app.env, docname)
    if not data or not data.get("succeeded", True):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
    if not executed.is_file():
        return
    notebook = nbformat.read(executed, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    if not code or all(c.get("execution_count") is not None for c in code):
        return
    from jupyter_cache import get_cache
    from myst_nb.ext.glue import extract_glue_data_cell

    cache = get_cache(app.config.nb_execution_cache_path)
    try:
        _, merged = cache.merge_match_into_notebook(notebook)
    except KeyError:
        return  # not in the cache (not executed at all): nbval refuses such a copy
    for cell in merged.cells:
        if cell.cell_type == "code":
            extract_glue_data_cell(cell)
    nbformat.write(merged, executed)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", check_images_in_figures)
    app.connect("doctree-read", report_failed_execution)
    app.connect("doctree-read", complete_cached_copy)
    app.connect("env-get-outdated", read_failed_chapters_again)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
