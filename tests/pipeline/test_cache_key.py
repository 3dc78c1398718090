"""The jupyter-cache folder is keyed on the library sources and the lock."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from _scratch import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from cache_key import INPUTS, source_fingerprint  # noqa: E402


def scratch(tmp_path: Path) -> Path:
    for name in INPUTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_fingerprint_is_stable(tmp_path: Path) -> None:
    repo = scratch(tmp_path)
    assert source_fingerprint(repo) == source_fingerprint(repo) == source_fingerprint(ROOT)


def test_fingerprint_follows_library_and_lock(tmp_path: Path) -> None:
    repo = scratch(tmp_path)
    original = source_fingerprint(repo)
    losses = repo / "src" / "dl_workshop" / "losses.py"
    losses.write_text(losses.read_text() + "\n# a change\n")
    after_library = source_fingerprint(repo)
    lock = repo / "requirements.lock"
    lock.write_text(lock.read_text() + "\n# a change\n")
    after_lock = source_fingerprint(repo)
    assert len({original, after_library, after_lock}) == 3


def test_fingerprint_follows_the_installed_kernel_config(tmp_path: Path, monkeypatch) -> None:
    """A build whose kernels lack the figure settings (say `make pdf` before `make venv`
    installed them) must not share a cache with one whose kernels have them."""
    import cache_key

    repo = scratch(tmp_path / "repo")
    installed = tmp_path / "etc" / "ipython" / "ipython_kernel_config.py"
    monkeypatch.setattr(cache_key, "installed_kernel_config", lambda: installed)
    missing = source_fingerprint(repo)
    installed.parent.mkdir(parents=True)
    installed.write_bytes((ROOT / INPUTS[2]).read_bytes())
    present = source_fingerprint(repo)
    installed.write_text("c = get_config()\n")
    other = source_fingerprint(repo)
    assert len({missing, present, other}) == 3


def test_kernels_told_to_ignore_the_settings_share_the_cache_of_kernels_without_them(
        tmp_path: Path, monkeypatch) -> None:
    """``BOOK_KERNEL_SETTINGS=0`` (make lab, the launch tests) means the settings are not read."""
    import cache_key

    repo = scratch(tmp_path / "repo")
    installed = tmp_path / "etc" / "ipython" / "ipython_kernel_config.py"
    monkeypatch.setattr(cache_key, "installed_kernel_config", lambda: installed)
    installed.parent.mkdir(parents=True)
    installed.write_bytes((ROOT / INPUTS[2]).read_bytes())
    present = source_fingerprint(repo)
    monkeypatch.setenv("BOOK_KERNEL_SETTINGS", "0")
    ignored = source_fingerprint(repo)
    installed.unlink()
    assert ignored == source_fingerprint(repo) != present


@pytest.mark.parametrize("switch, read", [(None, True), ("1", True), ("0", False)])
def test_the_kernel_config_obeys_its_switch(monkeypatch, switch: str | None, read: bool) -> None:
    from traitlets.config import Config

    if switch is None:
        monkeypatch.delenv("BOOK_KERNEL_SETTINGS", raising=False)
    else:
        monkeypatch.setenv("BOOK_KERNEL_SETTINGS", switch)
    config = Config()
    exec((ROOT / INPUTS[2]).read_text(), {"get_config": lambda: config})
    assert ("InlineBackend" in config) is read
    if read:
        assert config.InlineBackend.print_figure_kwargs["dpi"] == 300
        assert config.InlineBackend.figure_formats == {"svg", "png"}


def test_the_cache_folder_is_execute_cache_when_set_else_beside_the_output(tmp_path: Path) -> None:
    """``execute.cache`` (myst-nb's ``nb_execution_cache_path``) is honoured; by default the
    cache sits in the build folder, as myst-nb puts it. Either way it is keyed."""
    from types import SimpleNamespace

    import cache_key

    app = SimpleNamespace(outdir=str(tmp_path / "_build" / "html"))
    default = SimpleNamespace(nb_execution_cache_path="")
    cache_key._use_keyed_cache(app, default)
    chosen = SimpleNamespace(nb_execution_cache_path=str(tmp_path / "elsewhere"))
    cache_key._use_keyed_cache(app, chosen)
    key = source_fingerprint()
    assert Path(default.nb_execution_cache_path) == tmp_path / "_build" / ".jupyter_cache" / key
    assert Path(chosen.nb_execution_cache_path) == tmp_path / "elsewhere" / key
