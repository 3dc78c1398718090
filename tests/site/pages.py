"""Which pages the built site has, read from ``_toc.yml`` and ``_build/html``."""

from __future__ import annotations

from pathlib import Path

import yaml

#: Folders of the built site that hold assets, not pages.
ASSET_DIRS = {"_static", "_sources", "_images", "_downloads"}


def toc_documents(toc_file: Path) -> list[str]:
    """Every document named in a Jupyter Book ``_toc.yml``, root first, in order.

    Documents are given as in the file, without a suffix (``book/intro``).
    """
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    found = [_strip_suffix(toc["root"])]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                found.append(_strip_suffix(entry["file"]))
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk([toc])
    return found


def built_pages(html_dir: Path) -> list[str]:
    """Every HTML page of the built site, as paths relative to it, sorted."""
    return sorted(
        path.relative_to(html_dir).as_posix()
        for path in html_dir.rglob("*.html")
        if not ASSET_DIRS.intersection(path.relative_to(html_dir).parts)
    )


def _strip_suffix(name: str) -> str:
    for suffix in (".md", ".ipynb", ".rst"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
