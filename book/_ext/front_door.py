"""The front door: a map of the book on the landing page, one search field, a favicon.

* ``{book-map}`` (in ``book/intro.md``) becomes, for each part of ``_toc.yml``, its
  chapters: each with its title, a thumbnail of its first figure (from the figure
  manifest of ``citable``) and its one-line goal. The goal is the page's
  ``myst.html_meta.description`` in its front matter, which is also the page's meta
  description (what a search engine or a shared link shows). A page on the map without
  one fails the build with a message that names the key: a chapter's first sentence is
  written to lead into the chapter, not to sum it up. Nothing is typed twice: a chapter
  added to ``_toc.yml`` appears on the map with its figure at the next build.
* **One search field.** pydata-sphinx-theme 0.16+ puts a search field in the top header
  when ``navbar_persistent`` is unset; sphinx-book-theme already has one in the
  sidebar. We set it to empty, so the header holds no second field.
* **A favicon** (``book/_static/favicon.png``), also at the site root as
  ``favicon.ico``, the address browsers ask for on their own.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from citable.collect import build_state, env_data

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STATIC = ROOT / "book" / "_static"
logger = logging.getLogger(__name__)


class book_map(nodes.General, nodes.Element):
    """Placeholder, replaced by the map once every chapter has been read."""


class BookMap(SphinxDirective):
    """``{book-map}``: each part of the book with its chapters (no options)."""

    def run(self) -> list[nodes.Node]:
        self.env.book_map_pages = getattr(self.env, "book_map_pages", set()) | {self.env.docname}  # type: ignore[attr-defined]
        return [book_map("")]


def toc_parts(toc_path: Path) -> list[tuple[str, bool, list[str]]]:
    """``(caption, numbered, [docname, ...])`` for each part of a jb-book ``_toc.yml``."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    parts = []
    for part in toc.get("parts", []):
        docs = [str(c["file"]) for c in part.get("chapters", []) if "file" in c]
        parts.append((str(part.get("caption", "")), bool(part.get("numbered")), docs))
    return parts


FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


def chapter_goal(source: Path) -> str | None:
    """The page's one-line goal, ``myst.html_meta.description`` in its front matter, with
    its whitespace collapsed; None if it has none."""
    match = FRONT_MATTER.match(source.read_text(encoding="utf-8"))
    meta = (yaml.safe_load(match.group(1)) or {}) if match else {}
    description = ((meta.get("myst") or {}).get("html_meta") or {}).get("description")
    goal = " ".join(str(description or "").split())
    return goal or None


def _toc_path(app: Sphinx) -> Path:
    configured = getattr(app.config, "external_toc_path", "_toc.yml")
    path = Path(configured)
    return path if path.is_absolute() else Path(app.srcdir) / path


def render_map(app: Sphinx, docname: str) -> str:
    env, builder = app.env, app.builder
    figures = env_data(env).figures
    exported = build_state(app).exported
    here = builder.get_target_uri(docname)
    out = ['<div class="book-map">']
    for caption, numbered, docs in toc_parts(_toc_path(app)):
        docs = [d for d in docs if d in env.titles]
        if not docs:
            continue
        out.append(f'<section class="book-map-part"><h2>{html.escape(caption)}</h2>')
        out.append(f'<ol class="book-map-chapters{" numbered" if numbered else ""}">')
        for doc in docs:
            title = env.titles[doc].astext()
            number = env.toc_secnumbers.get(doc, {}).get("")
            if number:
                title = f"{'.'.join(map(str, number))}. {title}"
            link = relative_uri(here, builder.get_target_uri(doc))
            goal = chapter_goal(Path(env.doc2path(doc)))
            if goal is None:
                logger.warning(
                    "this page is on the landing page's map but has no one-line goal: "
                    "add one to its front matter as myst: html_meta: description: "
                    "\"...\" (as in book/_template.md)", location=(doc, 1))
                goal = ""
            thumb = ""
            first = next((f for f in figures.get(doc, []) if f.name in exported), None)
            if first is not None:
                src = relative_uri(here, exported[first.name].thumb)
                thumb = (f'<img class="book-map-thumb" src="{html.escape(src)}" '
                         f'alt="{html.escape(first.alt)}">')
            out.append(f'<li class="book-map-chapter"><a href="{html.escape(link)}">{thumb}'
                       f'<span class="book-map-title">{html.escape(title)}</span></a>'
                       f'<p class="book-map-goal">{html.escape(goal)}</p></li>')
        out.append("</ol></section>")
    out.append("</div>")
    return "\n".join(out)


def fill_map(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(book_map)):
        if app.builder.format == "html":
            node.replace_self(nodes.raw("", render_map(app, docname), format="html"))
        else:  # the PDF lists the chapters in its own table of contents
            node.replace_self([])


def rewrite_map_pages(app: Sphinx, env: Any) -> list[str]:
    """The map depends on every chapter, so its page is written on every build."""
    return sorted(getattr(env, "book_map_pages", set()))


def purge(app: Sphinx, env: Any, docname: str) -> None:
    getattr(env, "book_map_pages", set()).discard(docname)


def merge(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    env.book_map_pages = getattr(env, "book_map_pages", set()) | (getattr(other, "book_map_pages", set()) & docnames)


def _configure(app: Sphinx, config: Config) -> None:
    # One search field: the sidebar's (see the module docstring).
    config.html_theme_options["navbar_persistent"] = []
    if not config.html_favicon:
        config.html_favicon = str(STATIC / "favicon.png")
    config.html_extra_path = [*config.html_extra_path, str(STATIC / "root")]
    config.html_static_path = [*config.html_static_path, str(STATIC / "front_door")]


def setup(app: Sphinx) -> dict:
    app.add_node(book_map)
    app.add_directive("book-map", BookMap)
    app.connect("config-inited", _configure)
    app.connect("builder-inited", lambda app: app.add_css_file("front-door.css"))
    app.connect("doctree-resolved", fill_map)
    app.connect("env-get-updated", rewrite_map_pages)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
