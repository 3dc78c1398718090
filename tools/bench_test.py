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
   ``--profile`` the slowest cells of each chapter's fastest run are listed too, and
   where its time went: JAX tracing, lowering to MLIR, XLA compiling or loading from
   the persistent cache (from JAX's public ``jax.monitoring`` hooks), and drawing
   figures (around matplotlib's ``print_figure``).
2. **The last `make test`.** ``_build/test-times.tsv`` (written by `make test`, one
   line per suite) must add up to at most ``--max-test-minutes`` (15).

This is a benchmark, not a test: timings depend on the machine and its load, so it
is run by hand on an idle machine and never by `make test`.

Usage, through `make` (which sets JAX's persistent cache up, as for the build):
  make bench-test BENCH_ARGS="[--profile] [--only PART_OF_NAME] [--repeat N] [--skip-test-times]"
"""

from __future__ import annotations

import argparse
import copy
import json
import os
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

# With --profile a chapter runs between these two cells. The first records when the kernel
# is busy with each kind of work: JAX reports its tracing, lowering and compiling (which
# includes loading from the persistent cache) as time spans, and matplotlib's
# print_figure draws each rendition of a figure. Spans nest (a jitted function traced
# inside another), so each kind counts the union of its spans. The second prints the
# totals as JSON.
SPLIT_SETUP = '''\
import time as _bench_time
import jax.monitoring as _bench_monitoring
import matplotlib.backend_bases as _bench_backend
_bench_kinds = {"/jax/core/compile/jaxpr_trace_duration": "JAX tracing",
                "/jax/core/compile/jaxpr_to_mlir_module_duration": "lowering",
                "/jax/core/compile/backend_compile_duration": "compiling or cache"}
_bench_spans = {kind: [] for kind in [*_bench_kinds.values(), "figures"]}
def _bench_listener(event, start, end, **kwargs):
    if event in _bench_kinds:
        _bench_spans[_bench_kinds[event]].append((start, end))
_bench_monitoring.register_event_time_span_listener(_bench_listener)
_bench_print_figure = _bench_backend.FigureCanvasBase.print_figure
def _bench_drawn(self, *args, **kwargs):
    start = _bench_time.time()
    try:
        return _bench_print_figure(self, *args, **kwargs)
    finally:
        _bench_spans["figures"].append((start, _bench_time.time()))
_bench_backend.FigureCanvasBase.print_figure = _bench_drawn
'''
SPLIT_REPORT = '''\
import json as _bench_json
def _bench_union(spans):
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        total += max(0.0, end - max(start, reach))
        reach = max(reach, end)
    return total
print(_bench_json.dumps({kind: [_bench_union(spans), len(spans)]
                         for kind, spans in _bench_spans.items()}))
'''


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


def run_timed(notebook: nbformat.NotebookNode, cwd: Path) -> tuple[float, list[tuple[float, str, str]]]:
    """Execute a notebook in a fresh kernel: the total seconds, and for each code cell its
    seconds, source and printed text."""
    cells: list[tuple[float, str, str]] = []
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            t0 = time.perf_counter()
            client.execute_cell(cell, index)
            printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            cells.append((time.perf_counter() - t0, cell.source, printed))
    return time.perf_counter() - start, cells


def fastest(notebook: nbformat.NotebookNode, cwd: Path, repeat: int) -> tuple[float, list]:
    """The fastest of ``repeat`` executions, each in a fresh kernel, of a fresh copy."""
    return min((run_timed(copy.deepcopy(notebook), cwd) for _ in range(repeat)),
               key=lambda run: run[0])


def with_split(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``notebook`` between the SPLIT_SETUP and SPLIT_REPORT cells."""
    split = copy.deepcopy(notebook)
    split.cells = [nbformat.v4.new_code_cell(SPLIT_SETUP), *split.cells,
                   nbformat.v4.new_code_cell(SPLIT_REPORT)]
    return split


def split_line(seconds: float, report: str) -> str:
    """One line for the table: each kind of work's seconds, and what is left."""
    kinds = json.loads(report)
    parts = [f"{kind} {took:.1f} s" + (f" ({count} renditions)" if kind == "figures" else "")
             for kind, (took, count) in kinds.items()]
    rest = seconds - sum(took for took, _ in kinds.values())
    return "|   where: " + ", ".join(parts) + f"; the rest (kernel, imports, Python, arithmetic) {rest:.1f} s"


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
    if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
        # Without the cache every chapter compiles all its programs (chapter 5: 20 s, not 12).
        parser.error("run it as `make bench-test`: the chapters must run with the "
                     "Makefile's JAX settings (JAX_COMPILATION_CACHE_DIR is not set)")
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
        if args.profile:
            notebook = with_split(notebook)
        seconds, cells = fastest(notebook, source.parent, args.repeat)
        if args.profile:
            # The two added cells are not the chapter's: the report is the last one's output.
            report, cells = cells[-1][2], cells[1:-1]
        ratio = seconds / floor
        ok = ratio <= args.max_ratio
        print(f"| {docname} | {seconds:.1f} | {ratio:.2f} | {'ok' if ok else 'OVER'} |")
        if not ok:
            failures.append(f"{docname}: {ratio:.2f}× the floor")
        if args.profile:
            for took, text, _ in sorted(cells, key=lambda cell: cell[0], reverse=True)[:8]:
                first = text.strip().splitlines()[0][:70] if text.strip() else ""
                print(f"|   {took:6.2f} s | {first}")
            print(split_line(seconds, report))
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
