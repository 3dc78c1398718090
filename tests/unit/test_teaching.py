"""The pure parts of the teaching page and of the JupyterHub button (book/_ext)."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))
import colab_links  # noqa: E402
import teaching  # noqa: E402


@pytest.mark.parametrize("items", [1, 2, 5, 10, 15])
@pytest.mark.parametrize("weeks", [1, 4, 8, 12])
def test_weekly_plan_keeps_order_and_fills_every_week(items: int, weeks: int) -> None:
    plan = teaching.weekly_plan(list(range(items)), weeks)
    assert len(plan) == weeks and all(plan)
    firsts = [item for week in plan for item, continued in week if not continued]
    assert firsts == list(range(items)), "each chapter starts exactly once, in reading order"
    for previous, week in zip(plan, plan[1:]):
        for item, continued in week:
            if continued:  # a chapter continues only from the week before
                assert item in [earlier for earlier, _ in previous]


def test_weekly_plan_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="weeks >= 1"):
        teaching.weekly_plan([1], 0)


def test_exercises_found_with_checkers_in_any_fence() -> None:
    source = (
        "```{exercise} First\n:label: ex-a\n\nUse `exercises.check_a(f)`.\n```\n\n"
        "````{exercise} Second\n:label: ex-b\n\n```python\nx = 1\n```\nNo checker.\n````\n\n"
        ":::{exercise} Third\nCall check_c and check_c again, then check_d.\n:::\n"
        "```{solution} ex-a\ncheck_z is not an exercise's\n```\n"
    )
    assert teaching.exercises(source) == [
        teaching.Exercise("First", ("check_a",)),
        teaching.Exercise("Second", ()),
        teaching.Exercise("Third", ("check_c", "check_d")),
    ]


def test_jupyterhub_rewrite_matches_the_teaching_link() -> None:
    theme = ("https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A//github.com/o/book"
             "&urlpath=lab/tree/book/book/part1/01-x.md&branch=main")
    rewritten = colab_links.rewrite_jupyterhub_url(theme, "main", "colab-notebooks")
    assert rewritten == teaching.nbgitpuller_url("https://hub.example.org", "https://github.com/o/book",
                                                 "colab-notebooks", "book/part1/01-x.ipynb")
    assert parse_qs(urlsplit(rewritten).query) == {
        "repo": ["https://github.com/o/book"], "branch": ["colab-notebooks"],
        "urlpath": ["lab/tree/book/book/part1/01-x.ipynb"],
    }


@pytest.mark.parametrize("url", [
    "https://h/hub/user-redirect/git-pull?repo=r&urlpath=lab/tree/r/a.md&branch=other",
    "https://h/hub/user-redirect/git-pull?repo=r&urlpath=tree/r/a.md&branch=main",
    "https://h/hub/other?repo=r&urlpath=lab/tree/r/a.md&branch=main",
])
def test_jupyterhub_rewrite_refuses_an_unexpected_link(url: str) -> None:
    with pytest.raises(ValueError, match="has sphinx-book-theme changed"):
        colab_links.rewrite_jupyterhub_url(url, "main", "nb")
