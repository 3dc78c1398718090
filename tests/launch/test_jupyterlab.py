"""End to end: each chapter's launch link, followed in a real JupyterLab and a real browser.

The server runs from the project's venv with ``$HOME`` arranged as Binder
arranges it: the tree that the Binder and Colab buttons open (the published
branch, made by ``tools/colab_notebooks.py`` from this build), with the book's
package importable from ``$HOME/src`` as binder/postBuild installs it. The path
opened is the one in the built page's Binder link, so the Binder button, the
Colab button (the same file) and ``make lab`` (the same tree) are all covered.

Where each promise of the reader notebooks is proven:

- no raw MyST in the rendered markdown, the site's glued values in the prose, the
  site's exercise and figure numbers, an empty answer cell after each exercise,
  solutions collapsed, and Run All to the end without an error output: here, in
  one JupyterLab run of each chapter's *reader* edition;
- the *student* edition has no solution code: test_reader_notebooks.py;
- the student edition runs top to bottom without error: nbval (make test-notebooks)
  runs exactly its code, with the solution cells left out (tests/nbval_build.py);
- Colab and the download button serve these editions: test_links.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page

from ._project import NOTEBOOK_PAGES, ROOT
from .jupyterlab import (
    JupyterLab, LabTab, check_run, make_lab, open_as_notebook, run_all_cells, wait_for_python_kernel,
)
from .reader_checks import (
    check_exercise_layout, check_glued_values, check_no_myst, check_numbers, rendered_cells, site_page,
)
from .test_links import links_of

# Chapters proper (Parts), as opposed to front matter such as the preface.
CHAPTERS = [name for name in NOTEBOOK_PAGES if "/preface/" not in f"/{name}"] or NOTEBOOK_PAGES


def launch_urlpath(built_html: Path, docname: str) -> str:
    """Return the ``urlpath`` of the Binder link on a built page (``lab/tree/book/...ipynb``)."""
    (binder,) = [href for href, title in links_of(built_html / f"{docname}.html") if title == "Launch on Binder"]
    (urlpath,) = parse_qs(urlsplit(binder).query)["urlpath"]
    return urlpath


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_reader_notebook_reads_like_the_site_and_runs(
    docname: str, built_html: Path, lab: JupyterLab, lab_tab: LabTab
) -> None:
    """Opened from its Binder link: prose, numbers and exercises as on the site; Run All to the end."""
    page = lab_tab.open(lab, launch_urlpath(built_html, docname))
    wait_for_python_kernel(page)
    cells = rendered_cells(page)
    site = site_page(built_html / f"{docname}.html")
    problems = (check_no_myst(cells) + check_glued_values(cells, site) + check_numbers(cells, site)
                + check_exercise_layout(cells))
    assert not problems, f"{docname}:\n" + "\n".join(problems)
    check_run(run_all_cells(page), lab.home)


def test_make_lab_opens_the_reader_notebooks(built_html: Path, tmp_path: Path, page: Page) -> None:
    """The README's local route, ``make lab``, opens the same reader notebook, with an empty $HOME."""
    home = tmp_path / "home"
    home.mkdir()
    lab_dir = tmp_path / "lab"
    with JupyterLab(home=home, launcher=make_lab(ROOT), env={"LAB_DIR": str(lab_dir)}) as server:
        open_as_notebook(page, server, launch_urlpath(built_html, CHAPTERS[0]))
    assert (lab_dir / f"{CHAPTERS[0]}.ipynb").is_file()
