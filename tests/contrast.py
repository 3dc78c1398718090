"""WCAG contrast arithmetic, for colours and for pictures of figures."""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image


def _linear(channel: np.ndarray) -> np.ndarray:
    channel = channel / 255.0
    return np.where(channel <= 0.04045, channel / 12.92, ((channel + 0.055) / 1.055) ** 2.4)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (..., 3) with channels in 0..255."""
    linear = _linear(np.asarray(rgb, dtype=float))
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(first: float, second: float) -> float:
    """WCAG contrast ratio of two luminances: 1 (none) to 21 (black on white)."""
    light, dark = max(first, second), min(first, second)
    return (light + 0.05) / (dark + 0.05)


def css_rgb(colour: str) -> np.ndarray:
    """The RGB channels of a computed CSS colour such as 'rgb(18, 18, 18)'."""
    values = re.findall(r"[\d.]+", colour)
    if len(values) not in (3, 4):
        raise ValueError(f"not an rgb()/rgba() colour: {colour!r}")
    return np.array([float(v) for v in values[:3]])


def figure_contrast(png: bytes, ink_share: float = 0.005) -> tuple[float, float]:
    """How a picture of a figure reads: (background luminance, ink contrast ratio).

    The background is the picture's most common colour. The ink is whichever end
    of the luminance range, the darkest or the lightest ``ink_share`` of pixels,
    stands out more from it (axes, labels, marks). A blank picture, or dark ink on
    a dark background, has a ratio near 1.
    """
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    # Each colour as one integer 0xRRGGBB: np.unique on rows (axis=0) takes a second a
    # picture, on integers a few hundredths, and sorts the colours in the same order.
    packed = (pixels[:, 0].astype(np.uint32) << 16) | (pixels[:, 1].astype(np.uint32) << 8) | pixels[:, 2]
    colours, counts = np.unique(packed, return_counts=True)
    common = int(colours[counts.argmax()])
    background = float(luminance(np.array([common >> 16, (common >> 8) & 255, common & 255])))
    darkest, lightest = np.quantile(luminance(pixels), [ink_share, 1 - ink_share])
    ratio = max(contrast_ratio(background, float(darkest)), contrast_ratio(background, float(lightest)))
    return background, ratio
