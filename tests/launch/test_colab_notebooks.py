"""The generated Colab notebooks: install cell first, and they run to the end.

They are executed with nbclient in an empty folder, as in Colab, where none of
the repository's files sit next to the notebook. nbclient lets a cell raise
only when it is tagged ``raises-exception``; we also require every such cell
to raise, so the tag marks a real lesson rather than hiding a surprise.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ._project import NOTEBOOK_PAGES, ROOT, colab_notebooks

RAISES = "raises-exception"


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
    source = colab_notebooks.source_path(ROOT, docname)
    original = [cell.source for cell in colab_notebooks.jupytext.read(source).cells]
    assert [cell.source for cell in nb.cells[1:]] == original
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


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_generated_notebook_runs_with_nbclient(docname: str, colab_tree: Path, tmp_path: Path) -> None:
    """Executed top to bottom in an empty folder, only raises-exception cells raise, and they all do."""
    nb = read(colab_tree, docname)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [out for out in cell.outputs if out.output_type == "error"]
        tagged = RAISES in cell.metadata.get("tags", [])
        assert cell.execution_count is not None, f"cell {index} did not run"
        assert bool(errors) == tagged, f"cell {index}: tagged {RAISES}={tagged} but errors={errors}"
