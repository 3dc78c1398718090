"""The book's figure style and small plotting helpers.

Every helper draws on an ``ax`` you pass in and returns it (no ``plt.show()``).
Colours are the Okabe-Ito palette (colour-blind safe); figures have an opaque
white background so they read as a light card on a dark page; ``savefig``
writes byte-identical SVG and PNG files for identical inputs.

Example:
  >>> import matplotlib.pyplot as plt
  >>> use_house_style()
  >>> fig, ax = plt.subplots()
  >>> ax = plot_data(ax, [0.0, 1.0, 2.0], [1.0, 2.9, 5.2])  # x (n,), y (n,)
  >>> ax = plot_line(ax, w=2.0, b=1.0, x_range=(0.0, 2.0),
  ...               label="y = 2x + 1")
  >>> savefig(fig, "figures/example")  # doctest: +SKIP
  ('figures/example.svg', 'figures/example.png')
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

__all__ = [
    "COLORS", "use_house_style", "savefig", "show_on_screen", "plot_data", "plot_line",
    "plot_loss_curves", "plot_decision_boundary", "plot_confusion_matrix", "draw_network",
    "plot_images",
]

#: Okabe & Ito (2008) colour-blind-safe palette.
COLORS = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
          "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000"}

HOUSE_STYLE: dict[str, Any] = {
    "axes.prop_cycle": mpl.cycler(color=[COLORS[c] for c in (
        "blue", "orange", "green", "vermillion", "purple", "sky", "black")]),
    "figure.figsize": (5.6, 3.8), "figure.dpi": 100, "savefig.dpi": 300,
    "figure.facecolor": "white", "axes.facecolor": "white", "savefig.facecolor": "white",
    "savefig.transparent": False, "savefig.bbox": "tight",
    "font.family": "DejaVu Sans", "font.size": 11, "axes.titlesize": 12,
    "axes.labelsize": 11, "legend.fontsize": 11, "legend.frameon": False,
    "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.8,
    "lines.linewidth": 2.0, "image.cmap": "viridis",
    "svg.hashsalt": "dl-workshop", "svg.fonttype": "path",
}
_NO_METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}


def use_house_style() -> None:
    """Apply the book's matplotlib style (fonts, palette, white card, determinism)."""
    mpl.rcParams.update(HOUSE_STYLE)


def savefig(fig: Figure, path_without_ext: str | os.PathLike) -> tuple[str, str]:
    """Write ``<path>.svg`` and ``<path>.png`` (300 dpi) without dates or versions.

    The same figure always produces the same bytes. Returns both paths.
    """
    base = os.fspath(path_without_ext)
    os.makedirs(os.path.dirname(base) or ".", exist_ok=True)
    paths = []
    with mpl.rc_context({"svg.hashsalt": HOUSE_STYLE["svg.hashsalt"]}):
        for ext in ("svg", "png"):
            paths.append(f"{base}.{ext}")
            fig.savefig(paths[-1], format=ext, dpi=300, metadata=_NO_METADATA[ext],
                        facecolor="white")
    return paths[0], paths[1]


def show_on_screen(fig: Figure, dpi: int = 100) -> None:
    """Display ``fig`` once as a screen-resolution PNG, then close it.

    For figures redrawn many times, such as inside an ipywidgets ``interact``
    callback: the notebook's own figure display may be configured for print
    (e.g. 300 dpi), which makes every redraw large and slow.
    """
    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata=_NO_METADATA["png"])
    plt.close(fig)
    display(Image(buffer.getvalue()))


def plot_data(ax: Axes, x: Any, y: Any, **kw: Any) -> Axes:
    """Scatter plot of samples ``x`` (shape (n,) or (n, 1)) against ``y`` (n,).

    Points are dark grey by default so that model lines (in the palette
    colours) stand out; pass ``color=...`` to change it.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x must have shape (n,) or (n, 1) and y shape (n,), "
                         f"got x {x.shape} and y {y.shape}")
    kw = {"s": 18, "alpha": 0.7, "color": "#444444", "label": "data", **kw}
    ax.scatter(x, y, **kw)
    ax.set_xlabel(ax.get_xlabel() or "x")
    ax.set_ylabel(ax.get_ylabel() or "y")
    return ax


def plot_line(ax: Axes, w: float, b: float, x_range: Sequence[float],
              label: str | None = None, **kw: Any) -> Axes:
    """Draw the line ``y = w * x + b`` for x in ``x_range = (low, high)``."""
    w, b = float(np.asarray(w).reshape(())), float(np.asarray(b).reshape(()))
    low, high = (float(t) for t in x_range)
    xs = np.array([low, high])
    ax.plot(xs, w * xs + b, label=label, **kw)
    return ax


def plot_loss_curves(ax: Axes, train_losses: Any, val_losses: Any = None,
                     log_scale: bool = False) -> Axes:
    """Loss against step for training (and, optionally, held-out) losses (steps,)."""
    train = np.asarray(train_losses, dtype=float)
    ax.plot(np.arange(train.size), train, label="training")
    if val_losses is not None:
        val = np.asarray(val_losses, dtype=float)
        if val.shape != train.shape:
            raise ValueError(f"val_losses has shape {val.shape} but train_losses has "
                             f"shape {train.shape}; they must match")
        ax.plot(np.arange(val.size), val, label="held-out", linestyle="--")
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.legend()
    return ax


_PROBA_CMAP = LinearSegmentedColormap.from_list(
    "okabe_ito_diverging", [COLORS["vermillion"], "#ffffff", COLORS["blue"]])


def plot_decision_boundary(ax: Axes, predict_proba_fn: Callable[[Any], Any], x: Any,
                           y: Any, grid: int = 200) -> Axes:
    """Shade P(class 1) over the plane, draw the 0.5 contour and the points.

    ``predict_proba_fn`` maps an array of shape (m, 2) to probabilities (m,);
    ``x`` has shape (n, 2) and ``y`` (n,) holds 0/1 labels.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2 or y.shape != (x.shape[0],):
        raise ValueError(f"x must have shape (n, 2) and y shape (n,), got x {x.shape} "
                         f"and y {y.shape}")
    pad = 0.1 * (x.max(axis=0) - x.min(axis=0)) + 1e-6
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid))
    points = np.stack([g0.ravel(), g1.ravel()], axis=1).astype(np.float32)
    proba = np.asarray(predict_proba_fn(points), dtype=float)
    if proba.shape != (grid * grid,):
        raise ValueError(f"predict_proba_fn must map shape {points.shape} to "
                         f"({grid * grid},), got shape {proba.shape}")
    proba = proba.reshape(grid, grid)
    ax.contourf(g0, g1, proba, levels=np.linspace(0, 1, 11), cmap=_PROBA_CMAP, alpha=0.6)
    ax.contour(g0, g1, proba, levels=[0.5], colors="black", linewidths=1.5)
    for label, color, marker in ((0, "vermillion", "s"), (1, "blue", "o")):
        mask = y == label
        ax.scatter(x[mask, 0], x[mask, 1], c=COLORS[color], marker=marker, s=18,
                   edgecolors="white", linewidths=0.5, label=f"class {label}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    ax.legend()
    return ax


def plot_confusion_matrix(ax: Axes, y_true: Any, y_pred: Any,
                          labels: Sequence[str] = ("0", "1")) -> Axes:
    """Counts of (true class, predicted class) pairs as an annotated grid.

    ``y_true`` and ``y_pred`` have shape (n,) and hold class indices 0..k-1,
    with ``k = len(labels)``. Rows are true classes, columns predictions.
    Drawn by scikit-learn's ``ConfusionMatrixDisplay``.
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    k = len(labels)
    if t.shape != p.shape or t.ndim != 1:
        raise ValueError(f"y_true and y_pred must both have shape (n,), got y_true "
                         f"{t.shape} and y_pred {p.shape}")
    for name, arr in (("y_true", t), ("y_pred", p)):
        if not np.all((arr == np.round(arr)) & (arr >= 0) & (arr < k)):
            raise ValueError(f"{name} must hold class indices 0..{k - 1} (one per "
                             f"label in labels={tuple(labels)}), got values {np.unique(arr)}")
    from sklearn.metrics import ConfusionMatrixDisplay  # on first use (see data.py)

    display = ConfusionMatrixDisplay.from_predictions(
        t.astype(int), p.astype(int), labels=list(range(k)), display_labels=list(labels), ax=ax, cmap="Blues",
        colorbar=False)
    display.im_.set_clim(vmin=0)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.grid(False)
    return ax


def plot_images(axes: Any, images: Any, titles: Sequence[str] | None = None,
                cmap: str = "gray_r", symmetric: bool = False) -> Any:
    """Draw small greyscale images, one per axes, without ticks.

    ``images`` has shape (m, h, w), for instance digits reshaped to (m, 8, 8);
    ``axes`` is an array of at least m axes (from ``plt.subplots``), and axes
    beyond the m-th are hidden. ``titles`` gives one title per image. With
    ``symmetric=True`` every image shares a colour scale centred on 0, from
    ``-a`` to ``a`` with ``a`` the largest absolute value (for weights, whose
    sign matters; use a diverging ``cmap`` such as ``"RdBu"``). Returns ``axes``.

    Example:
      >>> fig, axes = plt.subplots(1, 3)
      >>> images = np.eye(4)[None].repeat(2, axis=0)  # two 4x4 images
      >>> axes = plot_images(axes, images, titles=["a", "b"])
      >>> [ax.get_title() for ax in axes], axes[2].get_visible()
      (['a', 'b', ''], False)
    """
    images = np.asarray(images, dtype=float)
    flat = np.ravel(axes)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (m, h, w), got shape {images.shape}; "
                         f"reshape flattened images, e.g. x.reshape(-1, 8, 8)")
    if len(flat) < len(images):
        raise ValueError(f"axes has {len(flat)} axes for {len(images)} images; "
                         f"make at least one axes per image")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles must have one entry per image ({len(images)}), "
                         f"got {len(titles)}")
    scale = {}
    if symmetric:
        limit = float(np.abs(images).max()) or 1.0
        scale = {"vmin": -limit, "vmax": limit}
    for i, ax in enumerate(flat):
        if i >= len(images):
            ax.set_visible(False)
            continue
        ax.imshow(images[i], cmap=cmap, interpolation="nearest", **scale)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        if titles is not None:
            ax.set_title(titles[i])
    return axes


def draw_network(ax: Axes, layer_sizes: Sequence[int],
                 layer_labels: Sequence[str] | None = None, max_nodes: int = 8,
                 arrows: bool = False) -> Axes:
    """Draw a fully connected network: one column of circles per layer.

    Layers wider than ``max_nodes`` show ``max_nodes`` circles and a "⋮".
    ``layer_labels`` (one per layer) default to "input (d)", "hidden (h)", ...
    With ``arrows=True`` each connection is an arrow pointing to the next layer.
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes must list at least two positive sizes, "
                         f"got {list(layer_sizes)}")
    if layer_labels is None:
        layer_labels = ([f"input ({sizes[0]})"] + [f"hidden ({s})" for s in sizes[1:-1]]
                        + [f"output ({sizes[-1]})"])
    if len(layer_labels) != len(sizes):
        raise ValueError(f"layer_labels must have one entry per layer ({len(sizes)}), "
                         f"got {len(layer_labels)}")
    shown = [min(s, max_nodes) for s in sizes]
    ys = [np.arange(m) - (m - 1) / 2 for m in shown]
    gaps = [s > max_nodes for s in sizes]  # a truncated layer: "⋮" replaces the middle circle
    nodes = [np.delete(y, len(y) // 2) if gap else y for y, gap in zip(ys, gaps)]
    for i in range(len(sizes) - 1):
        for y0 in nodes[i]:
            for y1 in nodes[i + 1]:
                if arrows:  # shrink by the circle's radius (points) so the head shows
                    ax.annotate("", xy=(i + 1, y1), xytext=(i, y0), zorder=1,
                                arrowprops=dict(arrowstyle="-|>", color="#666666", lw=1.0,
                                                shrinkA=10, shrinkB=11, mutation_scale=12))
                else:
                    ax.plot([i, i + 1], [y0, y1], color="#999999", lw=0.6, zorder=1)
    for i, column in enumerate(nodes):
        ax.scatter(np.full(column.size, i), column, s=300, zorder=2, color="white",
                   edgecolors=COLORS["blue"], linewidths=2)
        if gaps[i]:
            ax.text(i, ys[i][len(ys[i]) // 2], "⋮", ha="center", va="center", fontsize=14)
        ax.text(i, -max(shown) / 2 - 0.6, layer_labels[i], ha="center", va="top")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-max(shown) / 2 - 1.4, max(shown) / 2 + 0.5)
    ax.set_axis_off()
    return ax
