"""Results that Part I's prose relies on, read from the glued values of the build.

Run after ``make book``: myst-nb writes each chapter's glued values to
``_build/jupyter_execute/<chapter>.glue.json``.
"""

from __future__ import annotations

from _glued import glued


def test_the_hidden_layer_wins_on_the_curved_problem_by_20_points() -> None:
    values = glued("book/part1/05-neural-networks")
    logistic, mlp = float(values["rings_logistic_acc"]), float(values["rings_mlp_acc"])
    assert mlp - logistic >= 0.20, f"MLP {mlp:.1%} vs logistic regression {logistic:.1%}"


def test_the_width_sweep_improves_from_one_to_sixteen_units() -> None:
    values = glued("book/part1/05-neural-networks")
    one, sixteen = float(values["rings_width_1_acc"]), float(values["rings_width_16_acc"])
    assert sixteen - one >= 0.20, f"1 unit {one:.1%}, 16 units {sixteen:.1%}"
