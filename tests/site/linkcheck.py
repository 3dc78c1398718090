"""Run LinkChecker over a served site: internal links only (anchors: anchors.py)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

#: LinkChecker configuration: this site only, at full speed, CSV columns.
CONFIG = Path(__file__).with_name("linkcheckerrc")


def broken_links(start_urls: list[str]) -> list[str]:
    """Every broken internal link reachable from ``start_urls``.

    External links are not followed (no ``--check-extern``): nothing leaves the
    machine. Each problem reads ``<link> (on <page>): <what is wrong>``.
    """
    command = [
        str(Path(sys.executable).with_name("linkchecker")),
        "--config", str(CONFIG),
        "--no-status",
        "--verbose",  # valid URLs are listed too, so no rows at all means nothing was checked
        "--ignore-url", "^mailto:",
        # CSV on stdout: run as root, LinkChecker drops to 'nobody', who may not write files.
        "--output", "csv/utf-8",
        *start_urls,
    ]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if finished.returncode not in (0, 1):  # 1 means "found problems"
        raise RuntimeError(f"linkchecker failed to run: {finished.stderr or finished.stdout}")
    rows = list(csv.DictReader(io.StringIO(finished.stdout), delimiter=";"))
    if not rows:
        raise RuntimeError(f"linkchecker checked nothing: {finished.stderr}")
    problems = []
    for row in rows:
        where = f"{row['urlname']} (on {row['parentname'] or 'start'})"
        if row["valid"] != "True":
            problems.append(f"{where}: {row['result']}")
    return problems
