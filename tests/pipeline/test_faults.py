"""Fault injection: a broken chapter or a changed library must not slip through.

Each test works on a scratch copy of the book reduced to chapter 1, builds it with
the project's own `make book`, then injects one fault and checks that the pipeline
notices: the build fails on a raising cell, verification (strict nbval) fails when
the library changes a printed output, and the cache re-executes rather than serving
stale outputs.
"""

from __future__ import annotations

import json
from pathlib import Path

from _scratch import ROOT, VENV, make, run

CHAPTER = Path("book/part1/01-neural-networks-from-scratch.md")
EXECUTED = Path("_build/jupyter_execute/book/part1/01-neural-networks-from-scratch.ipynb")

# Appended to the library: the loss becomes twice as large, as if a sum had
# replaced a mean somewhere. Chapter 1 prints losses computed with it.
LIBRARY_FAULT = '''

_correct_mean_squared_error = mean_squared_error


def mean_squared_error(predictions, targets):
    return 2.0 * _correct_mean_squared_error(predictions, targets)
'''


def nbval(repo: Path) -> object:
    return run(
        [str(VENV / "bin" / "python"), "-m", "pytest", "-p", "tests.nbval_build", "--nbval",
         "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
         "-o", "filterwarnings=", "-p", "no:cacheprovider", str(EXECUTED)],
        repo, PYTHONPATH=str(repo / "src"), JAX_PLATFORMS="cpu",
    )


def outputs_text(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return json.dumps([c.get("outputs", []) for c in cells if c["cell_type"] == "code"])


def test_library_change_reexecutes_chapter_and_fails_verification(one_chapter_book: Path) -> None:
    built = make("book", one_chapter_book)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert nbval(one_chapter_book).returncode == 0, "strict nbval must pass on an untouched build"
    before = outputs_text(one_chapter_book / EXECUTED)

    losses = one_chapter_book / "src" / "dl_workshop" / "losses.py"
    losses.write_text(losses.read_text() + LIBRARY_FAULT)

    # The executed outputs no longer reproduce with the changed library.
    checked = nbval(one_chapter_book)
    assert checked.returncode != 0, "nbval passed although the library changed a printed loss"
    assert "mismatch" in checked.stdout.lower() or "differ" in checked.stdout.lower(), checked.stdout[-3000:]

    # An incremental (cached) build re-executes the chapter instead of keeping stale outputs.
    rebuilt = make("book", one_chapter_book)
    assert rebuilt.returncode == 0, rebuilt.stdout[-3000:]
    assert outputs_text(one_chapter_book / EXECUTED) != before, "cached build kept stale outputs"


def test_raising_cell_fails_the_build(one_chapter_book: Path) -> None:
    chapter = one_chapter_book / CHAPTER
    original = chapter.read_text()
    chapter.write_text(original + '\n```{code-cell} ipython3\nraise RuntimeError("injected fault")\n```\n')
    failed = make("book", one_chapter_book)
    assert failed.returncode != 0, "the build passed although a cell raised"
    assert "injected fault" in failed.stdout + failed.stderr

    # The same cell, declared as an expected failure, builds: the tag is the only way out.
    chapter.write_text(
        original + '\n```{code-cell} ipython3\n:tags: [raises-exception]\n\nraise RuntimeError("injected fault")\n```\n'
    )
    tagged = make("book", one_chapter_book)
    assert tagged.returncode == 0, tagged.stdout[-3000:] + tagged.stderr[-3000:]


def test_notebook_served_from_cache_is_refused(tmp_path: Path) -> None:
    """A copy written without outputs (a cache hit in myst-nb) must not pass nbval vacuously."""
    executed = json.loads((ROOT / EXECUTED).read_text())
    for cell in executed["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"], cell["outputs"] = None, []
    empty = tmp_path / "from-cache.ipynb"
    empty.write_text(json.dumps(executed))
    checked = run(
        [str(VENV / "bin" / "python"), "-m", "pytest", "-p", "tests.nbval_build", "--nbval",
         "--nbval-current-env", "-p", "no:cacheprovider", str(empty)],
        ROOT, PYTHONPATH=str(ROOT / "src"), JAX_PLATFORMS="cpu",
    )
    assert checked.returncode != 0
    assert "were not executed" in checked.stdout + checked.stderr
