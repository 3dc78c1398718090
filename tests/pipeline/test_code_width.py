"""Every line of code in the book fits its column on a desktop.

At 1280 px a code block holds 79 characters (book/_ext/readable/static/readable.css), and
76 inside an exercise's solution, whose box is indented. A longer line makes the block
scroll sideways, and a reader loses the end of the line. This test names the file and line
of each one, so a maintainer sees it before any build; the site suite checks the built
pages themselves in Chromium (tests/site/test_readable.py), code in an exercise's own text
included.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import pytest

from _scratch import ROOT

LIMIT = 79
SOLUTION_LIMIT = 76
FENCE = re.compile(r"^(`{3,})(.*)$")
#: What follows a fence's backticks when it holds code: a code cell, a code directive, a
#: language name or nothing. Other directives (a figure, an exercise) hold no code.
CODE_INFO = re.compile(r"^\s*(\{code-cell\}.*|(\{code-block\}|\{code\})?\s*[\w+-]*)\s*$")
SOURCES = sorted(p for p in (ROOT / "book").rglob("*.md") if "_ext" not in p.parts)


def code_lines(path: Path) -> list[tuple[int, str, int]]:
    """(line number in the file, text, width limit) of every line of code in a MyST page."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found, fence, is_code, in_solution = [], None, False, False
    for number, line in enumerate(lines, start=1):
        if fence is None:
            opened = FENCE.match(line)
            if opened:
                fence, is_code = opened.group(1), bool(CODE_INFO.match(opened.group(2)))
                in_options = True
                # sphinx-exercise's solution-start and solution-end enclose a solution.
                if opened.group(2).startswith(("{solution-start}", "{solution-end}")):
                    in_solution = opened.group(2).startswith("{solution-start}")
            continue
        if line.rstrip() == fence:
            fence = None
            continue
        if not is_code:
            continue
        # A code cell's options come first: a `---` YAML block or `:key: value` lines.
        if in_options and (line.startswith(":") or line == "---"):
            if line == "---":
                in_options = "yaml" if in_options is True else False
            continue
        if in_options == "yaml":
            continue
        in_options = False
        found.append((number, line, SOLUTION_LIMIT if in_solution else LIMIT))
    return found


def test_the_reader_finds_the_code_of_a_cell_and_of_a_fence(tmp_path: Path) -> None:
    text = ("```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: " + "c" * 90 + "\n---\n"
            "x = 1\n```\n\nprose " + "p" * 90 + "\n\n```bash\nmake book\n```\n"
            "```{code-cell} ipython3\n:tags: [raises-exception]\n\ny = 2\n```\n"
            "```{figure} " + "f" * 90 + "\n:name: fig-x\n```\n\n```python\nz = 3\n```\n"
            "```{solution-start} ex-a\n:class: dropdown\n```\n\n```{code-cell} ipython3\ns = 4\n```\n"
            "```{solution-end}\n```\n")
    path = tmp_path / "example.md"
    path.write_text(text)
    assert [line for _, line, _ in code_lines(path)] == ["x = 1", "make book", "", "y = 2",
                                                     "z = 3", "s = 4"]
    assert [limit for *_, limit in code_lines(path)] == [LIMIT] * 5 + [SOLUTION_LIMIT]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_line_of_code_is_wider_than_the_column(path: Path) -> None:
    wide = [f"{path.relative_to(ROOT)}:{number}: {len(line)} characters (at most {limit}"
            f"{' in a solution' if limit == SOLUTION_LIMIT else ''}): {line.strip()[:60]}…"
            for number, line, limit in code_lines(path) if len(line) > limit]
    assert not wide, (f"{len(wide)} lines of code are too long for their column (they scroll "
                      "sideways on a desktop); wrap them inside brackets:\n" + "\n".join(wide))


def test_the_chapters_have_code_to_check() -> None:
    chapters = [p for p in SOURCES if "kernelspec" in jupytext.read(p).metadata]
    assert len(chapters) >= 14
    assert all(code_lines(p) for p in chapters)
