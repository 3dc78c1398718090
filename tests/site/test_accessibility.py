"""Axe-core on every page: no critical or serious accessibility violation.

The run happens in the page's single visit (inspect_page.py), after any hands-on activity
has drawn itself, so the activities are checked too; dark mode's colour contrast is
checked in test_dark_mode.py.
"""

from __future__ import annotations

import json

import pytest

from .conftest import all_pages


@pytest.mark.parametrize("page", all_pages())
def test_no_serious_accessibility_violations(reports, page: str) -> None:
    violations = reports[page].axe_violations
    assert not violations, f"{page}:\n" + json.dumps(violations, indent=2)
