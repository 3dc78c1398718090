"""House style, deterministic files, and what each helper draws."""

import io
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from PIL import Image
from sklearn.metrics import confusion_matrix

from dl_workshop import plotting


@pytest.fixture(autouse=True)
def house_style():
    with mpl.rc_context():
        plotting.use_house_style()
        yield
    plt.close("all")


@pytest.fixture
def ax():
    return plt.subplots(figsize=(3, 2))[1]


def test_house_style_draws_on_an_opaque_white_card_in_the_palette():
    """What a figure looks like when saved as the notebook's inline backend saves it (no
    explicit colours), not which rcParams were set: an opaque white card, legible in the
    site's dark mode, and plain ``ax.plot`` lines in the palette's order."""
    fig, ax = plt.subplots(figsize=(2, 1))
    lines = [ax.plot([0, 1], [i, i + 1])[0] for i in range(3)]
    assert [mpl.colors.to_hex(line.get_color()) for line in lines] == [
        mpl.colors.to_hex(plotting.COLORS[name]) for name in ("blue", "orange", "green")]
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    pixels = np.asarray(Image.open(buffer).convert("RGBA"))
    assert (pixels[0, 0] == [255, 255, 255, 255]).all(), "the corner is not opaque white"
    assert (pixels[..., 3] == 255).all(), "part of the figure is transparent"


def _figure():
    fig, axes = plt.subplots(1, 2, figsize=(4, 2))
    x = np.linspace(-1, 1, 5)
    plotting.plot_data(axes[0], x, 2 * x)
    plotting.plot_line(axes[0], 2.0, 0.0, (-1, 1), label="fit")
    plotting.draw_network(axes[1], [3, 4, 1])
    return fig


def test_savefig_is_byte_identical_and_has_no_metadata(tmp_path):
    paths_a = plotting.savefig(_figure(), tmp_path / "a" / "figure")
    paths_b = plotting.savefig(_figure(), tmp_path / "b" / "figure")
    assert [p.rsplit(".", 1)[1] for p in paths_a] == ["svg", "png"]
    for first, second in zip(paths_a, paths_b):
        assert Path(first).read_bytes() == Path(second).read_bytes(), first
    svg = Path(paths_a[0]).read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    png = Path(paths_a[1]).read_bytes()
    assert b"Software" not in png and b"matplotlib" not in png.lower()
    assert png.startswith(b"\x89PNG") and b"pHYs" in png  # the DPI is recorded


def test_plot_data_accepts_a_column_of_x(ax):
    x = np.arange(4.0)[:, None]
    assert plotting.plot_data(ax, x, x[:, 0] ** 2) is ax
    (points,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    np.testing.assert_array_equal(points.get_offsets(), np.c_[x, x**2])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")


def test_plot_line_draws_w_x_plus_b(ax):
    plotting.plot_line(ax, np.array([2.0]), np.float32(-1.0), (-3, 4), label="guess")
    (line,) = ax.lines
    np.testing.assert_allclose(line.get_xydata(), [[-3, -7], [4, 7]])
    assert line.get_label() == "guess"


def test_plot_loss_curves_with_held_out_and_log_scale(ax):
    plotting.plot_loss_curves(ax, np.array([3.0, 2.0, 1.0]), [3.5, 2.5, 2.0], log_scale=True)
    assert [line.get_label() for line in ax.lines] == ["training", "held-out"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [3.5, 2.5, 2.0])
    assert ax.get_yscale() == "log"


def test_plot_decision_boundary_evaluates_the_grid_once(ax):
    x = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 1, 1, 0])
    calls = []

    def proba(points):
        calls.append(points.shape)
        return 1 / (1 + np.exp(-10 * (points[:, 1] - 0.5)))  # boundary: x2 = 0.5

    plotting.plot_decision_boundary(ax, proba, x, y, grid=20)
    assert calls == [(400, 2)]
    scatter = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in scatter] == [2, 2]


def test_plot_confusion_matrix_counts_match_sklearn(ax):
    y_true = np.array([0, 0, 1, 1, 1, 1])
    y_pred = np.array([0, 1, 1, 1, 0, 1])
    plotting.plot_confusion_matrix(ax, y_true, y_pred, labels=("malignant", "benign"))
    counts = [int(t.get_text()) for t in ax.texts]
    assert counts == confusion_matrix(y_true, y_pred).ravel().tolist()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["malignant", "benign"]


def test_draw_network_draws_one_circle_per_unit_and_truncates_wide_layers(ax):
    plotting.draw_network(ax, [30, 4, 1], max_nodes=8)
    circles = sum(len(c.get_offsets()) for c in ax.collections)
    assert circles == 7 + 4 + 1  # 8 slots for the 30 inputs, one of them "⋮"
    assert "⋮" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.texts if "(" in t.get_text()] == [
        "input (30)", "hidden (4)", "output (1)"]
    assert len(ax.lines) == 7 * 4 + 4 * 1


def test_draw_network_with_arrows_draws_one_arrowhead_per_connection(ax):
    plotting.draw_network(ax, [3, 2, 1], arrows=True)
    heads = [t.arrow_patch for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(heads) == 3 * 2 + 2 * 1 and not ax.lines
    assert all(str(h.get_arrowstyle()).startswith("-|>") or "CurveFilledB" in
               type(h.get_arrowstyle()).__name__ for h in heads)


@pytest.mark.parametrize("call, message", [
    (lambda ax: plotting.plot_data(ax, np.zeros((3, 2)), np.zeros(3)),
     r"x must have shape \(n,\) or \(n, 1\) and y shape \(n,\), got x \(3, 2\) and y \(3,\)"),
    (lambda ax: plotting.plot_loss_curves(ax, [1.0, 2.0], [1.0]),
     r"val_losses has shape \(1,\) but train_losses has shape \(2,\); they must match"),
    (lambda ax: plotting.plot_decision_boundary(ax, np.sum, np.zeros((3, 3)), np.zeros(3)),
     r"x must have shape \(n, 2\) and y shape \(n,\), got x \(3, 3\) and y \(3,\)"),
    (lambda ax: plotting.plot_decision_boundary(ax, lambda p: p, np.eye(2), np.arange(2), 5),
     r"predict_proba_fn must map shape \(25, 2\) to \(25,\), got shape \(25, 2\)"),
    (lambda ax: plotting.plot_confusion_matrix(ax, [0, 1], [0, 1, 1]),
     r"y_true and y_pred must both have shape \(n,\), got y_true \(2,\) and y_pred \(3,\)"),
    (lambda ax: plotting.plot_confusion_matrix(ax, [0, 2], [0, 1]),
     r"y_true must hold class indices 0..1 \(one per label in labels=\('0', '1'\)\), got "
     r"values \[0 2\]"),
    (lambda ax: plotting.draw_network(ax, [3]),
     r"layer_sizes must list at least two positive sizes, got \[3\]"),
    (lambda ax: plotting.draw_network(ax, [3, 1], layer_labels=["in"]),
     r"layer_labels must have one entry per layer \(2\), got 1"),
])
def test_bad_input_messages(ax, call, message):
    with pytest.raises(ValueError, match=message):
        call(ax)


def test_show_on_screen_displays_a_small_png_and_closes_the_figure(monkeypatch):
    import IPython.display
    from PIL import Image as PILImage

    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot([0, 1], [0, 1])
    plotting.show_on_screen(fig, dpi=50)
    assert len(shown) == 1 and shown[0].format == "png"
    with PILImage.open(io.BytesIO(shown[0].data)) as image:
        assert [round(d) for d in image.info["dpi"]] == [50, 50]
        assert image.size[0] <= 6 * 50 + 10
    assert not plt.fignum_exists(fig.number)


# ---- plot_images (chapter 11) -----------------------------------------------------------

def test_plot_images_draws_each_image_once_and_hides_spare_axes():
    images = np.arange(3 * 8 * 8, dtype=float).reshape(3, 8, 8)
    fig, axes = plt.subplots(2, 2)
    plotting.plot_images(axes, images, titles=["a", "b", "c"])
    shown = [ax for ax in axes.flat if ax.get_visible()]
    assert len(shown) == 3 and not axes.flat[3].get_visible()
    for ax, image in zip(shown, images):
        np.testing.assert_array_equal(ax.images[0].get_array(), image)
        assert ax.get_xticks().size == 0 and ax.get_yticks().size == 0
    assert [ax.get_title() for ax in shown] == ["a", "b", "c"]


def test_plot_images_symmetric_scale_is_centred_on_zero():
    images = np.array([[[-1.0, 0.5]], [[3.0, 0.0]]])
    fig, axes = plt.subplots(1, 2)
    plotting.plot_images(axes, images, cmap="RdBu", symmetric=True)
    assert all(ax.images[0].get_clim() == (-3.0, 3.0) for ax in axes)


@pytest.mark.parametrize("images, n_axes, titles, message", [
    (np.zeros((2, 64)), 2, None, r"images must have shape \(m, h, w\), got shape \(2, 64\)"),
    (np.zeros((3, 8, 8)), 2, None, r"axes has 2 axes for 3 images"),
    (np.zeros((2, 8, 8)), 2, ["a"], r"titles must have one entry per image \(2\), got 1"),
])
def test_plot_images_bad_input(images, n_axes, titles, message):
    fig, axes = plt.subplots(1, n_axes)
    with pytest.raises(ValueError, match=message):
        plotting.plot_images(axes, images, titles=titles)
