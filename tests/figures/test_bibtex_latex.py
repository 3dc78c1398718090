"""Every BibTeX entry the site offers (the book's and each figure's) works in a LaTeX
document: pybtex parses and formats all of them with the ``plain`` style, and, where
TeX Live is installed (``make pdf`` installs it and runs this file too), pdfLaTeX and
BibTeX compile a document that cites every one of them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pybtex.database import BibliographyData, parse_string
from pybtex.plugin import find_plugin

from _figsite import HOW_TO_CITE, SITE, read_html


@pytest.fixture(scope="module")
def entries() -> dict[str, str]:
    """Every offered BibTeX entry, by key: the figures' (from the gallery's list) and the book's."""
    manifest = SITE / "figures" / "figures.json"
    if not manifest.is_file():
        pytest.fail("no built site: run `make book` first")
    texts = [fig["bibtex"] for fig in json.loads(manifest.read_text("utf-8"))["figures"]]
    texts += [pre.get_text() for pre in read_html(SITE, HOW_TO_CITE).select(
        "div.citable-citation pre") if pre.get_text().lstrip().startswith("@")]
    found = {}
    for text in texts:
        (key,) = parse_string(text, "bibtex").entries
        found[key] = text
    assert len(found) == len(texts) >= 2, "keys must be unique, and there must be entries"
    return found


def test_every_entry_is_ascii_and_formats_with_the_plain_style(entries: dict[str, str]) -> None:
    data = BibliographyData()
    for key, text in entries.items():
        assert text.isascii(), f"{key} holds non-ASCII characters"
        data.add_entry(key, parse_string(text, "bibtex").entries[key])
    style = find_plugin("pybtex.style.formatting", "plain")()
    formatted = list(style.format_bibliography(data))
    assert len(formatted) == len(entries)
    for item in formatted:
        text = item.text.render_as("text")
        assert "Neural Networks from Scratch with JAX" in text, text


@pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("bibtex") is None,
                    reason="TeX Live is missing: `make pdf` installs it and runs this check")
def test_pdflatex_and_bibtex_compile_a_document_citing_every_entry(
        entries: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text("\n\n".join(entries.values()), encoding="ascii")
    (tmp_path / "cite.tex").write_text(
        "\\documentclass{article}\n\\usepackage{url}\n\\begin{document}\n"
        + "".join(f"\\cite{{{key}}}\n" for key in entries)
        + "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n",
        encoding="ascii")
    for command in (["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "cite.tex"],
                    ["bibtex", "cite"],
                    ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "cite.tex"],
                    ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "cite.tex"]):
        result = subprocess.run(command, cwd=tmp_path, text=True, capture_output=True,
                                timeout=120, errors="replace")
        assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout[-3000:]}"
    blg = (tmp_path / "cite.blg").read_text(errors="replace")
    assert not re.search(r"^(Warning|I was expecting|I'm skipping)", blg, re.MULTILINE), blg
    log = (tmp_path / "cite.log").read_text(errors="replace")
    assert "undefined" not in log.lower(), "a citation stayed undefined"
    bbl = (tmp_path / "cite.bbl").read_text(errors="replace")
    assert bbl.count("\\bibitem") == len(entries)
