"""The Binder environment is the site's environment, and the Colab hook rewrites what it should.

mybinder.org cannot be reached from the tests, so these check the files that
repo2docker reads against the project's own: the lock it installs, the Python
it runs, the override JupyterLab loads (so that the MyST sources, which stay
in the repository, open as notebooks too). Binder builds from the published
launch tree, which carries these same files (test_colab_notebooks.py); the
reader notebooks it opens are run end to end in test_jupyterlab.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from ._project import ROOT

BINDER = ROOT / "binder"


def load_extension(name: str) -> ModuleType:
    """Import one of the book's local Sphinx extensions (book/_ext) from its file."""
    spec = importlib.util.spec_from_file_location(f"book_ext_{name}", ROOT / "book" / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


colab_links = load_extension("colab_links")


def requirement_lines(text: str) -> list[str]:
    """Return the non-comment, non-blank lines of a requirements file."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_binder_requirements_are_exactly_what_this_venv_runs() -> None:
    """pip, reading binder/requirements.txt as repo2docker does (from binder/), finds every
    requirement already satisfied by the venv the site was built and tested with: same
    packages, same pinned versions, and nothing to fetch (--no-index would fail)."""
    if any(Path(sys.prefix).glob(".installed-latest")):
        pytest.skip("this venv holds the newest releases (DEPS=latest), not the lock")
    resolved = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--no-deps",
         "--disable-pip-version-check", "-r", "requirements.txt"],
        cwd=BINDER, capture_output=True, text=True, check=False, timeout=300)
    assert resolved.returncode == 0, resolved.stdout[-2000:] + resolved.stderr[-2000:]
    satisfied = re.findall(r"^Requirement already satisfied: (\S+)==", resolved.stdout, re.M)
    pinned = re.findall(r"^([A-Za-z0-9_.-]+)==", (ROOT / "requirements.lock").read_text(), re.M)
    assert sorted(satisfied) == sorted(pinned)
    assert "Would install" not in resolved.stdout


def test_binder_python_is_the_locks_and_this_venvs_python() -> None:
    """runtime.txt asks for the Python that `make lock` resolves the lock for, and that
    the site's venv (which the launch tests run) really runs."""
    (runtime,) = requirement_lines((BINDER / "runtime.txt").read_text())
    (locked_for,) = re.findall(r"--python-version (\S+)", (ROOT / "Makefile").read_text())
    assert runtime == f"python-{locked_for}" == "python-{}.{}".format(*sys.version_info[:2])


def test_postbuild_installs_the_package_without_touching_the_lock() -> None:
    """postBuild is executable and installs only this package (no dependency resolution)."""
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK)
    commands = requirement_lines(post_build.read_text())
    assert "set -euo pipefail" in commands
    (install,) = [command.split() for command in commands if "pip install" in command]
    assert "--no-deps" in install and install[-2:] == ["--editable", "."]


def test_labconfig_override_names_the_installed_jupytext_viewer() -> None:
    """The override opens markdown and myst files with a viewer that the installed jupytext provides."""
    override = json.loads((ROOT / ".jupyter" / "labconfig" / "default_setting_overrides.json").read_text())
    viewers = override["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    extension = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-jupytext" / "static"
    bundles = "".join(path.read_text(errors="replace") for path in extension.glob("*.js"))
    assert '"Jupytext Notebook"' in bundles


PREFIX = "https://colab.research.google.com/github/org/repo/blob/"


def test_colab_link_is_rewritten_to_the_notebook_branch() -> None:
    url = f"{PREFIX}main/book/part1/01-chapter.md"
    assert colab_links.rewrite_colab_url(url, PREFIX, "main", "nb") == f"{PREFIX}nb/book/part1/01-chapter.ipynb"


def test_an_unexpected_colab_link_is_an_error_not_a_silent_pass() -> None:
    with pytest.raises(ValueError, match="has sphinx-book-theme changed"):
        colab_links.rewrite_colab_url(f"{PREFIX}develop/book/a.md", PREFIX, "main", "nb")


BINDER_LINK = "https://mybinder.org/v2/gh/org/repo/main?urlpath=lab/tree/book/part1/01-chapter.md"


def test_binder_link_is_rewritten_to_the_reader_notebook_on_the_notebook_branch() -> None:
    assert colab_links.rewrite_binder_url(BINDER_LINK, "main", "nb") == (
        "https://mybinder.org/v2/gh/org/repo/nb?urlpath=lab/tree/book/part1/01-chapter.ipynb")


def test_an_unexpected_binder_link_is_an_error_not_a_silent_pass() -> None:
    with pytest.raises(ValueError, match="has sphinx-book-theme changed"):
        colab_links.rewrite_binder_url(BINDER_LINK.replace("/main?", "/develop?"), "main", "nb")


def test_the_lock_leaves_out_the_slow_iri_parser() -> None:
    """rfc3987-syntax, which costs every kernel, build and server about 3 s to import, stays
    out of the lock (`make lock`'s LOCK_OMITS), so out of the venv and of Binder: importing
    jsonschema (as nbformat, myst-nb's glue and altair do) does not load it."""
    pinned = re.findall(r"^([A-Za-z0-9_.-]+)==", (ROOT / "requirements.lock").read_text(), re.M)
    assert "rfc3987-syntax" not in pinned
    (omits,) = re.findall(r"^LOCK_OMITS := (.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert "--no-emit-package rfc3987-syntax" in omits
    if any(Path(sys.prefix).glob(".installed-latest")):
        return  # DEPS=latest installs whatever pyproject.toml allows
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, jsonschema; print('rfc3987_syntax' in sys.modules)"],
        capture_output=True, text=True, check=True, timeout=60)
    assert probe.stdout.strip() == "False", "importing jsonschema loaded rfc3987_syntax"
