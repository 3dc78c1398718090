"""Writing phase: the ``{figure-gallery}`` and ``{book-citation}`` directives, the
"SVG · PNG · Cite" row under each figure of a web page, and the machine-readable list
of figures ``figures/figures.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from .cite import book_bibtex, book_citation_text, figure_bibtex, figure_citation_text
from .collect import build_state, env_data, figure_number
from .gallery import FigureView, figure_views, render_gallery


class figure_gallery(nodes.General, nodes.Element):
    """Placeholder, replaced by the gallery once every figure is numbered."""


class FigureGallery(SphinxDirective):
    """``{figure-gallery}``: list every figure of the book (no options)."""

    def run(self) -> list[nodes.Node]:
        env_data(self.env).galleries.add(self.env.docname)
        return [figure_gallery("")]


class BookCitation(SphinxDirective):
    """``{book-citation}``: the book's suggested citation, as text and as BibTeX."""

    def run(self) -> list[nodes.Node]:
        info = build_state(self.env.app).info
        return [nodes.literal_block(text, text, language=lang, classes=["citable-citation"])
                for text, lang in ((book_citation_text(info), "text"),
                                   (book_bibtex(info), "bibtex"))]


def _exported_views(app: Sphinx, gallery_doc: str) -> list[FigureView]:
    """The gallery's figures (worked out once per build: it resolves every chapter)."""
    state = build_state(app)
    if gallery_doc not in state.views:
        html = app.builder.format == "html"  # print lists every figure; the web, the exported
        state.views[gallery_doc] = [v for v in figure_views(app, gallery_doc)
                                    if not html or v.record.name in state.exported]
    return state.views[gallery_doc]


def fill_gallery(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace a page's ``{figure-gallery}`` placeholder with the gallery itself."""
    placeholders = list(doctree.findall(figure_gallery))
    if not placeholders:
        return
    views = _exported_views(app, docname)
    if any(next(iter(v.caption.findall(nodes.math)), None) for v in views):
        app.env.get_domain("math").data["has_equations"][docname] = True  # load MathJax
    for node in placeholders:
        node.replace_self(render_gallery(app, docname, views, build_state(app).exported))


def figure_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Under each exported figure of a web page: links to its SVG, its PNG and its citation.

    Only HTML builds get the row (the PDF has no use for it); the links are plain
    anchors, so they are in the keyboard's tab order.
    """
    state = build_state(app)
    galleries = sorted(env_data(app.env).galleries)
    if app.builder.format != "html" or not galleries or not state.exported:
        return
    records = {rec.name: rec for rec in env_data(app.env).figures.get(docname, [])}
    here = app.builder.get_target_uri(docname)
    for figure in list(doctree.findall(nodes.figure)):
        name = figure["names"][0] if figure["names"] else None
        if name not in records or name not in state.exported:
            continue
        files = state.exported[name]
        number = figure_number(app.env, records[name])
        which = f'<span class="visually-hidden"> of Figure {number}</span>' if number else ""
        cite = app.builder.get_relative_uri(docname, galleries[0]) + "#" + name
        row = (f'<p class="citable-figure-links">'
               f'<a href="{relative_uri(here, files.svg)}" download="{name}.svg">SVG{which}</a>'
               f' · <a href="{relative_uri(here, files.png)}" download="{name}.png">'
               f'PNG{which}</a>'
               f' · <a href="{cite}">Cite{which}</a></p>')
        figure.parent.insert(figure.parent.index(figure) + 1, nodes.raw("", row, format="html"))


def write_manifest(app: Sphinx, exception: Exception | None) -> None:
    """``figures/figures.json``: every figure's number, page, caption, files and citation."""
    galleries = sorted(env_data(app.env).galleries)
    if exception is not None or app.builder.format != "html" or not galleries:
        return  # without a gallery (a reduced book) there is no stable link to cite
    state = build_state(app)
    figures = []
    for view in _exported_views(app, galleries[0]):
        rec, files = view.record, state.exported[view.record.name]
        figures.append({
            "name": rec.name, "number": view.number, "docname": rec.docname,
            "page": app.builder.get_target_uri(rec.docname) + "#" + rec.name,
            "gallery": view.citation.url, "caption": view.citation.caption, "alt": rec.alt,
            "svg": files.svg, "png": files.png, "thumbnail": files.thumb, "sha256": files.sha256,
            "datasets": list(view.citation.datasets),
            "citation": figure_citation_text(state.info, view.citation),
            "bibtex": figure_bibtex(state.info, view.citation)})
    release = state.info.release
    manifest = {"title": state.info.title, "version": state.info.version, "url": state.info.url,
                "released": release.date, "release": release.folder,
                "license": state.info.content_license.spdx, "figures": figures}
    path = Path(app.outdir) / "figures" / "figures.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                    encoding="utf-8")
