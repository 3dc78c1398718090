"""A torn entry in JAX's shared compilation cache costs a compile, not a failure.

All of `make test`'s processes share one cache folder (``JAX_COMPILATION_CACHE_DIR`` in
the Makefile): the build's kernels, two at a time, nbval's, and the test workers. JAX
writes an entry in place and takes no lock (unless the cache has a size limit, and then
every write reads the access times of all entries: the build took 50 s longer), so a
process can read an entry that another one is still writing. JAX then warns and compiles
the function itself. The tests (pyproject.toml) and the build's kernels
(book/_ext/citable/ipython_kernel_config.py) ignore that one warning.
"""

from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental.compilation_cache import compilation_cache

def test_a_torn_cache_entry_is_compiled_again_without_failing_the_tests(tmp_path: Path) -> None:
    settings = {name: getattr(jax.config, name) for name in (
        "jax_compilation_cache_dir", "jax_persistent_cache_min_compile_time_secs",
        "jax_persistent_cache_min_entry_size_bytes")}
    try:
        jax.config.update("jax_compilation_cache_dir", str(tmp_path))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
        compilation_cache.reset_cache()

        def affine(x):
            return 3.0 * x + 1.0

        x = jnp.arange(4.0)
        jax.jit(affine)(x).block_until_ready()
        entries = list(tmp_path.glob("*-cache"))
        assert entries, "nothing was written to the cache"
        for entry in entries:  # as a reader sees an entry that is half written
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])
        jax.clear_caches()
        # Under this suite's filters (every other warning is an error), the torn entry
        # is read, reported by JAX, and compiled again.
        np.testing.assert_array_equal(jax.jit(affine)(x), np.array([1.0, 4.0, 7.0, 10.0]))
    finally:
        for name, value in settings.items():
            jax.config.update(name, value)
        compilation_cache.reset_cache()

