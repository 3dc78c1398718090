"""Citable figures and a citable book (issue 6).

- Every numbered figure is checked (stable name, caption, alt text, one image) and
  exported as ``figures/<name>.svg`` and ``figures/<name>.png`` (300 dpi) at the site
  root, with a thumbnail in ``figures/thumbs/`` and a list, ``figures/figures.json``.
  The URLs depend only on the figure's name (``collect.py``, ``figures.py``).
- ``{figure-gallery}`` becomes a gallery of every figure with its citation;
  ``{book-citation}`` gives the book's own (``pages.py``, ``gallery.py``, ``cite.py``).
- The version (``pyproject.toml``), release (``BOOK_RELEASE``, ``CITATION.cff``) and
  licences appear in every page's footer, with a chapter's citation on its page, and as
  the MyST substitutions ``{{ book_version }}``, ``{{ book_release }}``, ``{{ book_url }}``
  (``bookinfo.py``). Citations link this release's own folder of the site.
- Under each figure of a web page, a row links its SVG, PNG and gallery entry.
- The theme's version switcher reads ``_static/switcher.json``, which
  ``tools/deploy_versions.py`` rewrites with every published version.
- Figures get a white card in the theme's dark mode (``static/citable.css``).
- ``bibtex_reference_style: author_year_round`` cites as "Rumelhart et al. (1986)".

The kernel side, which makes each figure output carry an SVG and a 300-dpi PNG, is
``ipython_kernel_config.py`` (installed into the venv by `make`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from . import collect, latex, pages
from .bookinfo import load_book_info, switcher_entry, version_problems
from .cite import chapter_citation_text
from .refstyle import register as register_reference_style

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FOOTER = "citable-footer.html"
CITE_PAGE = "book/appendix/how-to-cite"
SWITCHER = "_static/switcher.json"
RELEASE = "_static/release.json"  # this build's own entry, read by tools/deploy_versions.py
SIDEBAR = ["navbar-logo.html", "version-switcher.html", "icon-links.html",
           "search-button-field.html", "sbt-sidebar-nav.html"]
DEFAULT_FOOTER = ["author.html", "copyright.html", "last-updated.html", "extra-footer.html"]


def _configure(app: Sphinx, config: Config) -> None:
    """Read the book's facts; publish the version; add the CSS, footer and templates."""
    info = load_book_info(ROOT)
    app.citable = collect.BuildState(info)  # type: ignore[attr-defined]
    for problem in version_problems(info):
        logger.warning(problem, type="citable", subtype="version")
    if not config.numfig:
        logger.warning("numfig is off, so figures have no numbers: set numfig: true",
                       type="citable")
    config.version = config.release = info.version
    status = (f"released {info.release.date}" if info.release.released else
              f"unreleased: main's latest build, after version {info.version}")
    config.myst_substitutions = {**config.myst_substitutions, "book_version": info.version,
                                 "book_release": status, "book_url": info.url}
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    config.templates_path = [*config.templates_path, str(HERE / "templates")]
    # The theme's version switcher, fed by _static/switcher.json at the root of each
    # published copy (tools/deploy_versions.py rewrites it in every copy on each deploy).
    config.html_theme_options["switcher"] = {"json_url": SWITCHER,
                                             "version_match": info.release.folder}
    config.html_theme_options["check_switcher"] = False  # the file is written at the end
    if not config.html_sidebars:
        config.html_sidebars = {"**": SIDEBAR}
    # The PDF's title page names the release and the licences (latex.py).
    title = config.latex_elements.get("maketitle", "\\sphinxmaketitle")
    config.latex_elements = {**config.latex_elements,
                             "maketitle": f"\\date{{{latex.title_page_line(info)}}}{title}"}
    items = config.html_theme_options.get("footer_content_items", DEFAULT_FOOTER)
    if FOOTER not in items:
        config.html_theme_options["footer_content_items"] = [*items, FOOTER]


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    """Values for ``templates/citable-footer.html``."""
    info = collect.build_state(app).info
    branch = app.config.html_theme_options.get("repository_branch", "main")
    secnumber = app.env.toc_secnumbers.get(pagename, {}).get("")
    chapter = None
    if secnumber and pagename in app.env.titles:
        number = ".".join(str(n) for n in secnumber)
        chapter = chapter_citation_text(info, number, app.env.titles[pagename].astext(),
                                        info.url + app.builder.get_target_uri(pagename))
    context.update(citable_chapter_citation=chapter, citable_release=info.release,
                   citable_version=info.version, citable_content_license=info.content_license,
                   citable_code_license=info.code_license, citable_cite_page=CITE_PAGE,
                   citable_code_license_url=f"{info.repository}/blob/{branch}/LICENSE")


def _write_switcher(app: Sphinx, exception: Exception | None) -> None:
    """This build's own entry as the version list; a deploy replaces it with every version."""
    if exception is not None or app.builder.format != "html":
        return
    info = collect.build_state(app).info
    entry = switcher_entry(info.release, info.root_url)
    for name, content in ((SWITCHER, [entry]), (RELEASE, entry)):
        path = Path(app.outdir) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")


def setup(app: Sphinx) -> dict:
    register_reference_style()
    app.add_node(pages.figure_gallery)
    app.add_directive("figure-gallery", pages.FigureGallery)
    app.add_directive("book-citation", pages.BookCitation)
    app.connect("config-inited", _configure)
    app.connect("builder-inited", lambda app: app.add_css_file("citable.css"))
    app.connect("env-purge-doc", collect.purge)
    app.connect("env-merge-info", collect.merge)
    app.connect("doctree-read", collect.collect)
    app.add_config_value("citable_datasets", {}, "env", types=[dict])
    # After numbering (env-get-updated), so the files can name their figure number.
    app.connect("env-check-consistency", collect.export)
    app.connect("builder-inited", latex.web_numbering, priority=900)
    app.connect("env-check-consistency", latex.latex_counters)
    app.connect("env-get-updated", collect.rewrite_galleries)
    app.connect("doctree-resolved", pages.fill_gallery)
    app.connect("doctree-resolved", pages.figure_links)
    app.connect("doctree-resolved", latex.solutions_at_chapter_end)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", pages.write_manifest)
    app.connect("build-finished", _write_switcher)
    app.connect("build-finished", latex.rewrite_tex)
    app.connect("build-finished", latex.write_web_numbers)
    return {"version": "1.0", "env_version": 2,
            "parallel_read_safe": True, "parallel_write_safe": True}
