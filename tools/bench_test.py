"""Check the maintainer-loop budgets (issue 17): `make bench-test`.

Two budgets are checked here, on the machine it runs on:

1. **Chapter execution against the floor.** Each chapter of ``_toc.yml`` that has
   code cells is executed once in a fresh kernel (the project's kernel, started from
   the chapter's folder as the build does) and timed from kernel start to the last
   cell. The *floor* is a kernel that starts and imports ``jax``, ``matplotlib`` and
   ``dl_workshop``, timed the same way in the same run. Each chapter must take at
   most ``--max-ratio`` (2.5) times the floor. Each time is the fastest of
   ``--repeat`` (2) runs: on a shared machine one run of the same chapter varied by a
   third between two benchmarks, and the fastest run is the one least disturbed. With
   ``--profile`` the slowest cells of each chapter's fastest run are listed too.
2. **The last `make test`.** ``_build/test-times.tsv`` (written by `make test`, one
   line per suite) must add up to at most ``--max-test-minutes`` (15).

This is a benchmark, not a test: timings depend on the machine and its load, so it
is run by hand on an idle machine and never by `make test`.

Usage:
  python tools/bench_test.py [--profile] [--only PART_OF_NAME] [--repeat N] [--skip-test-times]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from suite_times import TIMES, read_times  # noqa: E402

FLOOR_SOURCE = "import jax\nimport jax.numpy as jnp\nimport matplotlib.pyplot as plt\nimport dl_workshop\n"


def toc_chapters(root: Path = ROOT) -> list[str]:
    """Docnames of every chapter in ``_toc.yml``, in reading order."""
    import yaml

    def walk(node: object):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"root", "file"}:
                    yield str(value)
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return list(walk(yaml.safe_load((root / "_toc.yml").read_text())))


def run_timed(notebook: nbformat.NotebookNode, cwd: Path) -> tuple[float, list[tuple[float, str]]]:
    """Execute a notebook in a fresh kernel; return the total seconds and per-cell times."""
    cells: list[tuple[float, str]] = []
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            t0 = time.perf_counter()
            client.execute_cell(cell, index)
            cells.append((time.perf_counter() - t0, cell.source))
    return time.perf_counter() - start, cells


def fastest(notebook: nbformat.NotebookNode, cwd: Path, repeat: int) -> tuple[float, list]:
    """The fastest of ``repeat`` executions, each in a fresh kernel, of a fresh copy."""
    return min((run_timed(copy.deepcopy(notebook), cwd) for _ in range(repeat)),
               key=lambda run: run[0])


def floor_seconds(repeat: int) -> float:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    return fastest(notebook, ROOT, repeat)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-ratio", type=float, default=2.5)
    parser.add_argument("--max-test-minutes", type=float, default=15.0)
    parser.add_argument("--profile", action="store_true", help="list each chapter's slowest cells")
    parser.add_argument("--only", default="", help="only chapters whose docname contains this")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of each chapter and of the floor; the fastest counts")
    parser.add_argument("--skip-test-times", action="store_true")
    args = parser.parse_args()

    failures: list[str] = []
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")
    floor = floor_seconds(args.repeat)
    print(f"floor (kernel start + import jax, matplotlib, dl_workshop): {floor:.2f} s\n")
    print(f"| chapter | seconds | × floor | budget {args.max_ratio}× |")
    print("|---|---:|---:|---|")
    for docname in toc_chapters():
        if args.only not in docname:
            continue
        source = ROOT / f"{docname}.md"
        notebook = jupytext.read(source)
        # Only the notebooks the build executes: a page without a kernel (the teaching
        # page shows shell commands in code blocks) is plain text to myst-nb.
        if "kernelspec" not in notebook.metadata or not any(
                c.cell_type == "code" for c in notebook.cells):
            continue
        seconds, cells = fastest(notebook, source.parent, args.repeat)
        ratio = seconds / floor
        ok = ratio <= args.max_ratio
        print(f"| {docname} | {seconds:.1f} | {ratio:.2f} | {'ok' if ok else 'OVER'} |")
        if not ok:
            failures.append(f"{docname}: {ratio:.2f}× the floor")
        if args.profile:
            for took, text in sorted(cells, reverse=True)[:8]:
                first = text.strip().splitlines()[0][:70] if text.strip() else ""
                print(f"|   {took:6.2f} s | {first}")
    if not args.skip_test_times:
        times = read_times(TIMES)
        if not times:
            failures.append(f"{TIMES.relative_to(ROOT)} is missing: run `make test` first")
        else:
            total = sum(times.values()) / 60
            print(f"\nlast `make test`: {total:.1f} min (budget {args.max_test_minutes} min)")
            if total > args.max_test_minutes:
                failures.append(f"make test took {total:.1f} min")
    if failures:
        print("\nOVER BUDGET:\n  " + "\n  ".join(failures))
        return 1
    print("\nAll budgets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
