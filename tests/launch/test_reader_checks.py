"""The reader-notebook verdicts themselves: each way a notebook can fall short is reported.

These feed the checks of reader_checks.py cells as JupyterLab would report
them, so that a check that silently passed everything would fail here.
"""

from __future__ import annotations

from typing import Any

from .reader_checks import (
    SitePage, check_exercise_layout, check_glued_values, check_no_myst, check_numbers,
)


def md(text: str | None, *, source: str = "", tags: tuple[str, ...] = (), hidden: bool = False) -> dict[str, Any]:
    return {"type": "markdown", "text": text, "source": source or (text or ""), "tags": list(tags),
            "inputHidden": hidden, "outputHidden": None}


def code(source: str, *, tags: tuple[str, ...] = (), hidden: bool = False) -> dict[str, Any]:
    return {"type": "code", "text": None, "source": source, "tags": list(tags),
            "inputHidden": hidden, "outputHidden": hidden}


SITE = SitePage(glued=["97.2%", "569"], exercises=["Exercise 4.1"], figures=["Fig. 4.1"])
GOOD = [
    md("Accuracy 97.2% on 569 tumours."),
    code("plot()"),
    md("Fig. 4.1. A curve."),
    md("Exercise 4.1: Write it\n\nWrite f."),
    code("# Your turn\n# exercises.check_f(f)", tags=("answer",)),
    md("Solution to Exercise 4.1", source="**Solution to Exercise 4.1**", tags=("solution",)),
    code("def f(x):\n    return x", tags=("solution",), hidden=True),
]


def test_a_good_notebook_passes() -> None:
    assert check_no_myst(GOOD) + check_glued_values(GOOD, SITE) + check_numbers(GOOD, SITE) \
        + check_exercise_layout(GOOD) == []


def test_raw_myst_and_unrendered_cells_are_reported() -> None:
    cells = [md("The {glue:text}`acc` value"), md("(ch-x)=\nTitle"), md("```{note}"), md(None, source="x")]
    problems = check_no_myst(cells)
    assert len(problems) == 4 and "did not render" in problems[3]


def test_a_missing_glued_value_is_reported() -> None:
    assert check_glued_values([md("Accuracy 97.2%.")], SITE) == ["glued value '569' of the site is missing"]


def test_numbers_that_differ_from_the_site_are_reported() -> None:
    cells = [md("Fig. 4.2. A curve."), md("Exercise 4.3: Write it")]
    assert len(check_numbers(cells, SITE)) == 2


def test_missing_answer_cell_and_open_solution_are_reported() -> None:
    cells = [md("Exercise 4.1: Write it"), code("f = 1"), code("def f(x): ...", tags=("solution",))]
    problems = check_exercise_layout(cells)
    assert problems == ["exercise in cell 0 is not followed by an empty answer cell", "solution cell 2 is not collapsed"]
