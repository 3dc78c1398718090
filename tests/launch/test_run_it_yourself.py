"""The "Run it yourself" page states the real versions and gives commands that exist."""

from __future__ import annotations

import platform
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from ._project import NOTEBOOK_PAGES, ROOT, TOC_PAGES, colab_notebooks
from .test_links import links_of

PAGE = "book/preface/run-it-yourself"


class TextCollector(HTMLParser):
    """Collect the text of a page (what a reader sees, without the markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def page_text(built_html: Path) -> str:
    """Return the text of the built page."""
    collector = TextCollector()
    collector.feed((built_html / f"{PAGE}.html").read_text(encoding="utf-8"))
    return "".join(collector.parts)


def shown_versions(text: str) -> dict[str, str]:
    """Return the ``name version`` table that the page's code cell printed."""
    return {name: version for name, version in re.findall(r"^([a-z][a-z0-9-]*) {2,}(\S+)$", text, re.M)}


def test_page_is_in_the_toc_as_a_notebook() -> None:
    assert PAGE in TOC_PAGES
    assert colab_notebooks.is_notebook(colab_notebooks.source_path(ROOT, PAGE))


def test_versions_shown_are_those_of_the_lock_and_the_build(built_html: Path) -> None:
    """Every version on the page was computed in the build, and matches requirements.lock."""
    text = page_text(built_html)
    shown = shown_versions(text)
    locked = colab_notebooks.locked_versions(ROOT)
    python, package = shown.pop("python"), shown.pop("dl-workshop")
    assert python == platform.python_version()
    assert f'version = "{package}"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert {"jax", "numpy", "jupyterlab", "jupytext"} <= shown.keys()
    for name, version in shown.items():
        assert locked[colab_notebooks.normalize(name)] == version, name
    prose = re.search(r"built with Python (\S+), JAX (\S+)\s+and dl_workshop (\S+)\.", text)
    assert prose, "the sentence with the glued versions is missing"
    assert prose.groups() == (python, shown["jax"], package)


def test_every_substitution_was_made(built_html: Path) -> None:
    """The repository URL comes from _config.yml; no raw {{ placeholder }} may remain."""
    text = page_text(built_html)
    assert "{{" not in text and "}}" not in text
    config = colab_notebooks.load_launch_config(ROOT)
    hrefs = [href for href, _ in links_of(built_html / f"{PAGE}.html")]
    assert config.repository_url in hrefs, "the page does not link the configured repository"


def test_page_links_both_editions_of_every_notebook(built_html: Path) -> None:
    """Each notebook page is listed with its reader and its student notebook, and both files exist."""
    html_file = built_html / f"{PAGE}.html"
    hrefs = [href for href, _ in links_of(html_file)]
    for docname in NOTEBOOK_PAGES:
        for edition in ("reader", "student"):
            wanted = (built_html / "notebooks" / edition / f"{docname}.ipynb").resolve()
            linked = [h for h in hrefs if (html_file.parent / h).resolve() == wanted]
            assert linked and wanted.is_file(), f"no link to the {edition} notebook of {docname}"


def make_commands(markdown: str) -> list[str]:
    """Return the ``make`` targets used in the bash code blocks of a Markdown text."""
    blocks = re.findall(r"```bash\n(.*?)```", markdown, re.S)
    return re.findall(r"^make (\S+)", "".join(blocks), re.M)


def test_local_commands_are_the_readmes_and_exist() -> None:
    """The page gives commands that the README gives too, and each is a real Makefile target."""
    page = make_commands((ROOT / f"{PAGE}.md").read_text(encoding="utf-8"))
    readme = make_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert page and set(page) <= set(readme), f"page: {page}, README: {readme}"
    for target in page:
        dry_run = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
        assert dry_run.returncode == 0, dry_run.stderr
