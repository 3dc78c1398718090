"""IPython kernel settings for building the book (installed by `make` into the venv).

`make` copies this file to ``$(VENV)/etc/ipython/ipython_kernel_config.py``, where
every kernel started from the project's environment reads it: the kernels that
execute the chapters during the build, the ones nbval starts in `make test`, and
a local JupyterLab. It makes each matplotlib figure a cell displays carry two
renditions, so the book can export every numbered figure without re-running it:

- ``image/svg+xml``: shown on the web page (vector, usually the lightest) and
  exported as ``figures/<name>.svg``;
- ``image/png`` at 300 dpi: exported as ``figures/<name>.png`` for print.

Errors are shown in IPython's "Minimal" mode: the exception's type and message. JAX's
warning about a half-written entry of the shared compilation cache is not shown (below).

Both renditions are byte-identical from run to run: no date in the SVG metadata and a fixed
salt for the SVG element ids (the house style sets one too; this one also covers
a figure drawn before it is applied). Readers in Binder or Colab do not need this
file: they get the default inline PNG.

With ``BOOK_KERNEL_SETTINGS=0`` in its environment a kernel ignores this file, as a
reader's kernel does on Binder or Colab, where it is not installed: `make lab` and the
launch tests' JupyterLab set it, so that they run the chapters as readers do.
"""

import os

c = get_config()  # noqa: F821 (provided by IPython when it loads this file)


def book_kernel_settings(c) -> None:
    # An expected error (a cell tagged raises-exception) shows its whole message and nothing
    # else: no frames, so no paths of the build machine and no JAX-internal code.
    c.InteractiveShell.xmode = "Minimal"

    c.InlineBackend.figure_formats = {"svg", "png"}
    c.InlineBackend.print_figure_kwargs = {
        "bbox_inches": "tight",
        "dpi": 300,
        # None drops the entry: no creation date, no tool version in the SVG.
        "metadata": {"Date": None, "Creator": None},
    }
    c.InlineBackend.rc = {"svg.hashsalt": "nn-from-scratch-jax"}
    # Each figure is drawn once per rendition, when the inline backend displays it at the
    # end of its cell. pyplot's own end-of-cell hook would first draw every open figure
    # once more, on screen, which nothing shows (about a fifth of a figure's time). The
    # backend is chosen now, so that the hook is installed now, and removed.
    c.InteractiveShellApp.exec_lines = [
        "import matplotlib.pyplot as _pyplot; "
        "_pyplot.switch_backend('module://matplotlib_inline.backend_inline'); "
        "_pyplot.uninstall_repl_displayhook(); del _pyplot",
        # The build's kernels (two at a time) and nbval's share JAX's compilation cache,
        # where JAX writes an entry in place: a kernel can read one that another is still
        # writing. JAX then warns and compiles the function itself, with the same result,
        # so the warning would only put noise into a chapter's output (and fail nbval).
        "import warnings as _warnings; "
        "_warnings.filterwarnings('ignore', 'Error reading persistent compilation cache entry', UserWarning); "
        "del _warnings",
    ]


if os.environ.get("BOOK_KERNEL_SETTINGS", "1") != "0":
    book_kernel_settings(c)
