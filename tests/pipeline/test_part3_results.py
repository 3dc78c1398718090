"""Results that Part III's prose relies on, read from the glued values of the build.

Run after ``make book``: myst-nb writes each chapter's glued values to
``_build/jupyter_execute/<chapter>.glue.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "_build" / "jupyter_execute" / "book" / "part3"


def glued(chapter: str) -> dict[str, str]:
    """A chapter's glued values, as the text a reader sees, by name."""
    path = BUILT / f"{chapter}.glue.json"
    if not path.is_file():
        pytest.fail(f"No glued values in {path}: run 'make book' first.", pytrace=False)
    values = json.loads(path.read_text(encoding="utf-8"))
    return {name: output["data"].get("text/plain", output["data"].get("text/markdown", ""))
            for name, output in values.items()}


# ---- chapter 11: softmax regression ---------------------------------------------------------

def test_softmax_regression_is_within_3_points_of_scikit_learn() -> None:
    values = glued("11-softmax-regression")
    ours, sk = float(values["softmax_test_acc"]), float(values["softmax_sk_test_acc"])
    assert abs(ours - sk) <= 0.03, f"softmax regression {ours:.1%} vs scikit-learn {sk:.1%}"


def test_softmax_regression_reads_most_test_digits() -> None:
    values = glued("11-softmax-regression")
    assert float(values["softmax_test_acc"]) >= 0.90, values["softmax_test_acc"]
