"""No broken internal link or anchor anywhere in the built site (LinkChecker).

(A test that fed LinkChecker a hand-made broken page was removed: it tested
LinkChecker itself, which its own test suite does, not the book.)
"""

from __future__ import annotations

from .conftest import all_pages
from .linkcheck import broken_links


def test_no_broken_internal_links_or_anchors(site_url: str) -> None:
    problems = broken_links([site_url, *(site_url + page for page in all_pages())])
    assert not problems, "\n".join(problems)
