"""Reading phase: record each page's figures in the environment, then export them.

The records live in the pickled build environment (``env.citable``), so an
incremental build that re-reads one chapter still knows every other chapter's
figures. Export happens once all pages are read and numbered, on every HTML build.

A figure is credited with a dataset (``citable_datasets`` in the configuration maps a
loader's name, such as ``load_breast_cancer``, to the data's credit line) when a code
cell of its page calls that loader at or before the figure's own cell.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .bookinfo import BookInfo
from .credit import FileCredit
from .figures import ExportedFigure, FigureRecord, export_figures, record_figure

logger = logging.getLogger(__name__)


@dataclass
class EnvData:
    """What the environment keeps between builds."""

    figures: dict[str, list[FigureRecord]] = field(default_factory=dict)  # by docname
    galleries: set[str] = field(default_factory=set)  # docnames with {figure-gallery}


@dataclass
class BuildState:
    """What one build works out: the book's facts and the files it exported."""

    info: BookInfo
    exported: dict[str, ExportedFigure] = field(default_factory=dict)
    views: dict[str, list] = field(default_factory=dict)  # gallery docname -> [FigureView]


def env_data(env: BuildEnvironment) -> EnvData:
    if not isinstance(getattr(env, "citable", None), EnvData):
        env.citable = EnvData()  # type: ignore[attr-defined]
    return env.citable  # type: ignore[attr-defined]


def build_state(app: Sphinx) -> BuildState:
    return app.citable  # type: ignore[attr-defined]


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    data = env_data(env)
    data.figures.pop(docname, None)
    data.galleries.discard(docname)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str],
          other: BuildEnvironment) -> None:
    """Take over what parallel readers found in ``docnames``."""
    data, theirs = env_data(env), env_data(other)
    data.figures.update({d: theirs.figures[d] for d in docnames if d in theirs.figures})
    data.galleries |= theirs.galleries & docnames


def _is_code_cell(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def _cell_source(cell: nodes.container) -> str:
    return "\n".join(block.astext() for box in cell.findall(nodes.container)
                     if box.get("nb_element") == "cell_code_source"
                     for block in box.findall(nodes.literal_block))


def collect(app: Sphinx, doctree: nodes.document) -> None:
    """Record each figure of the page just read, warning about anything it lacks."""
    docname = app.env.docname
    records: dict[str, FigureRecord] = {}
    loaders = {name: re.compile(rf"\b{re.escape(name)}\s*\(")
               for name in app.config.citable_datasets}
    used: list[str] = []  # loaders called so far on this page, in order
    for figure in doctree.findall(lambda n: isinstance(n, nodes.figure) or _is_code_cell(n)):
        if not isinstance(figure, nodes.figure):
            source = _cell_source(figure)
            used += [name for name, call in loaders.items()
                     if name not in used and call.search(source)]
            continue
        figure["classes"].append("citable-figure")
        record, problem = record_figure(figure, docname, Path(app.srcdir))
        if record is not None:
            record = dataclasses.replace(record, datasets=tuple(used))
        if record is not None and record.name in records:
            record, problem = None, f"{record.name} appears twice on the page"
        if record is None:
            logger.warning(problem, location=figure, type="citable", subtype="figure")
            _quiet_follow_ons(figure, doctree)
        else:
            records[record.name] = record
    if records:
        env_data(app.env).figures[docname] = list(records.values())


def _quiet_follow_ons(figure: nodes.figure, doctree: nodes.document) -> None:
    """Number a faulty figure anyway, so the one warning above is the only one.

    Without a caption Sphinx does not number a figure, and every ``{numref}`` to it
    warns "Any number is not assigned"; without a name it warns "Any IDs not assigned".
    The build fails on the warning above in any case.
    """
    if not any(isinstance(c, nodes.caption) and c.astext().strip() for c in figure.children):
        figure += nodes.caption("", "(caption missing)")
    if not figure["ids"]:
        doctree.set_id(figure)


def all_records(env: BuildEnvironment) -> list[FigureRecord]:
    """Every figure, each name once (a name used twice is reported and skipped)."""
    seen: dict[str, FigureRecord] = {}
    figures = env_data(env).figures
    for docname in sorted(figures):
        for rec in figures[docname]:
            if rec.name in seen:
                logger.warning(f"figure name {rec.name} is used in {seen[rec.name].docname} "
                               f"and {docname}: names must be unique",
                               type="citable", subtype="figure")
            else:
                seen[rec.name] = rec
    return list(seen.values())


def figure_number(env: BuildEnvironment, rec: FigureRecord) -> str | None:
    number = env.toc_fignumbers.get(rec.docname, {}).get("figure", {}).get(rec.name)
    return ".".join(str(n) for n in number) if number else None


def gallery_url(app: Sphinx, name: str) -> str:
    """The figure's entry in this release's gallery (or its page, in a book without one)."""
    info = build_state(app).info
    galleries = sorted(env_data(app.env).galleries)
    if galleries:
        return f"{info.url}{galleries[0]}.html#{name}"
    docs = [d for d, recs in env_data(app.env).figures.items() if any(r.name == name for r in recs)]
    return f"{info.url}{docs[0]}.html#{name}" if docs else info.url


def dataset_credits(app: Sphinx, rec: FigureRecord) -> tuple[str, ...]:
    return tuple(app.config.citable_datasets[name] for name in rec.datasets
                 if name in app.config.citable_datasets)


def file_credit(app: Sphinx, rec: FigureRecord) -> FileCredit:
    """What the exported files of one figure say about themselves."""
    info = build_state(app).info
    number = figure_number(app.env, rec)
    label = f"Figure {number}" if number else "Figure"
    description = " ".join([rec.alt, *dataset_credits(app, rec)])
    return FileCredit(
        title=f"{label} ({rec.name}) of {info.title}, {info.release.label}",
        creator=info.author_line, license_url=info.content_license.url,
        source_url=gallery_url(app, rec.name), description=description)


def export(app: Sphinx, env: BuildEnvironment) -> None:
    """Once every page is read and numbered: write the figure files (HTML builds only)."""
    state = build_state(app)
    state.exported = {}
    if app.builder.format != "html":
        return
    records = all_records(env)
    try:
        state.exported = export_figures(records, Path(app.outdir),
                                        {rec.name: file_credit(app, rec) for rec in records})
    except FileNotFoundError as exc:
        logger.warning(f"a figure's image has gone ({exc}): rebuild from clean",
                       type="citable", subtype="export")


def rewrite_galleries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Galleries depend on every page, so they are written on every build."""
    return sorted(env_data(env).galleries)
