"""Citable figures and a citable book (issue 6).

- Every numbered figure is checked (stable name, caption, alt text, one image) and
  exported as ``figures/<name>.svg`` and ``figures/<name>.png`` (300 dpi) at the
  site root, with a thumbnail in ``figures/thumbs/`` and a manifest
  ``figures/figures.json``. The URLs depend only on the figure's name.
- ``{figure-gallery}`` becomes a gallery of every figure; ``{book-citation}`` a
  suggested citation of the whole book.
- The version (``pyproject.toml``) and licences (``CITATION.cff``) appear in every
  page's footer and as the MyST substitution ``{{ book_version }}``.
- Figures get a light card in the theme's dark mode (``static/citable.css``).
- References can use ``bibtex_reference_style: author_year_round`` (``refstyle.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .bookinfo import load_book_info, version_problems
from .cite import book_bibtex, book_citation_text, figure_bibtex, figure_citation_text
from .figures import FigureRecord, export_figures, record_figure
from .gallery import figure_views, render_gallery
from .refstyle import register as register_reference_style

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FOOTER = "citable-footer.html"
CITE_PAGE = "book/appendix/how-to-cite"


class figure_gallery(nodes.General, nodes.Element):
    """Placeholder, replaced by the gallery once every figure is numbered."""


class FigureGallery(SphinxDirective):
    """``{figure-gallery}``: list every figure of the book (no options)."""

    def run(self) -> list[nodes.Node]:
        self.env.citable_galleries.add(self.env.docname)  # type: ignore[attr-defined]
        return [figure_gallery("")]


class BookCitation(SphinxDirective):
    """``{book-citation}``: the book's suggested citation, as text and as BibTeX."""

    def run(self) -> list[nodes.Node]:
        info = self.env.app.citable_info  # type: ignore[attr-defined]
        text, bibtex = book_citation_text(info), book_bibtex(info)
        return [nodes.literal_block(text, text, language="text", classes=["citable-citation"]),
                nodes.literal_block(bibtex, bibtex, language="bibtex", classes=["citable-citation"])]


def _configure(app: Sphinx, config: Config) -> None:
    """Read the book's facts; show the version and licences; add the CSS and footer."""
    info = app.citable_info = load_book_info(ROOT)  # type: ignore[attr-defined]
    for problem in version_problems(info):
        logger.warning(problem, type="citable", subtype="version")
    if not config.numfig:
        logger.warning("numfig is off: figures need numbers (set numfig: true)", type="citable")
    config.version = config.release = info.version
    config.myst_substitutions = {**config.myst_substitutions, "book_version": info.version}
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    config.templates_path = [*config.templates_path, str(HERE / "templates")]
    options = config.html_theme_options
    items = options.get("footer_content_items",
                        ["author.html", "copyright.html", "last-updated.html", "extra-footer.html"])
    if FOOTER not in items:
        options["footer_content_items"] = [*items, FOOTER]


def _init_env(app: Sphinx) -> None:
    env = app.env
    if not hasattr(env, "citable_figures"):
        env.citable_figures = {}  # type: ignore[attr-defined]  # docname -> [FigureRecord]
        env.citable_galleries = set()  # type: ignore[attr-defined]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    env.citable_figures.pop(docname, None)  # type: ignore[attr-defined]
    env.citable_galleries.discard(docname)  # type: ignore[attr-defined]


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in other.citable_figures:  # type: ignore[attr-defined]
            env.citable_figures[docname] = other.citable_figures[docname]  # type: ignore[attr-defined]
    env.citable_galleries |= other.citable_galleries & docnames  # type: ignore[attr-defined]


def _collect(app: Sphinx, doctree: nodes.document) -> None:
    """Record each figure of the page just read, warning about anything it lacks."""
    env = app.env
    records: dict[str, FigureRecord] = {}
    for figure in doctree.findall(nodes.figure):
        figure["classes"].append("citable-figure")
        record, problem = record_figure(figure, env.docname, Path(app.srcdir))
        if record is not None and record.name in records:
            record, problem = None, (f"{record.name} appears twice on the page (a cell that ends "
                                     "with `fig` shows the figure twice: end it with `fig;`)")
        if record is None:
            logger.warning(problem, location=figure, type="citable", subtype="figure")
        else:
            records[record.name] = record
    if records:
        env.citable_figures[env.docname] = list(records.values())  # type: ignore[attr-defined]


def _all_records(env: BuildEnvironment) -> list[FigureRecord]:
    """Every figure, each name once (a duplicate name is reported and skipped)."""
    seen: dict[str, FigureRecord] = {}
    for docname in sorted(env.citable_figures):  # type: ignore[attr-defined]
        for rec in env.citable_figures[docname]:  # type: ignore[attr-defined]
            if rec.name in seen:
                logger.warning(f"figure name {rec.name} is used in {seen[rec.name].docname} and "
                               f"{docname}: names must be unique", type="citable", subtype="figure")
            else:
                seen[rec.name] = rec
    return list(seen.values())


def _export(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: write the figure files (HTML builds only)."""
    app.citable_exported = {}  # type: ignore[attr-defined]
    if app.builder.format != "html":
        return
    try:
        app.citable_exported = export_figures(_all_records(env), Path(app.outdir))  # type: ignore[attr-defined]
    except FileNotFoundError as exc:
        logger.warning(str(exc), type="citable", subtype="export")


def _always_rewrite_galleries(app: Sphinx, env: BuildEnvironment) -> list[str]:
    return sorted(env.citable_galleries)  # type: ignore[attr-defined]


def _views(app: Sphinx, gallery_doc: str) -> list:
    exported = app.citable_exported  # type: ignore[attr-defined]
    return [v for v in figure_views(app, gallery_doc) if v.record.name in exported]


def _fill_gallery(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(figure_gallery))
    if not placeholders:
        return
    views = _views(app, docname)
    app.citable_manifest_views = (docname, views)  # type: ignore[attr-defined]
    if any(next(iter(v.caption.findall(nodes.math)), None) for v in views):
        app.env.get_domain("math").data["has_equations"][docname] = True
    for node in placeholders:
        node.replace_self(render_gallery(app, docname, views, app.citable_exported))  # type: ignore[attr-defined]


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    info = app.citable_info  # type: ignore[attr-defined]
    branch = app.config.html_theme_options.get("repository_branch", "main")
    context.update(citable_version=info.version, citable_content_license=info.content_license,
                   citable_code_license=info.code_license, citable_cite_page=CITE_PAGE,
                   citable_code_license_url=f"{info.repository}/blob/{branch}/LICENSE")


def _write_manifest(app: Sphinx, exception: Exception | None) -> None:
    """``figures/figures.json``: every figure's number, page, caption, files and citation."""
    if exception is not None or app.builder.format != "html":
        return
    info, exported = app.citable_info, app.citable_exported  # type: ignore[attr-defined]
    galleries = sorted(app.env.citable_galleries)  # type: ignore[attr-defined]
    if not galleries:
        logger.warning("no page has a {figure-gallery}: the figures are exported but not listed",
                       type="citable")
        return
    cached = getattr(app, "citable_manifest_views", None)
    views = cached[1] if cached else _views(app, galleries[0])
    figures = [{
        "name": v.record.name, "number": v.number, "docname": v.record.docname,
        "page": app.builder.get_target_uri(v.record.docname) + "#" + v.record.name,
        "gallery": v.citation.url, "caption": v.caption_text, "alt": v.record.alt,
        "svg": exported[v.record.name].svg, "png": exported[v.record.name].png,
        "thumbnail": exported[v.record.name].thumb, "sha256": exported[v.record.name].sha256,
        "citation": figure_citation_text(info, v.citation), "bibtex": figure_bibtex(info, v.citation),
    } for v in views]
    manifest = {"title": info.title, "version": info.version, "url": info.url,
                "license": info.content_license.spdx, "figures": figures}
    path = Path(app.outdir) / "figures" / "figures.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                    encoding="utf-8")


def setup(app: Sphinx) -> dict:
    register_reference_style()
    app.add_node(figure_gallery)
    app.add_directive("figure-gallery", FigureGallery)
    app.add_directive("book-citation", BookCitation)
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _init_env)
    app.connect("builder-inited", lambda app: app.add_css_file("citable.css"))
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-read", _collect)
    app.connect("env-updated", _export)
    app.connect("env-get-updated", _always_rewrite_galleries)
    app.connect("doctree-resolved", _fill_gallery)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _write_manifest)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 1}
