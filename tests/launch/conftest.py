"""Fixtures for the launch tests: the config, the chapters, the built site, a page.

The browser is the one shared by every browser suite (tests/conftest.py).

Everything expected is derived from ``_config.yml`` and ``_toc.yml`` through
``tools/colab_notebooks.py``, the same code the Colab workflow runs, so the
tests cover whatever chapters exist and never restate a URL or a branch.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from ._project import HTML, ROOT, colab_notebooks
from .jupyterlab import JupyterLab, LabTab, reset_server


@pytest.fixture(scope="session")
def launch_config() -> colab_notebooks.LaunchConfig:
    """The repository and launch settings, read from ``_config.yml``."""
    return colab_notebooks.load_launch_config(ROOT)


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The built site; the launch links are checked in what readers get."""
    if not (HTML / "index.html").is_file():
        pytest.fail(f"{HTML} has no built site: run 'make book' first (make test does)")
    return HTML


@pytest.fixture(scope="session")
def commit() -> str:
    """The commit checked out, which the Colab install cells must pin."""
    return colab_notebooks.git_commit(ROOT)


@pytest.fixture(scope="session")
def colab_tree(tmp_path_factory: pytest.TempPathFactory, commit: str) -> Path:
    """The generated-notebook tree, made by the same command as ``make notebooks``."""
    out = tmp_path_factory.mktemp("colab") / "tree"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "colab_notebooks.py"), "--out", str(out), "--commit", commit],
        cwd=ROOT, check=True, capture_output=True,
    )
    return out


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser page, closed after the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """Keep each phase's report on the test, for fixtures that clean up differently after a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def lab_tabs(browser: Browser) -> Iterator[LabTab]:
    """The JupyterLab tab of this process, kept between chapters (see ``LabTab``)."""
    tab = LabTab(browser)
    try:
        yield tab
    finally:
        tab.discard()


@pytest.fixture
def lab_tab(request: pytest.FixtureRequest, lab: JupyterLab, lab_tabs: LabTab) -> Iterator[LabTab]:
    """That tab for one test: closed after a failure, so that nothing a failed chapter left
    (a dialog, a half-run notebook) reaches the next one."""
    yield lab_tabs
    reports = [getattr(request.node, f"report_{when}", None) for when in ("setup", "call")]
    if any(report is None or report.failed for report in reports):
        lab_tabs.discard()


@pytest.fixture(scope="session")
def binder_home(tmp_path_factory: pytest.TempPathFactory, commit: str) -> Path:
    """``$HOME`` as Binder arranges it: the published launch tree (reader notebooks and repository)."""
    home = tmp_path_factory.mktemp("binder") / "home"
    colab_notebooks.write_notebooks(home, commit, ROOT)
    return home


@pytest.fixture(scope="session")
def binder_lab(binder_home: Path) -> Iterator[JupyterLab]:
    """JupyterLab started in the Binder-like home; shut down at the end, even after failures."""
    with JupyterLab(home=binder_home) as server:
        yield server


@pytest.fixture
def lab(binder_lab: JupyterLab) -> Iterator[JupyterLab]:
    """The Binder-like server, reset after each test (kernels shut down, saved layout forgotten).

    The kernels are shut down in the background: the next test starts a kernel of its own.
    """
    try:
        yield binder_lab
    finally:
        reset_server(binder_lab, wait=False)
