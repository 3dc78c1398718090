"""Find the book's figures in the pages and export each as SVG and 300-dpi PNG.

A figure is a ``figure`` node. myst-nb makes one from a code cell whose metadata
has ``mystnb.figure`` (or from ``{glue:figure}``) around the output's MIME bundle,
rendering every MIME type of the bundle to a file (it picks the one a page shows
later, per output format). With the kernel settings in ``ipython_kernel_config.py``
the bundle holds an SVG and a 300-dpi PNG, so nothing is re-drawn: the exported
files are exactly what the chapter's code produced.

A figure may instead show a file kept in the repository (a diagram with an
editable source): it then needs ``x.svg`` and ``x.png`` side by side.

The exported files carry their own credit (``credit.py``).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from PIL import Image

from .cite import bibtex_escape, latex_text
from .credit import FileCredit, png_with_credit, svg_with_credit

#: Figure names: ``fig-`` and lower-case words joined by hyphens; they become file names.
NAME_PATTERN = re.compile(r"fig-[a-z0-9]+(?:-[a-z0-9]+)*")
SVG, PNG = "image/svg+xml", "image/png"
THUMB_WIDTH = 480  # pixels: sharp at 240 CSS pixels on a high-density screen


@dataclass(frozen=True)
class FigureRecord:
    """One figure as found when its page is read (its number and caption come later)."""

    name: str
    docname: str
    alt: str
    svg: str  # the SVG and PNG files, relative to the source folder
    png: str
    datasets: tuple[str, ...] = ()  # loader names of the data the figure's page used by then


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


def caption_to_text(node: nodes.Node) -> str:
    """Caption as plain text, inline math kept as ``$...$`` so it stays readable."""
    if isinstance(node, nodes.math):
        return f"${node.astext()}$"
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(caption_to_text(child) for child in node.children)


def caption_to_latex(node: nodes.Node) -> str:
    """Caption text for BibTeX: special characters escaped, inline math kept as ``$...$``."""
    if isinstance(node, nodes.math):
        return f"${latex_text(node.astext(), math=True)}$"
    if isinstance(node, nodes.Text):
        return latex_text(bibtex_escape(node.astext()))
    return "".join(caption_to_latex(child) for child in node.children)


def _mime_bundles(figure: nodes.figure) -> list[nodes.container]:
    return [c for c in figure.findall(nodes.container) if c.get("nb_element") == "mime_bundle"]


def _renditions(figure: nodes.figure) -> dict[str, nodes.image]:
    """The image node of each MIME type in the figure's output (or its lone image)."""
    bundles = _mime_bundles(figure)
    if not bundles:
        return {"file": image for image in figure.findall(nodes.image)}
    return {box["mime_type"]: image for box in bundles[0].findall(nodes.container)
            if box.get("mime_type", "").startswith("image/") for image in box.findall(nodes.image)}


def figure_problems(figure: nodes.figure) -> list[str]:
    """What a figure lacks: a valid stable name, a caption, one image with alt text."""
    names, duplicates = figure["names"], figure.get("dupnames", [])
    label = names[0] if names else "a figure"
    problems = []
    if duplicates:
        problems.append(f"{duplicates[0]} is shown more than once (a cell that ends with `fig` "
                        "displays the figure twice: end it with `fig;` or drop that line)")
    elif not names:
        problems.append("a figure has no name: give its cell a stable one "
                        "(mystnb.figure.name: fig-short-topic)")
    elif not NAME_PATTERN.fullmatch(names[0]):
        problems.append(f"figure name {names[0]!r} must look like fig-short-topic "
                        "(lower-case words joined by hyphens): it becomes a file name and URL")
    captions = [c for c in figure.children if isinstance(c, nodes.caption)]
    if not captions or not captions[0].astext().strip():
        problems.append(f"{label} has no caption: give its cell mystnb.figure.caption")
    n_outputs = len(_mime_bundles(figure)) or len(list(figure.findall(nodes.image)))
    images = _renditions(figure)
    if n_outputs != 1 or not images:
        problems.append(f"{label} holds {n_outputs} outputs instead of one image")
    elif not all(image.get("alt", "").strip() for image in images.values()):
        problems.append(f"{label} has no alt text (mystnb.image.alt)")
    return problems


def _source_path(srcdir: Path, uri: str) -> Path:
    """An image URI as Sphinx and myst-nb write it ("/x" is relative to the source folder)."""
    return (srcdir / uri.lstrip("/")).resolve()


def record_figure(figure: nodes.figure, docname: str,
                  srcdir: Path) -> tuple[FigureRecord | None, str]:
    """A record for a well-formed figure, or ``(None, reason)``."""
    problems = figure_problems(figure)
    if problems:
        return None, "; ".join(problems)
    name = figure["names"][0]
    images = _renditions(figure)
    alt = " ".join(next(iter(images.values()))["alt"].split())
    if "file" in images:  # a file from the repository: x.svg and x.png side by side
        path = _source_path(srcdir, images["file"]["uri"])
        svg, png = path.with_suffix(".svg"), path.with_suffix(".png")
        if not (svg.is_file() and png.is_file()):
            return None, (f"{name}: {path.name} is not a code cell's output, so the repository "
                          f"must hold both {svg.name} and {png.name} for the export")
        return FigureRecord(name, docname, alt, str(svg), str(png)), ""
    missing = [mime for mime in (SVG, PNG) if mime not in images]
    if missing:
        return None, (f"{name}: the cell's output has no {' or '.join(missing)}; its kernel "
                      "needs book/_ext/citable/ipython_kernel_config.py (run `make venv`)")
    paths = {mime: str(_source_path(srcdir, images[mime]["uri"])) for mime in (SVG, PNG)}
    return FigureRecord(name, docname, alt, paths[SVG], paths[PNG]), ""


def _thumbnail(png: bytes) -> bytes:
    """A small opaque PNG of the figure for the gallery (deterministic, no metadata)."""
    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    card = Image.new("RGBA", rgba.size, "white")
    card.alpha_composite(rgba)
    height = round(card.height * THUMB_WIDTH / card.width)
    small = card.convert("RGB").resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)
    # 256 colours (a third of the size); median cut without dithering is deterministic.
    small = small.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
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


def export_figures(records: list[FigureRecord], outdir: Path,
                   credits: dict[str, FileCredit] | None = None) -> dict[str, ExportedFigure]:
    """Write ``figures/<name>.svg``, ``.png`` and ``thumbs/<name>.png`` under ``outdir``.

    ``credits`` (by figure name) is written into the SVG and PNG files.

    Files of figures that no longer exist are removed. Raises ``FileNotFoundError``
    if a recorded rendition has gone (rebuild from clean).
    """
    folder = outdir / "figures"
    exported: dict[str, ExportedFigure] = {}
    for rec in records:
        svg, png = Path(rec.svg).read_bytes(), Path(rec.png).read_bytes()
        if credits and rec.name in credits:
            svg = svg_with_credit(svg, credits[rec.name])
            png = png_with_credit(png, credits[rec.name])
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
