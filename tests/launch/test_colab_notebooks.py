"""The launch tree that Colab and Binder open: install cell first, the repository around it.

The notebooks are not executed here: each reader notebook runs once, in a real
JupyterLab (test_jupyterlab.py), which covers Colab's file as well (the same
notebook; its install cell does nothing outside Colab, as tested below).
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from ._project import NOTEBOOK_PAGES, ROOT, colab_notebooks


def read(tree: Path, docname: str) -> nbformat.NotebookNode:
    """Read a generated notebook."""
    return nbformat.read(tree / f"{docname}.ipynb", as_version=4)


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_notebook_starts_with_install_cell_pinned_to_commit(
    docname: str, colab_tree: Path, commit: str, launch_config: colab_notebooks.LaunchConfig
) -> None:
    """The first cell installs dl-workshop from this repository at this commit, and is the only addition."""
    nb = read(colab_tree, docname)
    first = nb.cells[0]
    assert first.cell_type == "code" and colab_notebooks.INSTALL_TAG in first.metadata["tags"]
    assert f'"dl-workshop @ git+{launch_config.repository_url}@{commit}"' in first.source
    reader = nbformat.read(ROOT / "_build" / "html" / "notebooks" / "reader" / f"{docname}.ipynb", as_version=4)
    assert [cell.source for cell in nb.cells[1:]] == [cell.source for cell in reader.cells]
    assert nb.metadata["kernelspec"]["name"] == "python3"


def run_install_cell(source: str, in_colab: bool, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Run an install cell's code with ``subprocess.run`` recorded; return the commands it ran."""
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda command, **kwargs: calls.append(command))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "install-cell", "exec"), {})
    return calls


def test_install_cell_installs_only_in_colab(
    colab_tree: Path, commit: str, launch_config: colab_notebooks.LaunchConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In Colab the cell pip-installs the package at the commit (and locked extras); elsewhere nothing."""
    source = read(colab_tree, NOTEBOOK_PAGES[0]).cells[0].source
    assert run_install_cell(source, in_colab=False, monkeypatch=monkeypatch) == []
    (command,) = run_install_cell(source, in_colab=True, monkeypatch=monkeypatch)
    assert command[:5] == [sys.executable, "-m", "pip", "install", "--quiet"]
    assert command[5] == f"dl-workshop @ git+{launch_config.repository_url}@{commit}"
    locked = colab_notebooks.locked_versions(ROOT)
    for requirement in command[6:]:
        name, version = requirement.split("==")
        assert locked[colab_notebooks.normalize(name)] == version, requirement


def test_chapters_importing_myst_nb_get_it_installed(colab_tree: Path) -> None:
    """Colab has no myst-nb; a chapter that imports it for glue must install it."""
    for docname in NOTEBOOK_PAGES:
        nb = read(colab_tree, docname)
        code = "\n".join(cell.source for cell in nb.cells[1:] if cell.cell_type == "code")
        installs_myst_nb = '"myst-nb==' in nb.cells[0].source
        assert installs_myst_nb == ("from myst_nb import" in code or "import myst_nb" in code), docname


def test_generation_is_deterministic(colab_tree: Path, commit: str, tmp_path: Path) -> None:
    """Two runs give byte-identical notebooks (so the published branch changes only when a chapter does)."""
    again = tmp_path / "again"
    colab_notebooks.write_notebooks(again, commit, ROOT)
    first = {p.relative_to(colab_tree): p.read_bytes() for p in sorted(colab_tree.rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert first == second


def test_refuses_to_overwrite_a_foreign_folder(tmp_path: Path, commit: str) -> None:
    """--out pointing at a folder of other files is an error, not a deletion."""
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not made by this script"):
        colab_notebooks.write_notebooks(tmp_path, commit, ROOT)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_tree_holds_what_binder_builds_from(colab_tree: Path) -> None:
    """Binder builds from the published branch: its environment files and library are there,
    and each notebook page's MyST source gives way to its reader notebook."""
    for name in ("binder/requirements.txt", "binder/runtime.txt", "binder/postBuild", "requirements.lock",
                 "pyproject.toml", "src/dl_workshop/__init__.py"):
        assert (colab_tree / name).read_bytes() == (ROOT / name).read_bytes(), name
    for docname in NOTEBOOK_PAGES:
        source = colab_notebooks.source_path(ROOT, docname).relative_to(ROOT)
        assert not (colab_tree / source).exists(), f"{source} would sit next to its notebook"
        assert (colab_tree / f"{docname}.ipynb").is_file()
