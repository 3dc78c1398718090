"""The glued values of a built chapter, as the text a reader sees, by name.

myst-nb writes each chapter's glued values to ``_build/jupyter_execute/<doc>.glue.json``
during ``make book``; the results tests read them from there.
"""

from __future__ import annotations

import json

import pytest

from _scratch import ROOT


def glued(doc: str, *, markdown_first: bool = False) -> dict[str, str]:
    """``doc``'s glued values (e.g. doc="book/part1/05-neural-networks"): the plain text,
    or with ``markdown_first`` the Markdown of values glued as Markdown."""
    path = ROOT / "_build" / "jupyter_execute" / f"{doc}.glue.json"
    if not path.is_file():
        pytest.fail(f"No glued values in {path}: run 'make book' first.", pytrace=False)
    order = ("text/markdown", "text/plain") if markdown_first else ("text/plain", "text/markdown")
    return {name: output["data"].get(order[0], output["data"].get(order[1], ""))
            for name, output in json.loads(path.read_text(encoding="utf-8")).items()}
