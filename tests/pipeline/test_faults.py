"""Fault injection: a broken chapter or a changed library must not slip through, and
every failure says where and what to do.

Each test works on a scratch copy of the repository whose book is one tiny chapter
(``conftest.py``), built with the project's own `make book` and verified with its own
`make test-notebooks`, so the real Makefile, extensions and nbval plugin are under
test while each execution costs about one kernel start.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from _scratch import ROOT, TINY_CHAPTER, VENV, make, output, run

EXECUTED = Path("_build/jupyter_execute") / TINY_CHAPTER.with_suffix(".ipynb")
PAGE = Path("_build/html") / TINY_CHAPTER.with_suffix(".html")

# Appended to the library: the loss becomes twice as large, as if a sum had
# replaced a mean somewhere. The tiny chapter prints a loss computed with it.
LIBRARY_FAULT = '''

_correct_mean_squared_error = mean_squared_error


def mean_squared_error(predictions, targets):
    return 2.0 * _correct_mean_squared_error(predictions, targets)
'''

RAISING_CELL = '\n```{code-cell} ipython3\nx = 1\nraise RuntimeError("injected fault")\n```\n'
BARE_PLOT = '\n```{code-cell} ipython3\nfig, ax = plt.subplots()\nax.plot([1, 2, 3]);\n```\n'
NO_CAPTION = '''
{numref}`fig-tiny-uncaptioned` has no caption.

```{code-cell} ipython3
---
mystnb:
  figure:
    name: fig-tiny-uncaptioned
  image:
    alt: Three points on a line.
---
fig, ax = plt.subplots()
ax.plot([1, 2, 3]);
```
'''


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the code-cell fence that opens the cell holding ``needle``."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if needle in line)
    return max(i for i in range(index) if lines[i].startswith("```{code-cell}")) + 1


def append_to_chapter(repo: Path, text: str) -> tuple[str, str]:
    chapter = repo / TINY_CHAPTER
    original = chapter.read_text()
    chapter.write_text(original + text)
    return original, original + text


def outputs_text(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return json.dumps([c.get("outputs", []) for c in cells if c["cell_type"] == "code"])


def test_library_change_reexecutes_chapter_and_fails_verification(tiny_book: Path) -> None:
    built = make("book", tiny_book)
    assert built.returncode == 0, output(built)[-3000:]
    verified = make("test-notebooks", tiny_book)
    assert verified.returncode == 0, "strict nbval must pass on an untouched build\n" + verified.stdout[-3000:]
    before = outputs_text(tiny_book / EXECUTED)

    # nbval compares the 300-dpi PNG rendition too (it skips image/png by default): a
    # PNG that differs from what the kernel draws fails verification.
    executed = tiny_book / EXECUTED
    original = executed.read_text()
    notebook = json.loads(original)
    png = next(o["data"] for c in notebook["cells"] for o in c.get("outputs", [])
               if "image/png" in o.get("data", {}))
    png["image/png"] = png["image/png"][:-12] + ("A" if png["image/png"][-12] != "A" else "B") + png["image/png"][-11:]
    executed.write_text(json.dumps(notebook))
    tampered = make("test-notebooks", tiny_book)
    assert tampered.returncode != 0 and "image/png" in tampered.stdout, tampered.stdout[-3000:]
    executed.write_text(original)

    losses = tiny_book / "src" / "dl_workshop" / "losses.py"
    losses.write_text(losses.read_text() + LIBRARY_FAULT)

    # The executed outputs no longer reproduce with the changed library.
    checked = make("test-notebooks", tiny_book)
    assert checked.returncode != 0, "nbval passed although the library changed a printed loss"
    assert "mismatch" in checked.stdout.lower() or "differ" in checked.stdout.lower(), checked.stdout[-3000:]

    # An incremental (cached) build re-executes the chapter instead of keeping stale outputs.
    rebuilt = make("book", tiny_book)
    assert rebuilt.returncode == 0, output(rebuilt)[-3000:]
    assert outputs_text(tiny_book / EXECUTED) != before, "cached build kept stale outputs"


def test_raising_cell_fails_with_one_short_message_then_recovers(tiny_book: Path) -> None:
    assert make("book", tiny_book).returncode == 0
    _, broken = append_to_chapter(tiny_book, RAISING_CELL)
    failed = make("book", tiny_book)
    text = output(failed)
    assert failed.returncode != 0, "the build passed although a cell raised"
    line = line_of(broken, "injected fault")
    assert re.search(rf"{re.escape(str(TINY_CHAPTER))}:{line}: (WARNING|ERROR): a cell raised "
                     r"RuntimeError: injected fault", text), text[-3000:]
    assert 'raise RuntimeError("injected fault")' in text
    assert "tag it `raises-exception` if this is intended" in text
    # One message: no traceback, no crash report, no second copy.
    assert "Traceback" not in text and "please report" not in text.lower(), text[-3000:]
    assert text.count("injected fault") == 2, text[-3000:]  # the exception line and the source
    # No page of the earlier build is left looking current.
    assert not (tiny_book / PAGE).exists(), "the failed build left the previous HTML in place"
    assert "_build/html was removed" in text

    # A second build does not take the failed chapter as up to date.
    again = make("book", tiny_book)
    assert again.returncode != 0 and "injected fault" in output(again)

    # The same cell, declared as an expected failure: `make book` and `make test-notebooks`
    # reach green by themselves, with no clean step.
    append_to_chapter(tiny_book, "")  # (unchanged)
    chapter = tiny_book / TINY_CHAPTER
    chapter.write_text(chapter.read_text().replace(
        "```{code-cell} ipython3\nx = 1\n", "```{code-cell} ipython3\n:tags: [raises-exception]\n\nx = 1\n"))
    tagged = make("book", tiny_book)
    assert tagged.returncode == 0, output(tagged)[-3000:]
    assert (tiny_book / PAGE).is_file()
    verified = make("test-notebooks", tiny_book)
    assert verified.returncode == 0, verified.stdout[-3000:]


def test_image_outside_a_figure_fails_naming_the_metadata_keys(tiny_book: Path) -> None:
    _, broken = append_to_chapter(tiny_book, BARE_PLOT)
    failed = make("book", tiny_book)
    text = output(failed)
    assert failed.returncode != 0, "a plot with no figure metadata passed the build"
    line = line_of(broken, "ax.plot([1, 2, 3])")
    match = re.search(rf"{re.escape(str(TINY_CHAPTER))}:{line}: (WARNING|ERROR): (.*)", text)
    assert match, text[-3000:]
    for key in ("mystnb.figure.name", "mystnb.figure.caption", "mystnb.image.alt"):
        assert key in match.group(2), match.group(2)


def test_missing_caption_names_the_key_without_follow_on_noise(tiny_book: Path) -> None:
    _, broken = append_to_chapter(tiny_book, NO_CAPTION)
    failed = make("book", tiny_book)
    text = output(failed)
    assert failed.returncode != 0, "a figure with no caption passed the build"
    warnings = [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]
    assert len(warnings) == 1, "\n".join(warnings)
    assert f"{TINY_CHAPTER}:" in warnings[0] and "mystnb.figure.caption" in warnings[0], warnings[0]
    assert "not assigned" not in text


def test_prose_edit_keeps_the_executed_copy_complete(tiny_book: Path) -> None:
    """An incremental build that serves the chapter from the cache still leaves nbval a full copy."""
    assert make("book", tiny_book).returncode == 0
    append_to_chapter(tiny_book, "\nA new paragraph of prose.\n")
    rebuilt = make("book", tiny_book)
    assert rebuilt.returncode == 0, output(rebuilt)[-3000:]
    assert "Using cached notebook" in rebuilt.stdout, "the prose edit re-executed the chapter"
    cells = json.loads((tiny_book / EXECUTED).read_text())["cells"]
    assert all(c["execution_count"] is not None for c in cells if c["cell_type"] == "code")
    verified = make("test-notebooks", tiny_book)
    assert verified.returncode == 0, verified.stdout[-3000:]


def test_notebook_without_outputs_is_refused(tmp_path: Path) -> None:
    """A copy with no outputs (from a failed build) must not pass nbval vacuously."""
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {},
                           "outputs": [], "source": "print(1)"}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                            "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    empty = tmp_path / "from-a-failed-build.ipynb"
    empty.write_text(json.dumps(notebook))
    checked = run(
        [str(VENV / "bin" / "python"), "-m", "pytest", "-p", "tests.nbval_build", "--nbval",
         "--nbval-current-env", "-p", "no:cacheprovider", str(empty)],
        ROOT, PYTHONPATH=str(ROOT / "src"), JAX_PLATFORMS="cpu",
    )
    assert checked.returncode != 0
    assert "were not executed" in checked.stdout + checked.stderr
