"""Readable pages on a phone and on a desktop (issue 11).

* **Figure text never shrinks below 9 CSS px.** A figure is an SVG that the theme
  scales down to the width of the text column, and on a phone that can make its
  labels unreadable. Matplotlib writes each piece of text as glyph paths scaled by
  ``fontsize / 100`` (``svg.fonttype: path``), so the smallest font of a figure, in
  SVG units, can be read from the file. We give the ``<img>`` a ``min-width`` at
  which that font renders at 9 px; where the column is narrower, the figure scrolls
  sideways in its own container (``static/readable.css``) instead of shrinking.
* **Wide equations, tables and outputs scroll** inside their own box instead of
  widening the page, and error messages wrap so the whole message is visible.
* **Every box that scrolls is a tab stop** while it overflows, whatever changed its size
  (``static/readable.js``), so a keyboard reader can scroll it.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

HERE = Path(__file__).resolve().parent
#: The smallest text, in CSS px, that a figure may show.
MIN_TEXT_PX = 9.0
_VIEWBOX = re.compile(r'<svg\b[^>]*\bviewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"')
_GLYPH_SCALE = re.compile(r'scale\(([\d.]+) -\1\)')
_IMG = re.compile(r'<img\b[^>]*\bsrc="([^"]+\.svg)"[^>]*?(/?)>')


def min_width_px(svg: str) -> int | None:
    """The rendered width (CSS px) at which the smallest text of a Matplotlib SVG is 9 px.

    Returns None when the SVG has no Matplotlib glyph text (nothing to protect).
    """
    box = _VIEWBOX.search(svg)
    scales = [float(s) for s in _GLYPH_SCALE.findall(svg)]
    if not box or not scales:
        return None
    smallest_font = min(scales) * 100  # in SVG user units
    return math.ceil(MIN_TEXT_PX * float(box.group(1)) / smallest_font)


def _configure(app: Sphinx, config: Config) -> None:
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]


def _svg_sources(app: Sphinx) -> dict[str, Path]:
    """Output file name of each image the HTML builder copies -> its source file."""
    images = getattr(app.builder, "images", {})
    return {dest: Path(app.srcdir, src) for src, dest in images.items()}


def _protect_figure_text(app: Sphinx, pagename: str, templatename: str, context: dict,
                         doctree: object) -> None:
    body = context.get("body")
    if not body or ".svg" not in body:
        return
    sources = _svg_sources(app)

    def add_min_width(match: re.Match) -> str:
        tag = match.group(0)
        source = sources.get(Path(match.group(1)).name)
        if source is None or not source.is_file() or "min-width" in tag:
            return tag
        width = min_width_px(source.read_text(encoding="utf-8", errors="replace"))
        if width is None:
            return tag
        return tag.replace("<img ", f'<img style="min-width: {width}px" ', 1)

    context["body"] = _IMG.sub(add_min_width, body)


def _add_static_files(app: Sphinx) -> None:
    app.add_css_file("readable.css")
    app.add_js_file("readable.js", loading_method="defer")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _add_static_files)
    app.connect("html-page-context", _protect_figure_text)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
