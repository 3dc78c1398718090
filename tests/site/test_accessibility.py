"""Axe-core on every page: no critical or serious accessibility violation."""

from __future__ import annotations

import json

import pytest

from .conftest import all_pages


@pytest.mark.parametrize("page", all_pages())
def test_no_serious_accessibility_violations(reports, page: str) -> None:
    violations = reports[page].axe_violations
    assert not violations, f"{page}:\n" + json.dumps(violations, indent=2)
