"""Serve the ipywidgets front end from the site itself, so pages work offline.

By default myst-nb makes every page that holds widgets load RequireJS and the
``@jupyter-widgets/html-manager`` bundle from public CDNs. A reader without
internet (or a course mirroring the site on an internal server) would then see
empty boxes where chapter 1's sliders and their figure should be.

``make site-assets`` fetches the html-manager package from the npm registry at a
pinned version, checks its integrity, and unpacks its ``dist/`` folder into
``.vendor/html-manager``. This extension

* fails the HTML build at once, with the command to run, if that folder is missing;
* points myst-nb at the self-contained ``embed.js`` (which needs no RequireJS);
* copies the folder to ``_static/vendor/html-manager`` of the built site.

The files are copied into the *output* only: a ``.js`` file in the book's own
``_static`` folder would be added by Jupyter Book as a script to every page.
(MathJax is self-hosted the same way by the ``sphinx-mathjax-offline`` package.)
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util.fileutil import copy_asset

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / ".vendor" / "html-manager"
#: Where the bundle lands in the built site, relative to ``_static``.
TARGET = "vendor/html-manager"
ENTRY = "embed.js"


def _html(app: Sphinx) -> bool:
    return app.builder is not None and app.builder.format == "html"


def _use_local_widgets_js(app: Sphinx, config: Config) -> None:
    # No other attributes (integrity, crossorigin): the file is ours, same origin.
    config.nb_ipywidgets_js = {f"{TARGET}/{ENTRY}": {}}


def _require_vendored_files(app: Sphinx) -> None:
    if _html(app) and not (VENDOR / ENTRY).is_file():
        raise ExtensionError(
            f"{VENDOR / ENTRY} is missing, so pages with widgets would need the "
            "internet. Run 'make site-assets' (it fetches the pinned "
            "@jupyter-widgets/html-manager from the npm registry), then build again."
        )


def _copy_vendored_files(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and _html(app):
        copy_asset(str(VENDOR), str(Path(app.outdir) / "_static" / TARGET))


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _use_local_widgets_js)
    app.connect("builder-inited", _require_vendored_files)
    app.connect("build-finished", _copy_vendored_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
