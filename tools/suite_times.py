"""Time each suite of `make test` and print the table at the end.

  python tools/suite_times.py run NAME -- COMMAND...   run COMMAND, record its seconds
  python tools/suite_times.py table                     print the table (and the total)
  python tools/suite_times.py reset                     start a new `make test`

The times go to ``_build/test-times.tsv`` (one ``name<TAB>seconds<TAB>status`` line
per suite), which `make bench-test` checks against the 15-minute budget.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMES = ROOT / "_build" / "test-times.tsv"


def read_times(path: Path = TIMES) -> dict[str, float]:
    """Seconds per suite, in the order they ran (a rerun suite keeps its last time)."""
    times: dict[str, float] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            name, seconds, *_ = line.split("\t")
            times[name] = float(seconds)
    return times


def table(path: Path = TIMES) -> str:
    rows = [line.split("\t") for line in path.read_text().splitlines()] if path.is_file() else []
    if not rows:
        return "no suite has been timed yet"
    width = max([len("suite"), len("total")] + [len(r[0]) for r in rows])
    lines = [f"{'suite':<{width}}  {'time':>8}  status", f"{'-' * width}  {'-' * 8}  ------"]
    for name, seconds, status in rows:
        s = float(seconds)
        lines.append(f"{name:<{width}}  {int(s // 60):>4}:{s % 60:04.1f}  {status}")
    total = sum(float(r[1]) for r in rows)
    lines.append(f"{'total':<{width}}  {int(total // 60):>4}:{total % 60:04.1f}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["reset"]:
        TIMES.parent.mkdir(parents=True, exist_ok=True)
        TIMES.write_text("")
        return 0
    if argv[:1] == ["table"]:
        print(table())
        return 0
    if len(argv) >= 4 and argv[0] == "run" and argv[2] == "--":
        name, command = argv[1], argv[3:]
        start = time.perf_counter()
        status = subprocess.call(command)
        seconds = time.perf_counter() - start
        TIMES.parent.mkdir(parents=True, exist_ok=True)
        with TIMES.open("a") as out:
            out.write(f"{name}\t{seconds:.1f}\t{'ok' if status == 0 else f'FAILED ({status})'}\n")
        return status
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
