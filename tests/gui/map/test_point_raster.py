"""Drawing points into one image: coverage equals the points' histogram, each stamp is pyqtgraph's symbol."""
from __future__ import annotations

import numpy as np
import pytest

from vaegui.gui.map.point_raster import rasterize, symbol_footprint

ONE_PIXEL = np.array([[0, 0]])


def _reference(pixels: np.ndarray, colour_index: np.ndarray, footprint: np.ndarray, width: int, height: int):
    """Stamp point after point, in order, with a plain loop: what rasterize must equal where stamps do not overlap."""
    image = np.zeros((height, width), np.uint8)
    for (column, row), colour in zip(np.floor(pixels).astype(int), colour_index):
        for d_row, d_column in footprint:
            if 0 <= row + d_row < height and 0 <= column + d_column < width:
                image[row + d_row, column + d_column] = colour + 1
    return image


@pytest.mark.parametrize("count", [300, 20_000])  # sparse: stamp every point; dense: stamp each occupied pixel once
def test_one_pixel_points_give_the_histogram_of_the_points(count):
    rng = np.random.default_rng(0)
    width, height = 120, 80
    pixels = rng.uniform((-5, -5), (width + 5, height + 5), (count, 2)).astype(np.float32)
    colour_index = rng.integers(0, 9, count).astype(np.uint8)
    image = rasterize(pixels, colour_index, [ONE_PIXEL], None, width, height)
    histogram, _, _ = np.histogram2d(pixels[:, 1], pixels[:, 0], bins=(height, width), range=((0, height), (0, width)))
    np.testing.assert_array_equal(image > 0, histogram > 0)
    # Where several points share a pixel, the last one drawn is the one seen, as in a scatter plot.
    np.testing.assert_array_equal(image, _reference(pixels, colour_index, ONE_PIXEL, width, height))


@pytest.mark.parametrize("count", [50, 20_000])
def test_symbols_cover_the_union_of_their_footprints(count):
    rng = np.random.default_rng(1)
    width, height = 90, 70
    pixels = rng.uniform((-3, -3), (width + 3, height + 3), (count, 2)).astype(np.float32)
    colour_index = rng.integers(0, 5, count).astype(np.uint8)
    disc = symbol_footprint("o", 5)
    image = rasterize(pixels, colour_index, [disc], None, width, height)
    expected = _reference(pixels, colour_index, disc, width, height)
    np.testing.assert_array_equal(image > 0, expected > 0)
    # Each point's own pixel shows a colour it drew (its own, unless a later point is centred on the same pixel).
    centres = np.floor(pixels).astype(int)
    inside = (centres[:, 0] >= 0) & (centres[:, 0] < width) & (centres[:, 1] >= 0) & (centres[:, 1] < height)
    last_on_pixel = {}
    for row in np.flatnonzero(inside):
        last_on_pixel[tuple(centres[row])] = colour_index[row] + 1
    for (column, row), colour in last_on_pixel.items():
        assert image[row, column] == colour


def test_an_isolated_point_is_pyqtgraphs_symbol_and_each_point_its_own():
    disc, triangle = symbol_footprint("o", 5), symbol_footprint("t", 5)
    assert len(disc) == 21 and tuple(disc[-1]) == (0, 0)  # a 5-pixel disc; its centre drawn last
    assert {tuple(offset) for offset in disc} == {(-tuple(offset)[0], -tuple(offset)[1]) for offset in disc}
    assert triangle[:, 0].min() < 0 and (triangle[:, 0] == triangle[:, 0].min()).sum() > 1  # flat edge on top
    pixels = np.array([[10.5, 10.5], [30.2, 10.9]], np.float32)
    image = rasterize(pixels, np.array([3, 4], np.uint8), [disc, triangle], np.array([0, 1], np.int8), 40, 20)
    assert {(r - 10, c - 10) for r, c in np.argwhere(image == 4)} == {tuple(offset) for offset in disc}
    assert {(r - 10, c - 30) for r, c in np.argwhere(image == 5)} == {tuple(offset) for offset in triangle}
