"""Citable figures and a citable book (issue 6).

- Every numbered figure is checked (stable name, caption, alt text, one image) and
  exported as ``figures/<name>.svg`` and ``figures/<name>.png`` (300 dpi) at the site
  root, with a thumbnail in ``figures/thumbs/`` and a list, ``figures/figures.json``.
  The URLs depend only on the figure's name (``collect.py``, ``figures.py``).
- ``{figure-gallery}`` becomes a gallery of every figure with its citation;
  ``{book-citation}`` gives the book's own (``pages.py``, ``gallery.py``, ``cite.py``).
- The version (``pyproject.toml``) and licences (``CITATION.cff``) appear in every
  page's footer and as the MyST substitution ``{{ book_version }}`` (``bookinfo.py``).
- Figures get a white card in the theme's dark mode (``static/citable.css``).
- ``bibtex_reference_style: author_year_round`` cites as "Rumelhart et al. (1986)".

The kernel side, which makes each figure output carry an SVG and a 300-dpi PNG, is
``ipython_kernel_config.py`` (installed into the venv by `make`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from . import collect, pages
from .bookinfo import load_book_info, version_problems
from .refstyle import register as register_reference_style

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FOOTER = "citable-footer.html"
CITE_PAGE = "book/appendix/how-to-cite"
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
    config.myst_substitutions = {**config.myst_substitutions, "book_version": info.version}
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    config.templates_path = [*config.templates_path, str(HERE / "templates")]
    items = config.html_theme_options.get("footer_content_items", DEFAULT_FOOTER)
    if FOOTER not in items:
        config.html_theme_options["footer_content_items"] = [*items, FOOTER]


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                  doctree: Any) -> None:
    """Values for ``templates/citable-footer.html``."""
    info = collect.build_state(app).info
    branch = app.config.html_theme_options.get("repository_branch", "main")
    context.update(citable_version=info.version, citable_content_license=info.content_license,
                   citable_code_license=info.code_license, citable_cite_page=CITE_PAGE,
                   citable_code_license_url=f"{info.repository}/blob/{branch}/LICENSE")


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
    app.connect("env-updated", collect.export)
    app.connect("env-get-updated", collect.rewrite_galleries)
    app.connect("doctree-resolved", pages.fill_gallery)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", pages.write_manifest)
    return {"version": "1.0", "env_version": 2,
            "parallel_read_safe": True, "parallel_write_safe": True}
