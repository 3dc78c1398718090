"""Every launch link in the built site leads to the chapter's reader notebook.

Binder and Colab links must name a notebook of the generated launch tree (the
workflow publishes it, with the rest of the repository, to one branch), and the
``.ipynb`` download a notebook in the built site; each must be the reader
edition that the build made (book/_ext/reader). The expected links are derived
from ``_config.yml``, so nothing here restates a URL or a branch.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs, unquote, urlsplit

import nbformat
import pytest

from ._project import NOTEBOOK_PAGES, ROOT, TOC_PAGES, colab_notebooks

LaunchConfig = colab_notebooks.LaunchConfig


class LinkCollector(HTMLParser):
    """Collect the ``href`` and ``title`` of every ``<a>`` in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            values = dict(attrs)
            self.links.append((values.get("href") or "", values.get("title") or ""))


def links_of(html_file: Path) -> list[tuple[str, str]]:
    """Return ``(href, title)`` for every link of a built page."""
    collector = LinkCollector()
    collector.feed(html_file.read_text(encoding="utf-8"))
    return collector.links


def repo_prefix(config: LaunchConfig) -> str:
    """Return ``org/repo`` of the configured GitHub repository."""
    return urlsplit(config.repository_url).path.strip("/")


def binder_target(url: str, config: LaunchConfig, tree: Path) -> Path:
    """Map a Binder link to the launch-tree file it opens, checking repo, branch and interface."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == config.binderhub_url
    assert parts.path == f"/v2/gh/{repo_prefix(config)}/{config.colab_branch}", url
    (urlpath,) = parse_qs(parts.query)["urlpath"]
    # Binder's server is JupyterLab-only: the classic interface's tree/ path would 404.
    assert config.notebook_interface == "jupyterlab"
    assert urlpath.startswith("lab/tree/"), f"{url} does not open JupyterLab"
    return tree / unquote(urlpath.removeprefix("lab/tree/"))


def colab_target(url: str, config: LaunchConfig, tree: Path) -> Path:
    """Map a Colab link to the generated notebook it opens, checking repo and branch."""
    prefix = f"{config.colab_url}/github/{repo_prefix(config)}/blob/{config.colab_branch}/"
    assert url.startswith(prefix), f"{url} does not open the {config.colab_branch} branch"
    return tree / unquote(url.removeprefix(prefix))


def page_file(html: Path, docname: str) -> Path:
    """Return the built HTML file of a page."""
    return html / f"{docname}.html"


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_notebook_page_has_the_configured_launch_links(
    docname: str, built_html: Path, launch_config: LaunchConfig
) -> None:
    """Each notebook page offers Binder (JupyterLab, main), Colab (the notebooks branch) and .ipynb."""
    links = {title: href for href, title in links_of(page_file(built_html, docname))}
    assert links.get("Launch on Binder") == (
        f"{launch_config.binderhub_url}/v2/gh/{repo_prefix(launch_config)}/{launch_config.colab_branch}"
        f"?urlpath=lab/tree/{docname}.ipynb"
    )
    assert links.get("Launch on Colab") == (
        f"{launch_config.colab_url}/github/{repo_prefix(launch_config)}/blob/"
        f"{launch_config.colab_branch}/{docname}.ipynb"
    )
    assert links.get("Download notebook file", "").endswith(f"_sources/{docname}.ipynb")


def test_every_launch_link_resolves(built_html: Path, launch_config: LaunchConfig, colab_tree: Path) -> None:
    """Every Binder, Colab and notebook-download link of every built page names an existing file."""
    checked, missing = 0, []
    binder_launch, colab_launch = f"{launch_config.binderhub_url}/v2/", f"{launch_config.colab_url}/github/"
    for html_file in sorted(built_html.rglob("*.html")):
        for href, title in links_of(html_file):
            launch_button = title.startswith("Launch on")
            if href.startswith(binder_launch) or (launch_button and "Binder" in title):
                target = binder_target(href, launch_config, colab_tree)
                ok = target.is_file() and nbformat.validate(nbformat.read(target, as_version=4)) is None
            elif href.startswith(colab_launch) or (launch_button and "Colab" in title):
                target = colab_target(href, launch_config, colab_tree)
                ok = target.is_file() and nbformat.validate(nbformat.read(target, as_version=4)) is None
            elif href.endswith(".ipynb") and "://" not in href:
                target = (html_file.parent / unquote(href)).resolve()
                ok = target.is_file() and nbformat.validate(nbformat.read(target, as_version=4)) is None
            else:
                continue
            checked += 1
            if not ok:
                missing.append(f"{html_file.relative_to(built_html)}: {href} -> {target}")
    assert not missing, "launch links to missing files:\n" + "\n".join(missing)
    assert checked >= 3 * len(NOTEBOOK_PAGES), f"only {checked} launch links for {len(NOTEBOOK_PAGES)} notebooks"


def test_pages_that_are_not_notebooks_have_no_launch_links(built_html: Path, launch_config: LaunchConfig) -> None:
    """The landing page is plain text: a launch button there would open nothing runnable."""
    for docname in sorted(set(TOC_PAGES) - set(NOTEBOOK_PAGES)):
        hrefs = [href for href, _ in links_of(page_file(built_html, docname))]
        launch = (f"{launch_config.binderhub_url}/v2/", f"{launch_config.colab_url}/github/")
        assert not [href for href in hrefs if href.startswith(launch)], docname


def without_install_cell(nb: nbformat.NotebookNode) -> list[tuple[str, str, dict]]:
    """The cells of a launch-tree notebook after its Colab install cell, as (type, source, metadata)."""
    assert colab_notebooks.INSTALL_TAG in nb.cells[0].metadata["tags"]
    return [(cell.cell_type, cell.source, dict(cell.metadata)) for cell in nb.cells[1:]]


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_buttons_open_the_reader_edition(docname: str, built_html: Path, launch_config: LaunchConfig,
                                         colab_tree: Path) -> None:
    """Colab, Binder and the download button all serve the reader edition the build made."""
    links = {title: href for href, title in links_of(page_file(built_html, docname))}
    reader_file = built_html / "notebooks" / "reader" / f"{docname}.ipynb"
    reader = nbformat.read(reader_file, as_version=4)
    download = (page_file(built_html, docname).parent / unquote(links["Download notebook file"])).resolve()
    assert download.read_bytes() == reader_file.read_bytes()
    expected = [(cell.cell_type, cell.source, dict(cell.metadata)) for cell in reader.cells]
    colab = colab_target(links["Launch on Colab"], launch_config, colab_tree)
    binder = binder_target(links["Launch on Binder"], launch_config, colab_tree)
    assert colab == binder
    assert without_install_cell(nbformat.read(colab, as_version=4)) == expected
    student = nbformat.read(built_html / "notebooks" / "student" / f"{docname}.ipynb", as_version=4)
    published = nbformat.read(colab_tree / "student" / f"{docname}.ipynb", as_version=4)
    assert without_install_cell(published) == [(c.cell_type, c.source, dict(c.metadata)) for c in student.cells]


def test_colab_notebook_records_its_source(colab_tree: Path) -> None:
    """Each generated notebook says which chapter source it was made from, and that source exists."""
    for docname in NOTEBOOK_PAGES:
        nb = nbformat.read(colab_tree / f"{docname}.ipynb", as_version=4)
        source = nb.metadata["dl_workshop"]["source"]
        assert PurePosixPath(source).with_suffix("") == PurePosixPath(docname)
        assert (ROOT / source).is_file()
