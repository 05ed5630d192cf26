"""Where the key of marks goes (vaegui.gui.map.key_corner): the free corner hiding the fewest points, moved only
for a clear gain, never onto the class legend."""
from __future__ import annotations

import numpy as np

from vaegui.gui.map.key_corner import corner_rect, quietest_corner

VIEW = (400.0, 300.0)
KEY = (100.0, 60.0)


def _points_in(corner: str, count: int) -> np.ndarray:
    left, top, right, bottom = corner_rect(corner, KEY, VIEW)
    return np.column_stack([np.linspace(left + 1, right - 1, count), np.linspace(top + 1, bottom - 1, count)])


def _crowd(**counts: int) -> np.ndarray:
    return np.concatenate([_points_in(corner.replace("_", "-"), n) for corner, n in counts.items()] +
                          [np.array([[200.0, 150.0]])])  # one in the middle, under no corner


def test_the_corner_hiding_fewest_points_is_taken_on_a_clear_gain():
    pixels = _crowd(bottom_left=30, bottom_right=2, top_left=10)
    assert quietest_corner(pixels, KEY, VIEW, None, "bottom-left") == "bottom-right"
    assert quietest_corner(pixels, KEY, VIEW, None, "top-left") == "bottom-right"  # 10 → 2


def test_a_small_gain_keeps_the_key_where_it_is():
    pixels = _crowd(bottom_left=10, bottom_right=8, top_left=9)
    assert quietest_corner(pixels, KEY, VIEW, None, "bottom-left") == "bottom-left"
    assert quietest_corner(pixels, KEY, VIEW, None, "bottom-right") == "bottom-right"
    assert quietest_corner(_crowd(bottom_left=4, bottom_right=2, top_left=9), KEY, VIEW, None,
                           "bottom-left") == "bottom-left"  # 4 → 2: fewer by less than 3


def test_a_corner_under_the_class_legend_is_never_taken_but_bottom_left_is_when_none_is_free():
    tall_legend = corner_rect("top-right", (80.0, 260.0), VIEW)  # reaches the bottom-right corner
    pixels = _crowd(bottom_left=30, top_left=5)
    assert quietest_corner(pixels, KEY, VIEW, tall_legend, "bottom-left") == "top-left"
    assert quietest_corner(pixels, KEY, VIEW, None, "bottom-left") == "bottom-right"
    wide_legend = corner_rect("top-right", (390.0, 280.0), VIEW)  # meets every corner but bottom left
    assert quietest_corner(pixels, KEY, VIEW, wide_legend, "top-left") == "bottom-left"
