"""Small fixes to the HTML that Jupyter Book's stack writes.

The first two otherwise put an error in the browser console of every page:

* **Inline scripts written twice.** Sphinx 7.4 registers a script body added by an
  extension after the builder started (sphinx-thebe does so) under the file name
  ``None``, then adds it again before writing under ``''``; the two do not compare
  equal, so each page declares ``const THEBE_JS_URL`` twice and the second throws.
  We store such scripts under ``''`` straight away, as Sphinx itself does for the
  scripts it knows at start-up, so the second addition is recognised as a duplicate.
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
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.builders.html._assets import _JavaScript
from sphinx.config import Config
from sphinx.environment import BuildEnvironment


def _default_colour_mode(app: Sphinx, config: Config) -> None:
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "auto")
    config.html_context = context


def _name_inline_scripts_as_sphinx_does(
    app: Sphinx, env: BuildEnvironment, docnames: list[str]
) -> None:
    builder = app.builder
    if not isinstance(builder, StandaloneHTMLBuilder):
        return
    builder._js_files[:] = [
        _JavaScript("", priority=js.priority, **js.attributes) if js.filename is None else js
        for js in builder._js_files
    ]


def _bibliography_entries_as_list_items(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    if "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _default_colour_mode)
    app.connect("html-page-context", _bibliography_entries_as_list_items)
    # After every extension's own handler (sphinx-thebe adds its script here, at 500).
    app.connect("env-before-read-docs", _name_inline_scripts_as_sphinx_does, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
