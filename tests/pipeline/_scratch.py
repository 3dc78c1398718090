"""Helpers for the pipeline tests: run commands and `make` the way the Makefile does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
#: The one chapter of the scratch book (conftest.py).
TINY_CHAPTER = Path("book/scratch/tiny.md")
SKIP = shutil.ignore_patterns(".git", ".venv", ".venv-*", "_build", "__pycache__", ".pytest_cache", "node_modules")


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command with the Makefile's own environment, capturing its output."""
    environment = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "MAKEFLAGS", "MAKELEVEL"}}
    environment.update(env)
    return subprocess.run(args, cwd=cwd, env=environment, text=True, capture_output=True, timeout=900)


def make(target: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`make TARGET` in a scratch copy, reusing this venv (the lock is the same).

    One pytest process per suite (``WORKERS=1``): the scratch book is one chapter, and
    the pipeline suite already runs its tests side by side.
    """
    return run(["make", target, f"VENV={VENV}", "WORKERS=1"], cwd)


def output(result: subprocess.CompletedProcess[str]) -> str:
    """Everything a command printed, stdout then stderr."""
    return result.stdout + result.stderr
