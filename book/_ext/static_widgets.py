"""Show widget outputs on the static site as a pointer to the live notebook.

Chapter 1's sliders (ipywidgets) are live only where a kernel runs them: in
Binder, in Colab, or in Jupyter on the reader's machine. On the static site,
myst-nb would load RequireJS and the widgets' JavaScript from public CDNs (so a
reader offline gets an empty box) and draw sliders that move nothing, without
accessible names. Instead:

* no widget JavaScript is loaded (``nb_ipywidgets_js: {}`` in ``_config.yml``), and the
  widgets' saved state, which only that JavaScript reads, is left out of the page;
* each widget output becomes a short note saying where the controls come alive,
  in the HTML and in the PDF (where the widget's text form would show otherwise:
  ``nb_mime_priority_overrides`` in ``_config.yml`` lets the LaTeX builder pick the
  widget view, which this extension then replaces).

A chapter shows the static rendering itself: a figure made by the same code at
the sliders' starting values, with its own name, caption and alt text.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NOTE = (
    "Interactive controls appear here when you run this notebook live: "
    "in Binder, in Colab, or in Jupyter on your own machine."
)


class WidgetViewToNote(SphinxPostTransform):
    """Replace each rendered widget view with the note above."""

    default_priority = 200

    def run(self, **kwargs: object) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            if f'type="{WIDGET_VIEW}"' in raw.astext():
                note = nodes.paragraph("", "", nodes.emphasis(text=NOTE), classes=["widget-note"])
                raw.replace_self(note)


def _drop_widget_state(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object
) -> None:
    scripts = context.get("script_files")
    if scripts is not None:
        scripts[:] = [js for js in scripts if getattr(js, "attributes", {}).get("type") != WIDGET_STATE]


def setup(app: Sphinx) -> dict:
    # After myst-nb adds the state to the page (at the default priority, 500).
    app.connect("html-page-context", _drop_widget_state, priority=900)
    app.add_post_transform(WidgetViewToNote)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
