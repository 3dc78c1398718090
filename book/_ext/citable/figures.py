"""Find the book's figures in the pages and export each as SVG and 300-dpi PNG.

A figure is a ``figure`` node with one image. myst-nb makes one from a code cell
whose metadata has ``mystnb.figure`` (or from ``{glue:figure}``); the image is a
file myst-nb wrote from one of the cell's outputs and named after the SHA-256 of
its bytes. That output's MIME bundle, in the executed notebook myst-nb saves,
also holds the other rendition (see ``ipython_kernel_config.py``), so nothing is
re-drawn: the exported files are exactly what the chapter's code produced.

A figure may instead show a file kept in the repository (a diagram with an
editable source): it then needs ``x.svg`` and ``x.png`` side by side.
"""

from __future__ import annotations

import binascii
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from docutils import nodes
from PIL import Image

from .cite import bibtex_escape

#: Figure names: ``fig-`` and lower-case words joined by hyphens; they become file names.
NAME_PATTERN = re.compile(r"fig-[a-z0-9]+(?:-[a-z0-9]+)*")
SVG, PNG = "image/svg+xml", "image/png"
GLUE_PREFIX = "application/papermill.record/"  # how myst-nb's glue stores hidden outputs
THUMB_WIDTH = 480  # pixels: sharp at 240 CSS pixels on a high-density screen


@dataclass(frozen=True)
class FigureRecord:
    """One figure as found when its page is read (its number and caption come later)."""

    name: str
    docname: str
    alt: str
    image_hash: str  # SHA-256 named file of a notebook output, or "" for a repository file
    static_svg: str = ""  # for a repository file: its SVG and PNG, relative to the source dir
    static_png: str = ""


@dataclass(frozen=True)
class ExportedFigure:
    """The files written for one figure, relative to the site root."""

    svg: str
    png: str
    thumb: str
    svg_bytes: int
    png_bytes: int
    thumb_size: tuple[int, int]  # pixels
    sha256: dict[str, str]


def output_file_hash(mime: str, content: str) -> str:
    """The SHA-256 myst-nb names an output file by (``render.py::render_image``)."""
    if mime == SVG:
        data = "\n".join(content.splitlines()).encode("utf-8")
    else:
        data = binascii.a2b_base64(content)
    return hashlib.sha256(data).hexdigest()


def notebook_bundles(path: Path) -> dict[str, dict[str, str]]:
    """Map the file hash of every SVG or PNG output in a notebook to its whole bundle."""
    index: dict[str, dict[str, str]] = {}
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            bundle = {mime.removeprefix(GLUE_PREFIX): value
                      for mime, value in output.get("data", {}).items()}
            for mime in (SVG, PNG):
                if mime in bundle:
                    index[output_file_hash(mime, bundle[mime])] = bundle
    return index


def caption_to_latex(node: nodes.Node) -> str:
    """Caption text for BibTeX: special characters escaped, inline math kept as ``$...$``."""
    if isinstance(node, nodes.math):
        return f"${node.astext()}$"
    if isinstance(node, nodes.Text):
        return bibtex_escape(node.astext())
    return "".join(caption_to_latex(child) for child in node.children)


def figure_problems(figure: nodes.figure) -> list[str]:
    """What a figure lacks: a valid stable name, a caption, exactly one image, alt text."""
    names = figure["names"]
    label = names[0] if names else "a figure"
    problems = []
    if not names:
        problems.append("a figure has no name: give it a stable one, e.g. mystnb.figure.name: fig-topic")
    elif not NAME_PATTERN.fullmatch(names[0]):
        problems.append(f"figure name {names[0]!r} must look like fig-short-topic "
                        "(lower-case words joined by hyphens): it becomes a file name and URL")
    captions = [c for c in figure.children if isinstance(c, nodes.caption)]
    if not captions or not captions[0].astext().strip():
        problems.append(f"{label} has no caption")
    images = list(figure.findall(nodes.image))
    if len(images) != 1:
        problems.append(f"{label} shows {len(images)} images instead of one (a cell that ends "
                        "with `fig` shows the figure twice: end it with `fig;` or drop `fig`)")
    elif not images[0].get("alt", "").strip():
        problems.append(f"{label} has no alt text (mystnb.image.alt)")
    return problems


def static_pair(srcdir: Path, uri: str) -> tuple[str, str] | None:
    """``(svg, png)`` source-relative paths if ``uri`` is one half of a repository pair."""
    path = (srcdir / uri.lstrip("/")).resolve()
    svg, png = path.with_suffix(".svg"), path.with_suffix(".png")
    if path.is_relative_to(srcdir) and svg.is_file() and png.is_file():
        return str(svg.relative_to(srcdir)), str(png.relative_to(srcdir))
    return None


def record_figure(figure: nodes.figure, docname: str, srcdir: Path,
                  bundles: dict[str, dict[str, str]]) -> tuple[FigureRecord | None, str]:
    """A record for a well-formed figure, or ``(None, reason)``."""
    problems = figure_problems(figure)
    if problems:
        return None, "; ".join(problems)
    name = figure["names"][0]
    image = next(iter(figure.findall(nodes.image)))
    common = dict(name=name, docname=docname, alt=" ".join(image["alt"].split()))
    uri = image["uri"]
    stem = Path(uri).stem
    if stem in bundles:
        missing = [mime for mime in (SVG, PNG) if mime not in bundles[stem]]
        if missing:
            return None, (f"{name}: the cell output has no {' or '.join(missing)}; the kernel "
                          "needs book/_ext/citable/ipython_kernel_config.py (run `make venv`)")
        return FigureRecord(**common, image_hash=stem), ""
    pair = static_pair(srcdir, uri)
    if pair:
        return FigureRecord(**common, image_hash="", static_svg=pair[0], static_png=pair[1]), ""
    return None, (f"{name}: its image {uri} is neither a code cell's output nor one of an "
                  "SVG/PNG pair in the repository, so it cannot be exported")


def _thumbnail(png: bytes) -> bytes:
    """A small opaque PNG of the figure for the gallery (deterministic, no metadata)."""
    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    card = Image.new("RGBA", rgba.size, "white")
    card.alpha_composite(rgba)
    height = round(card.height * THUMB_WIDTH / card.width)
    small = card.convert("RGB").resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _png_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def export_figures(records: list[FigureRecord], notebooks: Path, srcdir: Path,
                   outdir: Path) -> dict[str, ExportedFigure]:
    """Write ``figures/<name>.svg``, ``.png`` and ``thumbs/<name>.png`` under ``outdir``.

    Files of figures that no longer exist are removed. Raises ``LookupError`` if a
    recorded output cannot be found again in its executed notebook.
    """
    folder = outdir / "figures"
    exported: dict[str, ExportedFigure] = {}
    index_cache: dict[str, dict[str, dict[str, str]]] = {}
    for rec in records:
        if rec.image_hash:
            if rec.docname not in index_cache:
                index_cache[rec.docname] = notebook_bundles(notebooks / f"{rec.docname}.ipynb")
            bundle = index_cache[rec.docname].get(rec.image_hash)
            if bundle is None:
                raise LookupError(f"{rec.name}: output {rec.image_hash} is missing from the "
                                  f"executed notebook of {rec.docname}; rebuild from clean")
            svg = bundle[SVG].encode("utf-8")
            png = binascii.a2b_base64(bundle[PNG])
        else:
            svg, png = (srcdir / rec.static_svg).read_bytes(), (srcdir / rec.static_png).read_bytes()
        thumb_path, png_path = folder / "thumbs" / f"{rec.name}.png", folder / f"{rec.name}.png"
        unchanged = thumb_path.is_file() and png_path.is_file() and png_path.read_bytes() == png
        thumb = thumb_path.read_bytes() if unchanged else _thumbnail(png)
        files = {"svg": (f"figures/{rec.name}.svg", svg), "png": (f"figures/{rec.name}.png", png),
                 "thumb": (f"figures/thumbs/{rec.name}.png", thumb)}
        for rel, data in files.values():
            _write_if_changed(outdir / rel, data)
        exported[rec.name] = ExportedFigure(
            svg=files["svg"][0], png=files["png"][0], thumb=files["thumb"][0],
            svg_bytes=len(svg), png_bytes=len(png), thumb_size=_png_size(thumb),
            sha256={kind: hashlib.sha256(data).hexdigest() for kind, (_, data) in files.items()})
    keep = {outdir / rel for fig in exported.values() for rel in (fig.svg, fig.png, fig.thumb)}
    for stale in sorted(folder.glob("**/*.*")) if folder.is_dir() else []:
        if stale.suffix in (".svg", ".png") and stale not in keep:
            stale.unlink()
    return exported
