"""Fixture: a scratch copy of the repository reduced to chapter 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _scratch import ROOT, SKIP


@pytest.fixture(scope="module")
def one_chapter_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the repository whose table of contents is chapter 1 alone."""
    copy = tmp_path_factory.mktemp("book") / "repo"
    shutil.copytree(ROOT, copy, ignore=SKIP, symlinks=False)
    (copy / "_toc.yml").write_text(
        "format: jb-book\n"
        "root: book/intro\n"
        "parts:\n"
        "  - caption: Part I\n"
        "    numbered: true\n"
        "    chapters:\n"
        "      - file: book/part1/01-neural-networks-from-scratch\n"
    )
    return copy
