"""Reader notebooks: each chapter as a notebook that reads like the site (issue 10).

When the HTML build has finished, this extension turns every executed chapter
notebook (``_build/jupyter_execute/<page>.ipynb``) into two editions, written to
the site under ``notebooks/reader/<page>.ipynb`` and ``notebooks/student/<page>.ipynb``:

- the **reader** edition: what Binder, Colab, the download button and ``make lab``
  open; glued numbers in place, cross-references as links to the site, and each
  exercise with an empty answer cell and its solution collapsed;
- the **student** edition: the same without the solutions, for instructors.

Numbers, titles and glued values come from this build (the Sphinx environment
and myst-nb's ``<page>.glue.json``), so they are the site's. The download button
of sphinx-book-theme serves ``_sources/<page>.ipynb``; that file is replaced by
the reader edition. ``tools/colab_notebooks.py`` publishes the reader editions
for Colab and Binder.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import Any

import nbformat
from docutils import nodes
from myst_nb.core.variables import format_plain_text
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .editions import EDITIONS, READER, Numbers, editions
from .myst import MystError

LOGGER = logging.getLogger(__name__)
FOLDER = "notebooks"
# notebooks/index.json: every page with editions, its source, and the code cells of its
# executed notebook that are solutions (nbval skips them: tests/nbval_build.py).
INDEX = "index.json"


class SphinxSite:
    """The built site, as :mod:`reader.myst` asks for it: numbers, titles, links, glue."""

    def __init__(self, app: Sphinx, executed: Path) -> None:
        self.app, self.env, self.executed = app, app.env, executed
        base = app.config.html_baseurl
        if not base:
            raise MystError("html_baseurl is not set (html.baseurl in _config.yml): the reader notebooks "
                            "link to the published site and need its address")
        self.base = base if base.endswith("/") else base + "/"
        self.std = self.env.get_domain("std")
        self._glue: dict[str, dict] = {}

    def page_url(self, docname: str, anchor: str = "") -> str:
        url = self.base + self.app.builder.get_target_uri(docname)
        return f"{url}#{anchor}" if anchor else url

    def _glued(self, docname: str, key: str) -> dict:
        if docname not in self._glue:
            path = self.executed / f"{docname}.glue.json"
            self._glue[docname] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if key not in self._glue[docname]:
            raise LookupError(f"no glued value {key!r} in {docname}.glue.json")
        return self._glue[docname][key]["data"]

    def glue_markdown(self, docname: str, key: str) -> str:
        """A value glued as Markdown (``{glue:md}``), pasted as the site renders it."""
        data = self._glued(docname, key)
        if "text/markdown" not in data:
            raise LookupError(f"the glued value {key!r} has no text/markdown form for {{glue:md}}")
        return data["text/markdown"]

    def glue(self, docname: str, key: str, fmt: str, *, plain: bool) -> str:
        data = self._glued(docname, key)
        if "text/plain" not in data:
            raise LookupError(f"the glued value {key!r} has no text/plain form")
        return data["text/plain"] if plain else format_plain_text(data["text/plain"], fmt or "s")

    def _label(self, label: str) -> tuple[str, str, str]:
        label = label.lower()
        if label in self.std.labels:
            return self.std.labels[label]
        if label in self.std.anonlabels:
            docname, anchor = self.std.anonlabels[label]
            return docname, anchor, ""
        raise LookupError(f"no label {label!r} in the book")

    def _fignumber(self, docname: str, anchor: str) -> tuple[str, str]:
        for figtype, numbers in self.env.toc_fignumbers.get(docname, {}).items():
            if anchor in numbers:
                return figtype, ".".join(map(str, numbers[anchor]))
        # A section (a chapter's title, say) is numbered as Sphinx numbers it for
        # {numref}: by its anchor, or as the page's first heading, whose anchor is ''.
        sections = self.env.toc_secnumbers.get(docname, {})
        number = sections.get("#" + anchor) or sections.get("")
        if number:
            return "section", ".".join(map(str, number))
        raise LookupError(f"{anchor!r} has no number on the site")

    def numbered(self, docname: str, anchor: str) -> str:
        figtype, number = self._fignumber(docname, anchor)
        return self.app.config.numfig_format[figtype] % number

    def numref(self, docname: str, label: str, title: str | None) -> tuple[str, str]:
        target_doc, anchor, _ = self._label(label)
        figtype, number = self._fignumber(target_doc, anchor)
        pattern = title if title is not None else self.app.config.numfig_format[figtype]
        text = pattern.replace("{number}", number).replace("%s", number)
        return text, self.page_url(target_doc, anchor)

    def ref(self, docname: str, label: str, title: str | None) -> tuple[str, str]:
        target_doc, anchor, section = self._label(label)
        text = title or section
        if not text:
            raise LookupError(f"the label {label!r} has no title: give the link text, {{ref}}`text <{label}>`")
        return text, self.page_url(target_doc, anchor)

    def doc(self, docname: str, target: str, title: str | None) -> tuple[str, str]:
        base = posixpath.dirname(docname)
        target_doc = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        if target_doc not in self.env.titles:
            raise LookupError(f"no page {target_doc!r}")
        return title or self.env.titles[target_doc].astext(), self.page_url(target_doc)

    def term(self, docname: str, term: str, title: str | None) -> tuple[str, str]:
        objects = self.std.objects
        key = ("term", term.lower())
        found = objects.get(key) or objects.get(("term", term)) or next(
            (entry for (kind, name), entry in objects.items() if kind == "term" and name.lower() == term.lower()), None)
        if found is None:
            raise LookupError(f"no glossary term {term!r}")
        return title or term, self.page_url(found[0], found[1])

    def cite(self, docname: str, kind: str, keys: str) -> tuple[str, str]:
        domain = self.env.get_domain("cite")
        node = addnodes.pending_xref("", refdomain="cite", reftype=kind, reftarget=keys)
        node.source, node.line = self.env.doc2path(docname), 0
        resolved = domain.resolve_xref(self.env, docname, self.app.builder, kind, keys, node, nodes.inline())
        refs = [ref.get("refuri", "") for ref in resolved.findall(nodes.reference)]
        if not refs:
            raise LookupError(f"no citation {keys!r}")
        page, _, anchor = refs[0].partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(docname), page)).removesuffix(".html")
        return resolved.astext(), self.page_url(target, anchor)

    def py(self, docname: str, kind: str, target: str) -> tuple[str, str]:
        objects = self.env.get_domain("py").objects
        matches = [name for name in objects if name == target or name.endswith("." + target)]
        if not matches:
            raise LookupError(f"no Python object {target!r} in the API reference")
        name = min(matches, key=len)
        entry = objects[name]
        return target, self.page_url(entry.docname, entry.node_id)

    def editions(self) -> list[tuple[str, str, dict[str, str]]]:
        return [(title, self.page_url(name), {edition: self.base + path for edition, path in paths.items()})
                for name, title, paths in edition_links(self.app)]

    def substitution(self, name: str) -> str:
        substitutions = self.app.config.myst_substitutions
        if name not in substitutions:
            raise MystError(f"no MyST substitution {name!r}")
        return str(substitutions[name])


class SphinxNumbers(Numbers):
    """Exercise and figure numbers of one page, as the site prints them."""

    def __init__(self, site: SphinxSite, docname: str) -> None:
        self.site, self.docname = site, docname
        numbers = site.env.toc_fignumbers.get(docname, {}).get("exercise", {})
        self.in_order = [anchor for anchor, _ in sorted(numbers.items(), key=lambda item: item[1])]

    def exercise(self, label: str | None, index: int) -> str:
        if label:
            docname, anchor, _ = self.site._label(label)
            return self.site.numbered(docname, anchor)
        if index >= len(self.in_order):
            raise LookupError(f"exercise {index + 1} of {self.docname} has no number on the site")
        return self.site.numbered(self.docname, self.in_order[index])

    def figure(self, label: str) -> str:
        docname, anchor, _ = self.site._label(label)
        return self.site.numbered(docname, anchor)


class editions_list(nodes.General, nodes.Element):
    """Placeholder for the list of every chapter's two notebooks, filled once all pages are read."""


class NotebookEditions(SphinxDirective):
    """``{notebook-editions}``: a list of the notebook pages, each with its reader and student notebook."""

    def run(self) -> list[nodes.Node]:
        return [editions_list()]


def toc_order(app: Sphinx) -> list[str]:
    """Every page in the order of the table of contents."""
    ordered: list[str] = []

    def visit(docname: str) -> None:
        if docname in ordered:
            return
        ordered.append(docname)
        for child in app.env.toctree_includes.get(docname, []):
            visit(child)

    visit(app.config.root_doc)
    return ordered


def edition_links(app: Sphinx) -> list[tuple[str, str, dict[str, str]]]:
    """``(docname, title, {edition: site-relative path})`` for every notebook page, in reading order."""
    executed = Path(app.outdir).parent / "jupyter_execute"
    pages = set(notebook_pages(app, executed))
    return [(name, app.env.titles[name].astext(),
             {edition: f"{FOLDER}/{edition}/{name}.ipynb" for edition in EDITIONS})
            for name in toc_order(app) if name in pages]


def fill_editions_list(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each placeholder by the list, with links relative to the page."""
    for placeholder in list(doctree.findall(editions_list)):
        items = nodes.bullet_list()
        for target, title, paths in edition_links(app):
            paragraph = nodes.paragraph()
            paragraph += nodes.reference("", title, internal=True,
                                         refuri=app.builder.get_relative_uri(docname, target))
            paragraph += nodes.Text(": ")
            for position, edition in enumerate(EDITIONS):
                if position:
                    paragraph += nodes.Text(", ")
                uri = posixpath.relpath(paths[edition], posixpath.dirname(docname) or ".")
                paragraph += nodes.reference("", f"{edition} notebook", refuri=uri)
            items += nodes.list_item("", paragraph)
        placeholder.replace_self(items)


def notebook_pages(app: Sphinx, executed: Path) -> list[str]:
    """The pages of this build that myst-nb executed as notebooks, in a stable order."""
    return sorted(name for name in app.env.found_docs if (executed / f"{name}.ipynb").is_file())


def write_editions(app: Sphinx, exception: Exception | None) -> None:
    """Write both editions of every notebook page; replace the download button's notebook."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    executed = outdir.parent / "jupyter_execute"
    site = SphinxSite(app, executed)
    index: dict[str, dict] = {}
    for docname in notebook_pages(app, executed):
        source = app.env.doc2path(docname)
        nb = nbformat.read(executed / f"{docname}.ipynb", as_version=4)
        try:
            made = editions(nb, docname, str(Path(source).relative_to(app.srcdir)), site,
                            SphinxNumbers(site, docname))
        except LookupError as error:
            raise MystError(f"{source}: {error}") from None
        for edition in EDITIONS:
            path = outdir / FOLDER / edition / f"{docname}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(made[edition], path)
        download = outdir / "_sources" / f"{docname}.ipynb"
        download.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(made[READER], download)
        index[docname] = {"source": Path(source).relative_to(app.srcdir).as_posix(),
                          "solution_cells": made.solution_cells}
    (outdir / FOLDER / INDEX).write_text(json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(editions_list)
    app.add_directive("notebook-editions", NotebookEditions)
    app.connect("doctree-resolved", fill_editions_list)
    app.connect("build-finished", write_editions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
