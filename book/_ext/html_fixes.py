"""Small fixes to the HTML that Jupyter Book's stack writes.

The first two otherwise put an error in the browser console of every page:

* **Inline scripts written twice.** Sphinx 7.4 registers a script body added by an
  extension after the builder started (sphinx-thebe, which Jupyter Book always loads,
  does so) under the file name ``None``, then adds it again before writing under
  ``''``; the two do not compare equal, so each page declares ``const THEBE_JS_URL``
  twice and the second throws. In the page's template context (the public
  ``html-page-context`` event) we keep only the first of scripts with the same file
  and attributes: no private Sphinx class or builder attribute is touched.
* **No default colour mode.** With no ``default_mode`` in ``html_context``,
  pydata-sphinx-theme starts from an empty mode and logs "Got invalid theme mode".
  We default to ``auto``: the reader's system preference, which the theme button
  can still change.

The third is for screen readers, on pages with a bibliography:

* **Bibliography entries as list items.** docutils writes citations as a
  ``role="list"`` container of ``role="doc-biblioentry"`` entries. DPUB-ARIA 1.1
  deprecated that role in favour of ``listitem``, and axe-core now reports such a
  list as having no items (a critical violation). We write ``role="listitem"``.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config


def _default_colour_mode(app: Sphinx, config: Config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _script_key(script: object) -> tuple:
    """A script as the page would write it: its file (None and '' alike) and attributes."""
    attributes = getattr(script, "attributes", {}) or {}
    return (str(getattr(script, "filename", script) or ""), tuple(sorted(attributes.items())))


def _drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple] = set()
    kept = []
    for script in scripts:
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def _bibliography_entries_as_list_items(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _default_colour_mode)
    app.connect("html-page-context", _bibliography_entries_as_list_items)
    # After every extension has added its scripts to the page (myst-nb does so at 500).
    app.connect("html-page-context", _drop_duplicate_scripts, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
