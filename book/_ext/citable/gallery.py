"""The figure gallery, built from the figures themselves when the gallery page is written.

By then Sphinx has numbered every figure, so each entry shows the figure's number,
its chapter, its caption (as the chapter renders it, glue values and math included),
a thumbnail, download links and a suggested citation.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

from .bookinfo import BookInfo
from .cite import FigureCitation, figure_bibtex, figure_citation_text, figure_credit_line
from .collect import build_state, dataset_credits, env_data
from .latex import gallery_for_print
from .figures import ExportedFigure, FigureRecord, caption_to_latex, caption_to_text

logger = logging.getLogger(__name__)


@dataclass
class FigureView:
    """A figure with everything known once the whole book has been read and numbered."""

    record: FigureRecord
    number: str
    caption: nodes.caption  # resolved, from the chapter's own doctree
    citation: FigureCitation
    chapter_title: str


def doc_order(app: Sphinx) -> list[str]:
    """Documents in reading order: a depth-first walk of the toctree from the root."""
    seen: list[str] = []

    def walk(docname: str) -> None:
        if docname in seen:
            return
        seen.append(docname)
        for child in app.env.toctree_includes.get(docname, []):
            walk(child)

    walk(app.config.root_doc)
    return seen


def html_uri(app: Sphinx, docname: str) -> str:
    """A page's address relative to the site root, whatever builder runs (LaTeX's own
    target URIs look like ``%book/x`` and mean nothing on the web)."""
    if app.builder.format == "html":
        return app.builder.get_target_uri(docname)
    return docname + ".html"


def figure_views(app: Sphinx, gallery_doc: str) -> list[FigureView]:
    """Every recorded figure in book order, numbered and with its resolved caption."""
    env, info = app.env, build_state(app).info
    order = {doc: i for i, doc in enumerate(doc_order(app))}
    gallery_url = info.url + html_uri(app, gallery_doc)
    views = []
    records = env_data(env).figures
    for docname in sorted(records, key=lambda d: (order.get(d, len(order)), d)):
        doctree = env.get_and_resolve_doctree(docname, app.builder)
        captions = {fig["names"][0]: next(iter(fig.findall(nodes.caption)))
                    for fig in doctree.findall(nodes.figure) if fig["names"]}
        fignumbers = env.toc_fignumbers.get(docname, {}).get("figure", {})
        secnumber = env.toc_secnumbers.get(docname, {}).get("")
        chapter_title = env.titles[docname].astext()
        if secnumber:
            chapter_title = f"{'.'.join(str(n) for n in secnumber)}. {chapter_title}"
        for rec in records[docname]:
            number = fignumbers.get(rec.name)
            if number is None:
                logger.warning(f"{rec.name} has no figure number: is its page in _toc.yml "
                               "and numfig on?", location=docname, type="citable", subtype="figure")
                continue
            number_text = ".".join(str(n) for n in number)
            caption = captions[rec.name]
            citation = FigureCitation(
                name=rec.name, number=number_text,
                caption=" ".join(caption_to_text(caption).split()),
                caption_latex=" ".join(caption_to_latex(caption).split()),
                url=f"{gallery_url}#{rec.name}", datasets=dataset_credits(app, rec))
            views.append(FigureView(rec, number_text, caption, citation, chapter_title))
    return views


def _portable(caption: nodes.caption) -> list[nodes.Node]:
    """The caption's content, safe to place on another page (links become plain text)."""
    copy = caption.deepcopy()
    for ref in list(copy.findall(nodes.reference)):
        ref.replace_self(nodes.inline("", "", *ref.children))
    for node in copy.findall(nodes.Element):
        node["ids"] = []
    return list(copy.children)


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1000:.0f} kB" if n_bytes >= 1000 else f"{n_bytes} B"


def _entry(app: Sphinx, gallery_doc: str, view: FigureView, files: ExportedFigure,
           info: BookInfo) -> nodes.section:
    """One figure's section: heading, thumbnail, caption, downloads, citation."""
    name = view.record.name
    page = app.builder.get_relative_uri(gallery_doc, view.record.docname)
    here = app.builder.get_target_uri(gallery_doc)
    site = {kind: relative_uri(here, getattr(files, kind)) for kind in ("svg", "png", "thumb")}
    section = nodes.section(ids=[name], classes=["citable-entry"])
    section += nodes.title("", f"Figure {view.number}")
    thumb_w, thumb_h = files.thumb_size
    section += nodes.raw("", (
        f'<a class="citable-thumb" href="{page}#{name}"><img src="{site["thumb"]}" '
        f'alt="{html.escape(view.record.alt)}" width="{thumb_w // 2}" height="{thumb_h // 2}" '
        f'loading="lazy"></a>'), format="html")
    where = nodes.paragraph(classes=["citable-where"])
    where += nodes.Text("In ")
    where += nodes.reference("", view.chapter_title, internal=True, refuri=f"{page}#{name}")
    where += nodes.Text(" · name ")
    where += nodes.literal("", name)
    section += where
    section += nodes.paragraph("", "", *_portable(view.caption), classes=["citable-caption"])
    for credit in view.citation.datasets:
        section += nodes.paragraph("", credit, classes=["citable-data"])
    lic = info.content_license
    section += nodes.raw("", (
        f'<p class="citable-downloads">Download '
        f'<a href="{site["svg"]}" download="{name}.svg">SVG</a> ({_size(files.svg_bytes)}) · '
        f'<a href="{site["png"]}" download="{name}.png">PNG, 300 dpi</a> '
        f'({_size(files.png_bytes)}) · licence <a href="{lic.url}">{lic.name}</a></p>'),
        format="html")
    section += nodes.paragraph("", "Credit line for a slide or handout:",
                               classes=["citable-label"])
    credit = figure_credit_line(info, view.citation)
    section += nodes.literal_block(credit, credit, language="text", classes=["citable-credit"])
    section += nodes.paragraph("", "Suggested citation:", classes=["citable-label"])
    text = figure_citation_text(info, view.citation)
    section += nodes.literal_block(text, text, language="text", classes=["citable-citation"])
    section += nodes.raw("", "<details class=\"citable-bibtex\"><summary>BibTeX</summary>",
                         format="html")
    bibtex = figure_bibtex(info, view.citation)
    section += nodes.literal_block(bibtex, bibtex, language="bibtex",
                                   classes=["citable-bibtex-entry"])
    section += nodes.raw("", "</details>", format="html")
    return section


def render_gallery(app: Sphinx, gallery_doc: str, views: list[FigureView],
                   exported: dict[str, ExportedFigure]) -> list[nodes.Node]:
    """The gallery's content: one section per chapter, one sub-section per figure."""
    info = build_state(app).info
    if app.builder.format != "html":
        return gallery_for_print(views, info)
    if not views:
        return [nodes.paragraph("", "This book has no numbered figures yet.")]
    out: list[nodes.Node] = []
    chapter: nodes.section | None = None
    for view in views:
        if chapter is None or chapter["docname"] != view.record.docname:
            chapter = nodes.section(ids=[f"gallery-{view.record.docname.replace('/', '-')}"],
                                    classes=["citable-chapter"], docname=view.record.docname)
            chapter += nodes.title("", view.chapter_title)
            out.append(chapter)
        chapter += _entry(app, gallery_doc, view, exported[view.record.name], info)
    return out
