"""Fixture: a scratch copy of the repository whose book is one tiny chapter.

Fault injection needs a real build with the project's own `make book`, but not a
real chapter: the tiny chapter below imports the library, prints a loss computed by
it and draws one named figure, so each execution costs little more than a kernel start.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _scratch import ROOT, SKIP, TINY_CHAPTER
TINY = '''---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
    format_version: 0.13
kernelspec:
  display_name: Python 3
  language: python
  name: python3
myst:
  html_meta:
    description: "Draw one line."
---

(ch-tiny)=
# A tiny chapter

```{code-cell} ipython3
import jax.numpy as jnp
import matplotlib.pyplot as plt

from dl_workshop import losses, plotting

plotting.use_house_style()
print(f"loss: {float(losses.mean_squared_error(jnp.array([1.0, 2.0]), jnp.array([0.0, 0.0]))):.3f}")
```

{numref}`fig-tiny-line` shows a line.

```{code-cell} ipython3
---
mystnb:
  figure:
    name: fig-tiny-line
    caption: A straight line.
  image:
    alt: A straight line rising from left to right.
---
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([0, 1], [0, 1]);
```
'''


@pytest.fixture
def tiny_book(tmp_path: Path) -> Path:
    """A scratch copy of the repository whose table of contents is one tiny chapter."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT, copy, ignore=SKIP, symlinks=False)
    (copy / TINY_CHAPTER).parent.mkdir(parents=True, exist_ok=True)
    (copy / TINY_CHAPTER).write_text(TINY)
    # The real landing page links to pages this book leaves out.
    (copy / "book" / "intro.md").write_text("# A scratch book\n\n```{book-map}\n```\n")
    (copy / "_toc.yml").write_text(
        "format: jb-book\n"
        "root: book/intro\n"
        "parts:\n"
        "  - caption: Part I\n"
        "    numbered: true\n"
        "    chapters:\n"
        f"      - file: {TINY_CHAPTER.with_suffix('').as_posix()}\n"
    )
    return copy
