"""Make jupyter-cache's key depend on the helper library and the lock.

jupyter-cache decides whether to re-execute a notebook by hashing its code
cells only. The chapters' outputs also depend on ``src/dl_workshop``, on the
pinned dependencies and on the kernel's figure settings, so we point myst-nb at
a cache folder named after a hash of those files: any change to them starts from
an empty cache and re-executes every chapter.

The figure settings are hashed twice: as the repository has them, and as the kernels
will read them (the copy `make` installs into the environment, or its absence, or
``BOOK_KERNEL_SETTINGS=0``, which tells the kernels to ignore it). A
build whose kernels lack them (and so draw low-resolution PNG-only figures) thus gets
a cache of its own, and can never hand its outputs to a build that has them.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

ROOT = Path(__file__).resolve().parents[2]
# The kernel config decides which renditions of each figure the outputs hold.
INPUTS = ("requirements.lock", "pyproject.toml", "book/_ext/citable/ipython_kernel_config.py")


def source_fingerprint(root: Path = ROOT) -> str:
    """Return a short hex digest of the library sources and the lock."""
    digest = hashlib.sha256()
    files = sorted((root / "src").rglob("*.py")) + [root / name for name in INPUTS]
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    installed = installed_kernel_config()
    ignored = os.environ.get("BOOK_KERNEL_SETTINGS", "1") == "0"  # the file's own switch
    digest.update(installed.read_bytes() if installed.is_file() and not ignored else b"no kernel config")
    return digest.hexdigest()[:16]


def installed_kernel_config() -> Path:
    """Where the build's kernels read their settings (installed by `make venv`)."""
    return Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"


def _use_keyed_cache(app: Sphinx, config: Config) -> None:
    # ``execute.cache`` in _config.yml, if set, or myst-nb's default beside the output.
    base = Path(config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")
    config.nb_execution_cache_path = str(base / source_fingerprint())


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _use_keyed_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
