"""The built site has a page for every _toc.yml entry, the build logged no warnings, and
what a cell prints is shown as one block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from _scratch import ROOT

HTML = ROOT / "_build" / "html"


def toc_files(node: object) -> Iterator[str]:
    """Every `root`/`file` entry of a jb-book table of contents, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"root", "file"}:
                yield str(value)
            else:
                yield from toc_files(value)
    elif isinstance(node, list):
        for item in node:
            yield from toc_files(item)


def test_toc_lists_chapters() -> None:
    entries = list(toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text())))
    assert "book/part1/01-neural-networks-from-scratch" in entries


def test_every_toc_entry_has_a_page() -> None:
    entries = list(toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text())))
    missing = [entry for entry in entries if not (HTML / f"{entry}.html").is_file()]
    assert not missing, f"no built page for {missing}"


def test_build_logged_no_warnings() -> None:
    log = (ROOT / "_build" / "build.log").read_text()
    assert "build succeeded" in log
    warnings = [line for line in log.splitlines() if re.search(r"WARNING: ", line)]
    assert not warnings, "\n".join(warnings)


def test_what_a_cell_prints_is_one_block() -> None:
    """A loop of prints reaches the kernel's client in as many pieces as it flushed, which
    varies from run to run; the page shows it as one block (``nb_merge_streams``)."""
    split = []
    for page in sorted(HTML.glob("book/**/*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for number, cell in enumerate(soup.select("div.cell"), start=1):
            # myst-nb's classes: "output stream" for stdout, "output stderr" for stderr
            for stream in ("stream", "stderr"):
                if len(cell.select(f"div.cell_output div.output.{stream}")) > 1:
                    split.append(f"{page.relative_to(HTML)}: code cell {number} ({stream})")
    assert not split, "printed text shown in several blocks:\n" + "\n".join(split)
