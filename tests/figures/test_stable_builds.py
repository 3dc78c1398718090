"""Figure names, numbers and URLs survive an unrelated edit.

A scratch copy of the repository is reduced to one chapter with figures (the first
in the built book) plus the appendix pages of this feature, then built twice:

1. from clean, with the execution cache of the build `make test` made first (so the
   chapter is not executed again: this test is about names, numbers and URLs);
2. after an unrelated edit (a new section of prose before the first figure),
   incrementally, as an author would rebuild.

That two clean executions export byte-identical figures is proven elsewhere: the
exported files are the bytes of the cells' SVG and PNG outputs (``figures.py``), and
strict nbval (`make test-notebooks`, ``tests/nbval_build.py``) re-executes every
chapter and compares those outputs, SVG and PNG included, byte for byte.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from _figsite import ROOT, SITE, gallery_entries, page_figures

SKIP = shutil.ignore_patterns(".git", ".venv", ".venv-*", "_build", "__pycache__",
                              ".pytest_cache", "node_modules", ".jupyter_cache")
# The glossary and the API page are there for the chapter's {term} and {py:func} links,
# which the reader notebooks resolve.
APPENDIX = ("book/appendix/glossary", "book/appendix/api", "book/appendix/figures",
            "book/appendix/how-to-cite", "book/appendix/references")


def build(repo: Path) -> list[str]:
    """Build the scratch book as `make book` does, but letting warnings through."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MAKELEVEL"}}
    env.update(PYTHONPATH=str(repo / "src"), JAX_PLATFORMS="cpu")
    result = subprocess.run(
        [str(Path(sys.prefix) / "bin" / "jupyter-book"), "build", str(repo),
         "--builder", "html", "-n", "--keep-going"],
        cwd=repo, env=env, text=True, capture_output=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return re.findall(r"(\S+\.md): Executing notebook", result.stdout)


def snapshot(site: Path) -> dict[str, tuple[str, str, str, str, str]]:
    """Per figure: its number, page anchor, gallery anchor, and download URLs."""
    gallery = gallery_entries(site)
    return {f.name: (f.number, f"{f.page}#{f.name}", gallery[f.name].chapter_link,
                     gallery[f.name].svg, gallery[f.name].png) for f in page_figures(site)}


def first_chapter_with_figures() -> str:
    figures = page_figures(SITE)
    if not figures:
        pytest.fail("the built book has no figures: run `make book` first")
    return figures[0].page.removesuffix(".html")


def insert_unrelated_section(chapter: Path) -> None:
    """Add a section of prose before the chapter's first second-level heading."""
    text = chapter.read_text(encoding="utf-8")
    first = re.search(r"^## ", text, flags=re.MULTILINE)
    assert first, f"{chapter} has no second-level heading"
    extra = ("## A section added by the test\n\nThis paragraph changes the text of the "
             "chapter, but no code and no figure.\n\n")
    chapter.write_text(text[:first.start()] + extra + text[first.start():], encoding="utf-8")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    chapter = first_chapter_with_figures()
    repo = tmp_path_factory.mktemp("figures") / "repo"
    shutil.copytree(ROOT, repo, ignore=SKIP)
    (repo / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n"
        "  - caption: Part I\n    numbered: true\n    chapters:\n"
        f"      - file: {chapter}\n"
        "  - caption: Appendix\n    chapters:\n"
        + "".join(f"      - file: {doc}\n" for doc in APPENDIX), encoding="utf-8")
    site = repo / "_build" / "html"
    cache = ROOT / "_build" / ".jupyter_cache"
    if not cache.is_dir():
        pytest.fail("no execution cache in _build: run `make book` first")
    shutil.copytree(cache, repo / "_build" / ".jupyter_cache")
    executed = build(repo)
    first = snapshot(site)
    first_files = {p.relative_to(site).as_posix(): p.read_bytes()
                   for p in (site / "figures").rglob("*") if p.is_file()}
    source = repo / f"{chapter}.md"
    insert_unrelated_section(source)
    executed += build(repo)
    second = snapshot(site)
    edited_page = (site / f"{chapter}.html").read_text(encoding="utf-8")
    return dict(first=first, second=second, files=first_files, edited_page=edited_page,
                executed=executed)


def test_scratch_builds_used_the_cache(scratch: dict) -> None:
    assert scratch["executed"] == [], f"the scratch builds executed {scratch['executed']}"


def test_scratch_book_has_figures(scratch: dict) -> None:
    assert scratch["first"], "the scratch build shows no figures"


def test_unrelated_edit_keeps_names_numbers_and_urls(scratch: dict) -> None:
    assert "A section added by the test" in scratch["edited_page"], "the edit was not built"
    assert scratch["second"] == scratch["first"]


def test_manifest_of_the_scratch_build_matches_its_pages(scratch: dict) -> None:
    manifest = json.loads(scratch["files"]["figures/figures.json"])
    listed = {f["name"]: (f["number"], f["svg"], f["png"]) for f in manifest["figures"]}
    assert listed == {n: (v[0], v[3], v[4]) for n, v in scratch["first"].items()}
