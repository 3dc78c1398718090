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
from citable.bookinfo import load_book_info, read_release, version_problems  # noqa: E402
from citable.cite import (FigureCitation, bibtex_escape, book_bibtex,  # noqa: E402
                          book_citation_text, figure_bibtex, figure_citation_text,
                          figure_credit_line, latex_text)
from citable.credit import FileCredit, png_text, png_with_credit, svg_with_credit  # noqa: E402
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


def test_non_ascii_captions_become_latex_that_pdflatex_reads() -> None:
    assert latex_text("σ(−z) = 1 − σ(z)") == r"$\sigma$($-$z) = 1 $-$ $\sigma$(z)"
    assert latex_text("f′(w), ŷ = x₁w₁ + b, (w - 3)²") == (
        r"f$'$(w), \^{y} = x$_{1}$w$_{1}$ + b, (w - 3)$^{2}$")
    assert latex_text("Σ, η, 201 × 201") == r"$\Sigma$, $\eta$, 201 $\times$ 201"
    assert latex_text(r"\sigma(z)′", math=True) == r"\sigma(z)'"
    with pytest.raises(ValueError, match="no LaTeX form for '☃'"):
        latex_text("☃")
    caption = nodes.caption("", "", nodes.Text("The logistic σ(z) and "), nodes.math("", "z₁"))
    assert caption_to_latex(caption) == r"The logistic $\sigma$(z) and $z_{1}$"


def test_figure_citations_parse_as_bibtex_and_read_as_a_sentence() -> None:
    info = load_book_info(ROOT, tag="")
    fig = FigureCitation(name="fig-demo", number="4.2", caption="Loss of 50% & more",
                         caption_latex=r"Loss of 50\% \& more",
                         url="https://example.org/g#fig-demo", datasets=("Data: X (1999).",))
    (key, entry), = parse_string(figure_bibtex(info, fig), "bibtex").entries.items()
    assert key == f"{info.bibtex_key}-fig-demo"
    assert entry.fields["title"] == r"{Figure 4.2 of \emph{Neural Networks from Scratch with JAX}}"
    assert entry.fields["note"].startswith(r"Loss of 50\% \& more. Unreleased version")
    assert entry.fields["note"].endswith("Data: X (1999).")
    assert entry.fields["url"] == fig.url
    credit = figure_credit_line(info, fig)
    assert credit == ("Figure 4.2 from Neural Networks from Scratch with JAX by "
                      f"{info.author_line}, unreleased version, after {info.version}, "
                      "https://example.org/g#fig-demo, CC BY 4.0. Data: X (1999).")
    text = figure_citation_text(info, fig)
    assert "Figure 4.2: Loss of 50% & more. In Neural Networks from Scratch with JAX" in text
    assert text.endswith("Licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)."
                         " Data: X (1999).")


def test_a_release_build_cites_its_own_folder_and_date(tmp_path: Path) -> None:
    for name in ("CITATION.cff", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    cff = tmp_path / "CITATION.cff"
    version = book_version()
    with pytest.raises(ValueError, match="no date-released"):
        load_book_info(tmp_path, tag=f"v{version}")
    cff.write_text(cff.read_text() + "date-released: 2027-01-15\n")
    info = load_book_info(tmp_path, tag=f"v{version}")
    assert info.url == f"{info.root_url}v{version}/"
    assert info.release.label == f"version {version} of 2027-01-15"
    assert f"(version {version} of 2027-01-15)" in book_citation_text(info)
    (entry,) = parse_string(book_bibtex(info), "bibtex").entries.values()
    assert (entry.fields["year"], entry.fields["date"]) == ("2027", "2027-01-15")
    assert entry.fields["url"] == info.url
    main = load_book_info(tmp_path, tag="")
    assert main.url == f"{main.root_url}latest/" and "unreleased" in book_citation_text(main)
    with pytest.raises(ValueError, match="pyproject.toml says version"):
        load_book_info(tmp_path, tag="v99.0.0")
    with pytest.raises(ValueError, match="like v1.2.3"):
        read_release("release-1", {}, version)


CREDIT = FileCredit(title="Figure 4.2 (fig-demo) of A Book, version 1.0.0 of 2027-01-15",
                    creator="Ada & Co", license_url="https://creativecommons.org/licenses/by/4.0/",
                    source_url="https://example.org/v1.0.0/g.html#fig-demo",
                    description="A line. Data: σ <set>.")


def test_svg_credit_replaces_matplotlib_metadata_and_is_well_formed() -> None:
    import defusedxml.ElementTree as SafeET
    svg = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1">\n'
           b" <metadata>\n  <rdf:RDF/>\n </metadata>\n <g/>\n</svg>\n")
    out = svg_with_credit(svg, CREDIT)
    assert out.count(b"<metadata>") == 1 and b"<rdf:RDF/>" not in out
    root = SafeET.fromstring(out)
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "cc": "http://creativecommons.org/ns#"}
    work = root.find("{http://www.w3.org/2000/svg}metadata/{*}RDF/cc:Work", ns)
    assert work.findtext("dc:title", namespaces=ns) == CREDIT.title
    assert work.findtext("dc:creator/cc:Agent/dc:title", namespaces=ns) == "Ada & Co"
    assert svg_with_credit(out, CREDIT) == out  # applying it twice changes nothing


def test_png_credit_adds_text_chunks_and_keeps_the_pixels() -> None:
    png = _png(300)
    out = png_with_credit(png, CREDIT)
    text = png_text(out)
    assert (text["Title"], text["Author"], text["Source"]) == (
        CREDIT.title, CREDIT.creator, CREDIT.source_url)
    assert text["License"] == CREDIT.license_url and text["Description"] == CREDIT.description
    with Image.open(io.BytesIO(out)) as a, Image.open(io.BytesIO(png)) as b:
        assert a.tobytes() == b.tobytes() and a.info["dpi"] == b.info["dpi"]
        assert a.text["Title"] == CREDIT.title  # Pillow reads the chunks too
    assert png_with_credit(out, CREDIT) == out


def test_book_facts_come_from_citation_cff_and_pyproject(tmp_path: Path) -> None:
    info = load_book_info(ROOT, tag="")
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
