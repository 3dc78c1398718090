"""A course's JupyterHub: the nbgitpuller button, the teaching page, and a real pull.

- With ``launch_buttons.jupyterhub_url`` empty (the default), no page has a JupyterHub
  button; with it set (a second build of this checkout, which writes the main build's
  pages again), every notebook page has one, whose nbgitpuller link pulls the published
  branch and opens the page's notebook in that tree, and the teaching page's example
  link is on that hub.
- The "Teach with this book" page lists every chapter of the numbered parts of
  ``_toc.yml`` with its run time and its exercises.
- End to end: a Jupyter server from the project's venv, with nbgitpuller, on 127.0.0.1
  and an empty home, stands in for a student's server on a hub. Chromium follows a
  chapter's nbgitpuller link, rewritten from ``/hub/user-redirect/git-pull?...`` to the
  single server's ``/git-pull?...`` and from GitHub to a local bare repository holding
  the published tree (made by ``tools/colab_notebooks.py``, as the workflow does).

One chapter suffices end to end, the shortest: what this test adds is nbgitpuller's
part (the clone into a fresh home, the opening of ``urlpath``, the merge that keeps the
student's edits), which is the same for every chapter. That each chapter's reader
notebook runs from that tree, with the ``dl_workshop`` beside it, is what
tests/launch/test_jupyterlab.py proves for every chapter.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import nbformat
import pytest
from playwright.sync_api import Page

from ._project import HTML, NOTEBOOK_PAGES, ROOT, colab_notebooks
from .jupyterlab import JupyterLab, block_outside_requests, check_run, run_all_cells, wait_for_python_kernel
from .test_links import links_of

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import teaching  # noqa: E402  (book/_ext/teaching.py: the link and the chapters, as the page has them)

HUB = "https://hub.example.org"
TEACHING_PAGE = "book/appendix/teaching"
PULL_TIMEOUT_MS = 120_000
EDIT = "# my own note, which the next pull must keep\n"


def repository_name(config: colab_notebooks.LaunchConfig) -> str:
    """The folder nbgitpuller clones the repository into (the last part of its URL)."""
    return config.repository_url.rsplit("/", 1)[-1]


def hub_link(html: Path, docname: str) -> str:
    """The JupyterHub launch link of a built page (fails if there is none)."""
    links = [href for href, title in links_of(html / f"{docname}.html") if title == "Launch on JupyterHub"]
    assert len(links) == 1, f"{docname} has {len(links)} JupyterHub buttons, expected one"
    return links[0]


# --- the button ------------------------------------------------------------------------


def test_no_jupyterhub_button_by_default(built_html: Path, launch_config: colab_notebooks.LaunchConfig) -> None:
    """The shipped _config.yml leaves jupyterhub_url empty, so no page offers the button."""
    assert launch_config.jupyterhub_url == ""
    for docname in NOTEBOOK_PAGES:
        titles = [title for _, title in links_of(built_html / f"{docname}.html")]
        assert "Launch on JupyterHub" not in titles, docname


@pytest.fixture(scope="module")
def hub_site(tmp_path_factory: pytest.TempPathFactory, built_html: Path) -> Path:
    """The site built with ``jupyterhub_url`` set, from this checkout into a folder of its own.

    The config is the book's with that one line changed, in a file of its own
    (``jupyter-book build --config``); the build starts from the main build's Sphinx
    environment, executed notebooks and execution cache, so it only writes the pages again
    (and reads again what depends on the hub: book/_ext/teaching.py). The source folder
    must be the same for Sphinx to take that environment, hence no scratch copy.
    """
    out = tmp_path_factory.mktemp("hub-book")
    text, count = re.subn(r'^(\s*jupyterhub_url:) ""', rf"\1 {HUB}", (ROOT / "_config.yml").read_text(encoding="utf-8"),
                          flags=re.M)
    assert count == 1, "_config.yml has no 'jupyterhub_url: \"\"' line to set"
    # jupyter-book resolves local_extensions against the config file's folder, and the
    # execution cache is the main build's (book/_ext/cache_key.py honours execute.cache).
    text = re.sub(r"^(\s+\w+: )(book/_ext)$", rf"\1{ROOT}/\2", text, flags=re.M)
    text, count = re.subn(r"^(execute:\n)", rf"\1  cache: {ROOT / '_build' / '.jupyter_cache'}\n", text, flags=re.M)
    assert count == 1, "_config.yml has no execute: section"
    config = out / "_config.yml"
    config.write_text(text, encoding="utf-8")
    for reused in (".doctrees", "jupyter_execute"):
        shutil.copytree(ROOT / "_build" / reused, out / "_build" / reused)
    build = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--config", str(config),
         "--path-output", str(out), "--builder", "html", "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=1200)
    assert build.returncode == 0, f"the build with jupyterhub_url failed:\n{build.stdout[-4000:]}"
    return out / "_build" / "html"


def test_every_notebook_page_has_a_well_formed_jupyterhub_link(
    hub_site: Path, launch_config: colab_notebooks.LaunchConfig, colab_tree: Path
) -> None:
    """repo, branch and urlpath make nbgitpuller pull the published branch and open the page's notebook."""
    for docname in NOTEBOOK_PAGES:
        url = hub_link(hub_site, docname)
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{HUB}/hub/user-redirect/git-pull", url
        query = {key: values for key, values in parse_qs(parts.query).items()}
        assert query == {
            "repo": [launch_config.repository_url],
            "branch": [launch_config.colab_branch],
            "urlpath": [f"lab/tree/{repository_name(launch_config)}/{docname}.ipynb"],
        }, url
        # nbgitpuller clones into ~/<repository name>, so urlpath names this file of the published tree.
        assert (colab_tree / f"{docname}.ipynb").is_file(), f"{url} opens a notebook the branch does not hold"
        assert url == teaching.nbgitpuller_url(HUB, launch_config.repository_url, launch_config.colab_branch,
                                               f"{docname}.ipynb"), "the teaching page's links differ from the button"
    # The teaching page's example is on the configured hub too (read again for it: book/_ext/teaching.py).
    first = teaching.chapters(ROOT)[0].docname
    example = teaching.nbgitpuller_url(HUB, launch_config.repository_url, launch_config.colab_branch,
                                       f"{first}.ipynb")
    assert html.escape(example) in (hub_site / f"{TEACHING_PAGE}.html").read_text(encoding="utf-8"), \
        "the teaching page's example link is not on the configured hub"


# --- the teaching page -----------------------------------------------------------------


class RowCollector(HTMLParser):
    """Collect the text and the link targets of each table row of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[str]]] = []
        self._row: tuple[list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = ([], [])
        elif tag == "a" and self._row is not None:
            self._row[1].append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.rows.append((" ".join("".join(self._row[0]).split()), self._row[1]))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._row is not None:
            self._row[0].append(data)


def test_teaching_page_lists_every_chapter_with_time_and_exercises(built_html: Path) -> None:
    collector = RowCollector()
    collector.feed((built_html / f"{TEACHING_PAGE}.html").read_text(encoding="utf-8"))
    chapters = teaching.chapters(ROOT)
    assert chapters, "_toc.yml has no numbered part"
    for chapter in chapters:
        target = Path(chapter.docname).name + ".html"
        # The chapters table's rows start with the part; the plans' rows with the week number.
        chapter_rows = [text for text, hrefs in collector.rows if text.startswith(chapter.part)
                        and any(href.split("#")[0].endswith(target) for href in hrefs)]
        assert len(chapter_rows) == 1, f"{chapter.docname}: {len(chapter_rows)} rows in the chapters table"
        assert re.search(r"\s\d+\.\d\s", chapter_rows[0]), f"{chapter.docname}: no run time in {chapter_rows[0]!r}"
        source = (ROOT / f"{chapter.docname}.md").read_text(encoding="utf-8")
        found = teaching.exercises(source)
        assert len(found) == source.count("{exercise}"), chapter.docname
        for exercise in found:
            assert exercise.title in chapter_rows[0], f"{chapter.docname}: {exercise.title!r} not listed"
            for checker in exercise.checkers:
                assert f"exercises.{checker}" in chapter_rows[0]
    weeks = [text for text, _ in collector.rows if re.match(r"^\d+ Part", text)]
    assert len(weeks) == 4 + 8, "the 4-week and 8-week plans"


# --- a real pull, in a browser -----------------------------------------------------------


def shortest_chapter() -> str:
    """The chapter of a numbered part with the fewest code cells (the quickest to run)."""
    def code_cells(docname: str) -> int:
        return sum(cell.cell_type == "code" for cell in nbformat.read(HTML / "notebooks" / "reader" / f"{docname}.ipynb", 4).cells)

    return min((chapter.docname for chapter in teaching.chapters(ROOT)), key=code_cells)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, commit: str,
              launch_config: colab_notebooks.LaunchConfig) -> tuple[Path, Path]:
    """``(work tree, bare repository)``: the published branch, as the workflow would push it."""
    base = tmp_path_factory.mktemp("published")
    tree = base / "tree"
    colab_notebooks.write_notebooks(tree, commit, ROOT)
    git("init", "-q", "-b", launch_config.colab_branch, cwd=tree)
    git("add", "-A", cwd=tree)
    git("commit", "-q", "-m", f"Launch notebooks of {commit}", cwd=tree)
    bare = base / "remote" / repository_name(launch_config)  # nbgitpuller names the clone after it
    bare.parent.mkdir()
    git("clone", "-q", "--bare", str(tree), str(bare), cwd=base)
    return tree, bare


def local_link(server: JupyterLab, link: str, bare: Path) -> str:
    """The hub link as the single server serves it: /git-pull on the server, the local repository."""
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull", link
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["repo"] = str(bare)
    query["token"] = server.token
    return f"http://127.0.0.1:{server.port}/git-pull?{urlencode(query, safe='/')}"


_OPENED = """(path) => {
  const widget = window.jupyterapp?.shell?.currentWidget;
  return !!widget && !!widget.context && widget.context.path === path
         && widget.node.classList.contains('jp-NotebookPanel');
}"""
_EDIT_AND_SAVE = """async (text) => {
  const widget = window.jupyterapp.shell.currentWidget;
  const cell = widget.content.model.cells.get(1);
  cell.sharedModel.setSource(text + cell.sharedModel.getSource());
  await widget.context.save();
}"""
_SHOWS_EDIT = """(text) => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.toJSON().cells;
  return cells.length > 1 && cells[1].source.startsWith(text);
}"""


def follow(page: Page, url: str, notebook: str) -> None:
    """Open the nbgitpuller link and wait until JupyterLab shows ``notebook`` as a notebook."""
    page.goto(url)
    page.wait_for_function(_OPENED, arg=notebook, timeout=PULL_TIMEOUT_MS)


def test_nbgitpuller_link_pulls_runs_and_keeps_edits(
    tmp_path: Path, page: Page, published: tuple[Path, Path], launch_config: colab_notebooks.LaunchConfig
) -> None:
    tree, bare = published
    docname = shortest_chapter()
    link = teaching.nbgitpuller_url(HUB, launch_config.repository_url, launch_config.colab_branch, f"{docname}.ipynb")
    home = tmp_path / "home"
    home.mkdir()
    pulled = home / repository_name(launch_config)
    notebook = f"{pulled.name}/{docname}.ipynb"
    # As the teaching page tells the hub's admin: PYTHONPATH is the pulled copy's src/.
    with JupyterLab(home=home, env={"PYTHONPATH": str(pulled / "src")}) as server:
        block_outside_requests(page)
        url = local_link(server, link, bare)

        # First click: a fresh home gets the clone, and the chapter opens as a notebook and runs.
        assert not pulled.exists()
        follow(page, url, notebook)
        assert (pulled / f"{docname}.ipynb").is_file() and (pulled / "src" / "dl_workshop").is_dir()
        assert git("rev-parse", "HEAD", cwd=pulled).strip() == git("rev-parse", "HEAD", cwd=tree).strip()
        wait_for_python_kernel(page)
        check_run(run_all_cells(page), pulled)

        # The student edits the notebook and saves it; meanwhile the branch gets a new commit.
        page.evaluate(_EDIT_AND_SAVE, EDIT)
        on_disk = nbformat.read(pulled / f"{docname}.ipynb", 4)
        assert on_disk.cells[1].source.startswith(EDIT), "the edit was not saved"
        upstream = "\nA note for the next lecture.\n"
        with open(tree / colab_notebooks.MARKER_FILE, "a", encoding="utf-8") as marker:
            marker.write(upstream)
        git("commit", "-q", "-am", "Update", cwd=tree)
        git("push", "-q", str(bare), f"HEAD:{launch_config.colab_branch}", cwd=tree)

        # Second click: the new commit arrives, and the student's edit is still there.
        page.goto("about:blank")
        follow(page, url, notebook)
        assert (pulled / colab_notebooks.MARKER_FILE).read_text(encoding="utf-8").endswith(upstream), \
            "the second click did not pull the new commit"
        assert nbformat.read(pulled / f"{docname}.ipynb", 4).cells[1].source.startswith(EDIT), \
            "the second click overwrote the student's edit"
        page.wait_for_function(_SHOWS_EDIT, arg=EDIT, timeout=60_000)  # and JupyterLab shows it
