"""The reader-notebook generator (book/_ext/reader) on small chapters, without a build.

A fake site stands in for the Sphinx environment, so each rule of the
conversion is checked on its own: what the generator refuses (with file and
line), and how it lays out roles, admonitions, figures and exercises.
"""

from __future__ import annotations

import sys

import jupytext
import nbformat
import pytest

from ._project import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from reader.editions import ANSWER, SOLUTION, editions  # noqa: E402
from reader.myst import MystError  # noqa: E402

BASE = "https://example.org/book/"


class FakeSite:
    """Numbers and titles of an imaginary site; glued values of one chapter."""

    glued = {"acc": "0.9723", "n": "569"}

    def glue(self, docname, key, fmt, *, plain):
        from myst_nb.core.variables import format_plain_text

        if key not in self.glued:
            raise LookupError(f"no glued value {key!r}")
        return self.glued[key] if plain else format_plain_text(self.glued[key], fmt or "s")

    def glue_markdown(self, docname, key):
        return {"phrase": "1 benign tumour"}[key]

    def numref(self, docname, label, title):
        return (title or "Fig. %s").replace("%s", "2.1"), f"{BASE}ch2.html#{label}"

    def ref(self, docname, label, title):
        return title or "A section", f"{BASE}ch2.html#{label}"

    def doc(self, docname, target, title):
        return title or "Chapter two", f"{BASE}{target}.html"

    def term(self, docname, term, title):
        return title or term, f"{BASE}glossary.html#term-{term}"

    def cite(self, docname, kind, keys):
        return "Rumelhart et al. (1986)", f"{BASE}references.html#{keys}"

    def py(self, docname, kind, target):
        return target, f"{BASE}api.html#dl_workshop.{target}"

    def substitution(self, name):
        return {"repository_branch": "main"}[name]

    def page_url(self, docname):
        return f"{BASE}{docname}.html"


class FakeNumbers:
    def exercise(self, label, index):
        return f"Exercise 2.{index + 1}"

    def figure(self, label):
        return "Fig. 2.1"


HEADER = """---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def chapter(body: str) -> nbformat.NotebookNode:
    """A chapter as myst-nb reads it (jupytext), with the line of each cell recorded."""
    text = HEADER + body
    nb = jupytext.reads(text, fmt="myst")
    lines, search_from = [], 0
    source_lines = text.split("\n")
    for cell in nb.cells:
        first = cell.source.split("\n")[0]
        index = next(i for i in range(search_from, len(source_lines)) if first in source_lines[i])
        lines.append(index)
        search_from = index + 1
    nb.metadata["source_map"] = lines
    return nb


def make(body: str) -> dict[str, nbformat.NotebookNode]:
    return editions(chapter(body), "book/ch2", "book/ch2.md", FakeSite(), FakeNumbers())


def markdown_of(nb: nbformat.NotebookNode) -> str:
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def test_an_unknown_directive_is_refused_with_file_and_line() -> None:
    body = "# Title\n\nSome text.\n\n```{sidebar} A new idea\nText.\n```\n"
    with pytest.raises(MystError, match=r"book/ch2\.md:11: .*directive \{sidebar\}"):
        make(body)


def test_an_unknown_role_is_refused_with_file_and_line() -> None:
    body = "# Title\n\nOne line.\nA {kbd}`Ctrl` key.\n"
    with pytest.raises(MystError, match=r"book/ch2\.md:10: .*role \{kbd\}"):
        make(body)


def test_a_missing_glued_value_is_refused() -> None:
    with pytest.raises(MystError, match=r"book/ch2\.md:8: .*no glued value 'lost'"):
        make("# Title\n{glue:text}`lost:.2f`\n")


def test_glued_markdown_is_pasted_as_the_site_shows_it() -> None:
    text = markdown_of(make("# Title\n\nThe network misses {glue:md}`phrase`.\n")["reader"])
    assert "The network misses 1 benign tumour." in text and "{glue" not in text


def test_roles_become_text_and_links() -> None:
    body = (
        "(ch-two)=\n# Title\n\n"
        "Accuracy {glue:text}`acc:.1%` on {glue:text}`n` tumours ({numref}`fig-x`), see "
        "{doc}`../ch1`, the {term}`loss`, {cite:t}`rumelhart1986`, {py:func}`training.fit`, "
        "`{term}` in code stays, and the {{ repository_branch }} branch.\n\n% a comment\n"
    )
    text = markdown_of(make(body)["reader"])
    assert "97.2%" in text and "569" in text
    assert f"[Fig. 2.1]({BASE}ch2.html#fig-x)" in text
    assert f"[Chapter two]({BASE}../ch1.html)" in text
    assert f"[loss]({BASE}glossary.html#term-loss)" in text
    assert "[Rumelhart et al. (1986)]" in text
    assert f"[`training.fit()`]({BASE}api.html#dl_workshop.training.fit)" in text
    assert "`{term}` in code stays" in text and "the main branch" in text
    assert "(ch-two)=" not in text and "a comment" not in text


def test_admonition_becomes_a_block_quote_and_math_stays() -> None:
    body = "# T\n\n```{admonition} Live only\n:class: tip\n\nRun it, $x^2$.\n```\n\n$$\ny = wx\n$$\n"
    text = markdown_of(make(body)["reader"])
    assert "> **Live only**\n>\n> Run it, $x^2$." in text
    assert "$$\ny = wx\n$$" in text and "```" not in text


def test_figure_gets_its_numbered_caption_and_site_only_cells_go() -> None:
    body = (
        "# T\n\n```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    name: fig-x\n"
        "    caption: A {term}`loss` curve.\n---\nplot()\n```\n\n"
        "```{code-cell} ipython3\n:tags: [site-only]\n\nonly_on_the_site()\n```\n"
    )
    cells = make(body)["reader"].cells
    (index,) = [i for i, cell in enumerate(cells) if cell.source == "plot()"]
    assert cells[index + 1].source == f"**Fig. 2.1.** A [loss]({BASE}glossary.html#term-loss) curve."
    assert not [cell for cell in cells if "only_on_the_site" in cell.source]


EXERCISE = """# T

```{exercise} Write it
:label: ex-a

Write `f`. Check it with `exercises.check_f(f)`.
```

```{solution-start} ex-a
:class: dropdown
```

Like this:

```{code-cell} ipython3
def f(x):
    return x

exercises.check_f(f);
```

```{solution-end}
```

After the exercise.
"""


def test_exercise_answer_cell_and_collapsed_solution() -> None:
    made = make(EXERCISE)
    cells = made["reader"].cells
    (start,) = [i for i, cell in enumerate(cells) if cell.source.startswith("**Exercise 2.1: Write it**")]
    answer = cells[start + 1]
    assert answer.cell_type == "code" and ANSWER in answer.metadata["tags"]
    assert all(line.startswith("#") for line in answer.source.split("\n"))
    assert "# exercises.check_f(f)" in answer.source.split("\n")
    solution = [cell for cell in cells if SOLUTION in cell.metadata.get("tags", [])]
    assert [cell.cell_type for cell in solution] == ["markdown", "markdown", "code"]
    for cell in solution[1:]:
        assert cell.metadata["jupyter"]["source_hidden"] is True
    assert solution[2].metadata["jupyter"]["outputs_hidden"] is True
    assert cells[-1].source == "After the exercise."
    student = made["student"].cells
    assert not [cell for cell in student if "def f" in cell.source or SOLUTION in cell.metadata.get("tags", [])]
    assert [cell.source for cell in student if ANSWER in cell.metadata.get("tags", [])] == [answer.source]


def test_an_existing_your_turn_cell_is_the_answer_cell() -> None:
    body = EXERCISE.replace("```{solution-start}", "```{code-cell} ipython3\n# Your turn: write f.\n```\n\n"
                            "```{solution-start}", 1)
    cells = make(body)["reader"].cells
    answers = [cell for cell in cells if ANSWER in cell.metadata.get("tags", [])]
    assert len(answers) == 1 and answers[0].source.startswith("# Your turn: write f.")


def test_outputs_are_cleared() -> None:
    nb = chapter("# T\n\n```{code-cell} ipython3\n1 + 1\n```\n")
    nb.cells[1].outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"}, execution_count=1)]
    nb.cells[1].execution_count = 1
    made = editions(nb, "book/ch2", "book/ch2.md", FakeSite(), FakeNumbers())
    (code,) = [cell for cell in made["reader"].cells if cell.cell_type == "code"]
    assert code.outputs == [] and code.execution_count is None


def test_an_exercise_that_ends_the_chapter_still_gets_its_answer_cell() -> None:
    cells = make("# T\n\n```{exercise} Last one\nExplain.\n```\n")["reader"].cells
    assert cells[-1].cell_type == "code" and ANSWER in cells[-1].metadata["tags"]
    assert cells[-1].source.startswith("# Your turn")


def test_a_solution_to_an_unknown_exercise_is_refused() -> None:
    body = EXERCISE.replace("```{solution-start} ex-a", "```{solution-start} ex-typo")
    with pytest.raises(MystError, match=r"book/ch2\.md:\d+: .*'ex-typo'"):
        make(body)
