"""Where the project is, and which of its pages are notebooks (from ``_toc.yml``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # tools/ is a folder of scripts, not an installed package
    sys.path.insert(0, str(ROOT))

from tools import colab_notebooks  # noqa: E402

HTML = ROOT / "_build" / "html"
TOC_PAGES = colab_notebooks.toc_docnames(ROOT)
NOTEBOOK_PAGES = colab_notebooks.notebook_docnames(ROOT)
