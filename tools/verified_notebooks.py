"""Which executed notebooks still need nbval: the memory of `make check`.

  python tools/verified_notebooks.py pending            notebooks to verify, one per line
  python tools/verified_notebooks.py record PATH...     remember PATHs (files or folders) as verified

A notebook under ``_build/jupyter_execute`` is *verified* when strict nbval passed on
it with exactly its current code and outputs. ``_build/verified-notebooks.json`` keeps
a hash of each verified notebook's code cells and outputs; ``pending`` lists every
notebook whose hash is not there: the chapters an edit (or a library change)
re-executed, and any that failed verification last time. A clean build
(``make book-clean``) forgets everything, as it should.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "jupyter_execute"
RECORD = ROOT / "_build" / "verified-notebooks.json"


def fingerprint(notebook: Path) -> str:
    """A hash of the code cells' sources and outputs (and the glued values beside them)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [(c.get("source"), c.get("outputs")) for c in cells if c["cell_type"] == "code"]
    glue = notebook.with_suffix(".glue.json")
    payload = json.dumps([code, glue.read_text(encoding="utf-8") if glue.is_file() else None],
                         sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def notebooks(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.rglob("*.ipynb")) if path.is_dir() else [path]
    return [p for p in found if ".ipynb_checkpoints" not in p.parts]


def load() -> dict[str, str]:
    return json.loads(RECORD.read_text()) if RECORD.is_file() else {}


def key(path: Path) -> str:
    return path.resolve().relative_to(EXECUTED.resolve()).as_posix()


def pending() -> list[Path]:
    record = load()
    return [p for p in notebooks([EXECUTED]) if record.get(key(p)) != fingerprint(p)]


def record(paths: list[Path]) -> None:
    known = load()
    for path in notebooks(paths):
        known[key(path)] = fingerprint(path)
    RECORD.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")


def main(argv: list[str]) -> int:
    if argv[:1] == ["pending"]:
        print(" ".join(str(p.relative_to(ROOT)) for p in pending()))
        return 0
    if argv[:1] == ["record"] and len(argv) > 1:
        record([Path(a) if Path(a).is_absolute() else ROOT / a for a in argv[1:]])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
