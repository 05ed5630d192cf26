"""KD-tree picking in screen terms, and latent neighbours."""
from __future__ import annotations

import numpy as np
import pytest

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


def test_in_a_crowd_the_nearest_on_screen_wins_over_the_nearest_in_data_units():
    # x stretched ten times less than y on screen: 40 points just above the cursor are nearest in data units,
    # but 0.9 of a cursor radius away on screen; the one 0.5 to the right is half a radius away: it is the one.
    above = np.column_stack([np.linspace(-0.02, 0.02, 40), np.full(40, 0.09)])
    coords = np.vstack([above, [[0.5, 0.0]]]).astype(np.float32)
    assert PointPicker(coords).nearest(0.0, 0.0, 1.0, 0.1) == 40


def test_latent_neighbours_exclude_the_point_itself():
    vectors = np.array([[0, 0], [1, 0], [5, 5], [0.5, 0]], np.float32)
    rows = LatentNeighbours(vectors).of_row(0, vectors[0], k=2)
    assert rows.tolist() == [3, 1]


@pytest.mark.parametrize("dims", [2, 16, 200])
def test_latent_neighbours_match_a_full_scan_at_low_and_high_dimensions(dims):
    """A KD-tree at 2-D, one product over every sample above: both give the exact nearest samples, nearest first."""
    rng = np.random.default_rng(dims)
    vectors = rng.standard_normal((3_000, dims)).astype(np.float32)
    neighbours = LatentNeighbours(vectors)
    for row in (0, 17, 2_999):
        distances = np.linalg.norm(vectors.astype(np.float64) - vectors[row], axis=1)
        distances[row] = np.inf
        assert neighbours.of_row(row, vectors[row], k=8).tolist() == np.argsort(distances)[:8].tolist()
