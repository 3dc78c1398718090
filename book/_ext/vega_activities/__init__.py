"""Hands-on activities that compute in the reader's browser, on the static site.

A chapter cell tagged ``site-only`` shows an activity made by
``dl_workshop.interactive.to_html``: a hidden ``<div class="vega-activity">``
holding a Vega-Lite spec. This extension

* serves Vega, Vega-Lite and Vega-Embed once, as one file under
  ``_static/vega/``, taken from the pinned ``vl-convert-python`` package (the
  bundle Altair itself uses to save charts that work offline): no CDN, no Node;
* loads that file, ``activities.js`` (which draws each activity) and
  ``activities.css`` only on pages that have an activity, so the libraries are
  neither inlined into pages nor fetched by pages without one;
* leaves ``site-only`` cells out of every other output (the PDF), where the
  chapter's static figure stands for the activity.

Without JavaScript the activity stays hidden; in print the stylesheet hides it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
#: Folder under the site's ``_static``.
STATIC = "vega"
BUNDLE = "vega-bundle.min.js"
#: What ``dl_workshop.interactive.to_html`` writes; a page with it gets the scripts.
MARKER = 'class="vega-activity"'
SITE_ONLY = "tag_site-only"


def vega_lite_version() -> str:
    """Altair's Vega-Lite version as ``major.minor``, checked against vl-convert's."""
    import altair
    import vl_convert

    version = ".".join(altair.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if version not in vl_convert.get_vegalite_versions():
        raise RuntimeError(f"vl-convert-python bundles Vega-Lite {vl_convert.get_vegalite_versions()}"
                           f" but Altair {altair.__version__} writes Vega-Lite {version} specs; "
                           f"pin versions of the two that agree")
    return version


def bundle_header(vl_version: str) -> str:
    """The licence notice at the top of the served bundle."""
    import importlib.metadata

    import vl_convert

    return (
        f"/*! Vega {vl_convert.get_vega_version()}, Vega-Lite {vl_version}"
        f", Vega-Embed {vl_convert.get_vega_embed_version()} and Vega-Themes "
        f"{vl_convert.get_vega_themes_version()} (each BSD-3-Clause, University of Washington "
        f"Interactive Data Lab), with their dependencies (d3 modules and others, under ISC, "
        f"BSD or MIT licences), bundled by vl-convert-python "
        f"{importlib.metadata.version('vl-convert-python')} (BSD-3-Clause). */\n"
    )


def _write_assets(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / STATIC
    target.mkdir(parents=True, exist_ok=True)
    for name in ("activities.js", "activities.css"):
        shutil.copyfile(HERE / name, target / name)
    import vl_convert

    version = vega_lite_version()
    # A function scope keeps the bundle's top-level names (such as ``_``) from
    # clashing with the page's other scripts; it sets window.vegaEmbed itself.
    # (Not a module script: browsers refuse those on a site opened from file://.)
    opening = bundle_header(version) + "(function () {\n"
    bundle = target / BUNDLE
    # The bundle takes seconds to make: keep it while the pinned versions are the same.
    if bundle.is_file() and bundle.read_text(encoding="utf-8").startswith(opening):
        return
    cached = _cached_bundle(opening)
    if cached is not None and cached.is_file():
        shutil.copyfile(cached, bundle)
        return
    logger.info("vega_activities: writing %s", bundle)
    code = vl_convert.javascript_bundle(vl_version=version)
    bundle.write_text(f"{opening}{code}\n}})();\n", encoding="utf-8")
    if cached is not None:
        _store(bundle, cached)


def _cached_bundle(opening: str) -> Path | None:
    """Where this environment keeps the bundle for these versions (None: nowhere writable).

    The bundle depends only on the pinned packages named in its header, and making it is
    about half of a one-chapter build (the scratch builds of the test suites, the first
    build after ``make book-clean``), so it is kept in the environment those packages
    live in, under a name that hashes the header.
    """
    folder = Path(sys.prefix) / "share" / "nn-from-scratch-jax"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK):
        return None
    digest = hashlib.sha256(opening.encode("utf-8")).hexdigest()[:16]
    return folder / f"vega-bundle-{digest}.min.js"


def _store(bundle: Path, cached: Path) -> None:
    """Copy ``bundle`` to ``cached`` atomically (builds may run side by side)."""
    partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
    try:
        shutil.copyfile(bundle, partial)
        os.replace(partial, cached)
    except OSError:
        partial.unlink(missing_ok=True)


def _has_activity(doctree: nodes.document) -> bool:
    return any(MARKER in raw.astext() for raw in doctree.findall(nodes.raw))


def _add_assets(app: Sphinx, pagename: str, templatename: str, context: dict,
                doctree: nodes.document | None) -> None:
    if doctree is None or app.builder.format != "html" or not _has_activity(doctree):
        return
    # Page-specific (Sphinx resets the list after each page); deferred, in this order.
    app.add_js_file(f"{STATIC}/{BUNDLE}", defer="defer")
    app.add_js_file(f"{STATIC}/activities.js", defer="defer")
    app.add_css_file(f"{STATIC}/activities.css")


class DropSiteOnlyCells(SphinxPostTransform):
    """Remove cells tagged ``site-only`` from every non-HTML output (the PDF)."""

    # Before myst-nb picks an output's mime type (priority 4), so a site-only
    # output never has to have a LaTeX rendering.
    default_priority = 3

    def run(self, **kwargs: object) -> None:
        if self.app.builder.format == "html":
            return
        for cell in list(self.document.findall(nodes.container)):
            if SITE_ONLY in cell.get("classes", []):
                cell.parent.remove(cell)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _add_assets)
    app.connect("build-finished", _write_assets)
    app.add_post_transform(DropSiteOnlyCells)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
