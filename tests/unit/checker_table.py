"""Helpers for the table-driven checker tests (one test file per chapter).

Each chapter's table lists, per exercise, realistic wrong answers with the hint
each must produce, and correct variants that must be accepted.
"""

import pytest


def verdict(check, fn, capsys):
    """Run a checker; return (returned bool, the single printed line)."""
    ok = check(fn)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Correct: " if ok else "Not yet: ")
    return ok, lines[0]


def assert_correct(check, fn, capsys):
    ok, line = verdict(check, fn, capsys)
    assert ok, line


def assert_hint(check, fn, hint, capsys):
    ok, line = verdict(check, fn, capsys)
    assert not ok, f"accepted a wrong answer: {line}"
    assert hint in line, line


def wrong_cases(table):
    """pytest params (check, fn, hint) from {check: [(fn, hint), ...]}."""
    return [pytest.param(check, fn, hint, id=f"{check.__name__}-{i}")
            for check, rows in table.items() for i, (fn, hint) in enumerate(rows)]


def correct_cases(table):
    """pytest params (check, fn) from {check: [fn, ...]}."""
    return [pytest.param(check, fn, id=f"{check.__name__}-{i}")
            for check, rows in table.items() for i, fn in enumerate(rows)]
