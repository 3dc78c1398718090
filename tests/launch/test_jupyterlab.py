"""End to end: each chapter's launch link, followed in a real JupyterLab and a real browser.

The server runs from the project's venv in a copy of the repository used as
``$HOME``, which is how Binder arranges it, so JupyterLab finds the committed
``.jupyter/labconfig`` exactly as it would there. The path opened is the one in
the built page's Binder link. A second server, in a copy without the
default-viewer override, shows that the check notices when the chapters would
open as plain text.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from ._project import NOTEBOOK_PAGES, ROOT
from .jupyterlab import JupyterLab, check_chapter, copy_repository, make_lab, open_as_notebook
from .test_links import links_of

OVERRIDE = ".jupyter/labconfig/default_setting_overrides.json"
# Chapters proper (Parts), as opposed to front matter such as the preface.
CHAPTERS = [name for name in NOTEBOOK_PAGES if "/preface/" not in f"/{name}"] or NOTEBOOK_PAGES


def launch_urlpath(built_html: Path, docname: str) -> str:
    """Return the ``urlpath`` of the Binder link on a built page (``lab/tree/book/...md``)."""
    (binder,) = [href for href, title in links_of(built_html / f"{docname}.html") if title == "Launch on Binder"]
    (urlpath,) = parse_qs(urlsplit(binder).query)["urlpath"]
    return urlpath


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_launch_link_opens_a_runnable_notebook(docname: str, built_html: Path, lab: JupyterLab, page: Page) -> None:
    """Notebook view, Python kernel, Run All Cells to the end, errors only where tagged, library from $HOME."""
    check_chapter(page, lab, launch_urlpath(built_html, docname))


def test_without_the_default_viewer_override_the_check_fails(
    built_html: Path, tmp_path: Path, page: Page
) -> None:
    """Remove the committed override and the same check reports a text editor instead of a notebook."""
    home = copy_repository(ROOT, tmp_path / "home", without=(OVERRIDE,))
    assert not (home / OVERRIDE).exists() and (home / CHAPTERS[0]).with_suffix(".md").is_file()
    with JupyterLab(home=home) as server:
        with pytest.raises(AssertionError, match="opened in a text editor, not as a notebook"):
            check_chapter(page, server, launch_urlpath(built_html, CHAPTERS[0]))


def test_make_lab_opens_chapters_as_notebooks(built_html: Path, tmp_path: Path, page: Page) -> None:
    """The README's local route, ``make lab``, also opens a chapter as a notebook, with an empty $HOME."""
    home = tmp_path / "home"
    home.mkdir()
    with JupyterLab(home=home, launcher=make_lab(ROOT)) as server:
        open_as_notebook(page, server, launch_urlpath(built_html, CHAPTERS[0]))
