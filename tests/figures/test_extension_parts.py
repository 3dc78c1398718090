"""The parts of book/_ext/citable, one at a time: what makes a figure acceptable, how it
is exported, and how citations are written.

Figure nodes are built the way myst-nb builds them for a code cell with
``mystnb.figure`` metadata: figure > mime bundle > one container per MIME type.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

import pytest
from docutils import nodes
from PIL import Image
from pybtex.database import parse_string

from _figsite import ROOT, book_version, png_dpi

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from citable.bookinfo import load_book_info, version_problems  # noqa: E402
from citable.cite import (FigureCitation, bibtex_escape, figure_bibtex,  # noqa: E402
                          figure_citation_text)
from citable.figures import (PNG, SVG, FigureRecord, caption_to_latex,  # noqa: E402
                             caption_to_text, export_figures, record_figure)


def cell_figure(name: str | None = "fig-demo", caption: str | None = "A demo.",
                alt: str | None = "A line.", mimes: tuple[str, ...] = (SVG, PNG),
                outputs: int = 1) -> nodes.figure:
    """A figure node shaped like myst-nb's for one code cell."""
    figure = nodes.figure()
    if name:
        figure["names"].append(name)
    for _ in range(outputs):
        bundle = nodes.container(nb_element="mime_bundle")
        for mime in (*mimes, "text/plain"):
            box = nodes.container(mime_type=mime)
            if mime.startswith("image/"):
                ext = "svg" if mime == SVG else "png"
                image = nodes.image(uri=f"/_build/jupyter_execute/abc.{ext}")
                if alt:
                    image["alt"] = alt
                box += image
            else:
                box += nodes.literal_block("", "<Figure size 600x400 with 1 Axes>")
            bundle += box
        figure += bundle
    if caption:
        figure += nodes.caption("", caption)
    return figure


def test_a_complete_figure_is_recorded_with_both_renditions(tmp_path: Path) -> None:
    record, problem = record_figure(cell_figure(), "book/ch", tmp_path)
    assert problem == ""
    assert record == FigureRecord("fig-demo", "book/ch", "A line.",
                                  str(tmp_path / "_build/jupyter_execute/abc.svg"),
                                  str(tmp_path / "_build/jupyter_execute/abc.png"))


def shown_twice() -> nodes.figure:
    """What docutils leaves of each copy when a cell displays its figure twice."""
    figure = cell_figure(name=None)
    figure["dupnames"].append("fig-demo")
    return figure


@pytest.mark.parametrize("figure, message", [
    (shown_twice(), "fig-demo is shown more than once"),
    (cell_figure(alt=None), "fig-demo has no alt text"),
    (cell_figure(caption=None), "fig-demo has no caption"),
    (cell_figure(name=None), "a figure has no name"),
    (cell_figure(name="fig_Demo"), "must look like fig-short-topic"),
    (cell_figure(outputs=2), "fig-demo holds 2 outputs instead of one image"),
    (cell_figure(mimes=(PNG,)), "the cell's output has no image/svg+xml"),
])
def test_an_incomplete_figure_is_refused_with_a_reason(figure: nodes.figure, message: str,
                                                       tmp_path: Path) -> None:
    record, problem = record_figure(figure, "book/ch", tmp_path)
    assert record is None
    assert message in problem


def test_a_repository_diagram_needs_an_svg_and_png_pair(tmp_path: Path) -> None:
    figure = nodes.figure("", nodes.image(uri="diagrams/net.svg", alt="A network."),
                          nodes.caption("", "A network."))
    figure["names"].append("fig-net")
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "diagrams" / "net.svg").write_text("<svg/>")
    record, problem = record_figure(figure, "book/ch", tmp_path)
    assert record is None and "net.png" in problem
    (tmp_path / "diagrams" / "net.png").write_bytes(b"png")
    record, problem = record_figure(figure, "book/ch", tmp_path)
    assert record is not None and record.png == str(tmp_path / "diagrams" / "net.png")


def _png(dpi: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), "white").save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def test_export_writes_stable_paths_removes_stale_files_and_repeats_exactly(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (src / "a.png").write_bytes(_png(300))
    record = FigureRecord("fig-a", "book/ch", "alt", str(src / "a.svg"), str(src / "a.png"))
    out = tmp_path / "html"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "fig-gone.svg").write_text("<svg/>")
    exported = export_figures([record], out)["fig-a"]
    assert (exported.svg, exported.png, exported.thumb) == (
        "figures/fig-a.svg", "figures/fig-a.png", "figures/thumbs/fig-a.png")
    assert (out / exported.svg).read_bytes() == (src / "a.svg").read_bytes()
    assert round(png_dpi(out / exported.png)[0]) == 300
    assert exported.thumb_size == (480, 320)
    assert not (out / "figures" / "fig-gone.svg").exists()
    first = {p: p.read_bytes() for p in (out / "figures").rglob("*.png")}
    shutil.rmtree(out / "figures")
    export_figures([record], out)
    assert {p: p.read_bytes() for p in (out / "figures").rglob("*.png")} == first


def test_captions_for_citations_escape_tex_and_keep_math() -> None:
    caption = nodes.caption("", "", nodes.Text("Loss of 50% & more for "),
                            nodes.math("", r"\hat{y}"), nodes.Text(" in step_1."))
    assert caption_to_latex(caption) == r"Loss of 50\% \& more for $\hat{y}$ in step\_1."
    assert caption_to_text(caption) == r"Loss of 50% & more for $\hat{y}$ in step_1."
    assert bibtex_escape(r"a{b}~c\d") == r"a\{b\}\~{}c\textbackslash{}d"


def test_figure_citations_parse_as_bibtex_and_read_as_a_sentence() -> None:
    info = load_book_info(ROOT)
    fig = FigureCitation(name="fig-demo", number="4.2", caption="Loss of 50% & more",
                         caption_latex=r"Loss of 50\% \& more",
                         url="https://example.org/g#fig-demo")
    (key, entry), = parse_string(figure_bibtex(info, fig), "bibtex").entries.items()
    assert key == f"{info.bibtex_key}-fig-demo"
    assert entry.fields["title"] == r"{Figure 4.2: Loss of 50\% \& more.}"
    assert entry.fields["url"] == fig.url
    text = figure_citation_text(info, fig)
    assert "Figure 4.2: Loss of 50% & more. In Neural Networks from Scratch with JAX" in text
    assert text.endswith("Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/).")


def test_book_facts_come_from_citation_cff_and_pyproject(tmp_path: Path) -> None:
    info = load_book_info(ROOT)
    assert info.version == book_version()
    assert (info.content_license.spdx, info.code_license.spdx) == ("CC-BY-4.0", "MIT")
    assert version_problems(info) == []
    for name in ("CITATION.cff", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(f'version = "{info.version}"',
                                                       'version = "9.9.9"', 1))
    problems = version_problems(load_book_info(tmp_path))
    assert len(problems) == 2 and all("9.9.9" in p for p in problems)
