"""JAX's persistent compilation cache, as `make` sets it up, is locked while it is read or written.

The build's kernels (two at a time), nbval's kernels and the test workers share one
cache folder (``JAX_COMPILATION_CACHE_DIR`` in the Makefile). JAX writes an entry in
place, so without a lock a process can read an entry that another one is still writing:
JAX then warns that the entry is corrupt, and a warning fails the tests (it did once, on
a clean run). JAX takes a file lock around each read and write once the cache has a size
limit, which the Makefile sets.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPILE = "import jax, jax.numpy as jnp; jax.jit(lambda x: x * 2)(jnp.ones(3)).block_until_ready()"


def makefile_jax_settings() -> dict[str, str]:
    """The ``export JAX_...`` settings of the Makefile (``$(CURDIR)`` left as written)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return dict(re.findall(r"^export (JAX_\w+) := (\S+)$", text, re.M))


def test_the_cache_as_make_sets_it_up_takes_a_lock(tmp_path: Path) -> None:
    settings = makefile_jax_settings()
    assert "JAX_COMPILATION_CACHE_DIR" in settings, "the Makefile no longer shares a compilation cache"
    env = {key: value for key, value in os.environ.items() if not key.startswith("JAX_")}
    env.update(settings, JAX_COMPILATION_CACHE_DIR=str(tmp_path), JAX_PLATFORMS="cpu")
    run = subprocess.run([sys.executable, "-W", "error", "-c", COMPILE], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert list(tmp_path.glob("*-cache")), "nothing was written to the cache"
    # The lock file, and the access times that JAX keeps only in its locked (size-limited) mode.
    assert (tmp_path / ".lockfile").exists(), "JAX wrote to the cache without taking its lock"
    assert list(tmp_path.glob("*-atime"))
