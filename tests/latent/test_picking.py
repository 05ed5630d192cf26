"""KD-tree picking in screen terms, and latent neighbours."""
from __future__ import annotations

import numpy as np

from vaegui.latent import LatentNeighbours, PointPicker


def test_picks_the_nearest_point_within_the_cursor_radius():
    coords = np.array([[0, 0], [10, 0], [0, 1]], np.float32)
    picker = PointPicker(coords)
    assert picker.nearest(9.5, 0.0, 1.0, 1.0) == 1
    assert picker.nearest(5.0, 5.0, 1.0, 1.0) is None


def test_radius_is_per_axis_because_axes_are_scaled_differently_on_screen():
    coords = np.array([[0.0, 0.0], [0.0, 3.0]], np.float32)
    picker = PointPicker(coords)
    # Wide x radius, narrow y radius: a point 0.5 away in y is outside, 3 away in x would be inside.
    assert picker.nearest(0.0, 2.0, 5.0, 0.5) is None
    assert picker.nearest(0.0, 2.8, 5.0, 0.5) == 1


def test_latent_neighbours_exclude_the_point_itself():
    vectors = np.array([[0, 0], [1, 0], [5, 5], [0.5, 0]], np.float32)
    rows = LatentNeighbours(vectors).of_row(0, vectors[0], k=2)
    assert rows.tolist() == [3, 1]
