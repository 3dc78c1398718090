"""The book's kernel (the venv's, with book/_ext/citable/ipython_kernel_config.py) draws
each figure for its two renditions only.

A figure left open at the end of a cell is displayed by the inline backend, which
renders it as SVG and as PNG, both with the figure set to the print resolution (300 dpi).
pyplot's own end-of-cell hook would first redraw it at the screen resolution (100 dpi),
for nothing; the kernel config removes that hook. This test runs a real kernel, as the
build does, and records the resolution of every draw (it sees 100 and 300 without the fix).
"""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

DRAWS = """\
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([0, 1], [1, 0])
dpis = []
fig.canvas.mpl_connect("draw_event", lambda event: dpis.append(round(event.renderer.dpi)))
"""


def test_a_figure_is_drawn_only_for_its_svg_and_png() -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(DRAWS), nbformat.v4.new_code_cell("print(sorted(set(dpis)))")])
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    shown = notebook.cells[0].outputs
    assert [sorted(o["data"]) for o in shown if o["output_type"] == "display_data"] == [
        ["image/png", "image/svg+xml", "text/plain"]], shown
    assert notebook.cells[1].outputs[0]["text"].strip() == "[300]"
