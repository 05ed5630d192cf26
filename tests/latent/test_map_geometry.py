"""Lasso and box membership, density contours and region names, checked against independent computations."""
from __future__ import annotations

import numpy as np
import pytest

from vaegui.latent.clusters import find_regions
from vaegui.latent.density import contour_segments, density_contours, density_grid, point_levels
from vaegui.latent.selection_shapes import points_in_box, points_in_polygon, tidy_polygon


def _crossing_count_reference(point, vertices) -> bool:
    """Point-in-polygon by the winding number, one point at a time (another rule, another code path)."""
    x, y = point
    winding = 0
    for (xa, ya), (xb, yb) in zip(vertices, np.roll(vertices, -1, axis=0)):
        cross = (xb - xa) * (y - ya) - (x - xa) * (yb - ya)
        if ya <= y < yb and cross > 0:
            winding += 1
        elif yb <= y < ya and cross < 0:
            winding -= 1
    return winding != 0


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(3)
    centres = np.array([[-6.0, 0.0], [6.0, 0.0], [0.0, 7.0]])
    labels = rng.integers(0, 3, 6000)
    return (centres[labels] + rng.normal(0, 1.0, (6000, 2))).astype(np.float32), labels, centres


def test_lasso_membership_matches_a_winding_number_test_over_every_point(blobs):
    coords, _, _ = blobs
    angles = np.linspace(0, 2 * np.pi, 97, endpoint=False)
    star = np.column_stack([(5 + 3 * np.sin(5 * angles)) * np.cos(angles), (5 + 3 * np.sin(5 * angles)) *
                            np.sin(angles)])  # not convex: a five-pointed star-like loop
    coords = coords[::3]  # 2,000 points: the reference is a plain loop over every point and edge
    found = points_in_polygon(coords, star)
    expected = np.flatnonzero([_crossing_count_reference(p, star) for p in coords.astype(np.float64)])
    np.testing.assert_array_equal(found, expected)
    assert 0 < len(found) < len(coords)


def test_box_membership_and_a_lasso_of_repeated_places(blobs):
    coords, _, _ = blobs
    rows = points_in_box(coords, (2.0, -1.0), (-3.0, 4.0))  # corners in any order
    inside = (coords[:, 0] >= -3) & (coords[:, 0] <= 2) & (coords[:, 1] >= -1) & (coords[:, 1] <= 4)
    np.testing.assert_array_equal(rows, np.flatnonzero(inside))
    assert len(tidy_polygon(np.array([[0, 0], [0, 0], [1, 0], [1, 0], [1, 1]]))) == 3
    assert len(points_in_polygon(coords, np.array([[0, 0], [1, 1]]))) == 0  # a line encloses nothing


def test_density_peaks_at_the_crowded_class_and_its_contours_enclose_their_share(blobs):
    coords, labels, centres = blobs
    crowded = np.concatenate([coords, coords[labels == 2]])  # class 2 twice as dense
    grid = density_grid(crowded)
    assert np.hypot(*(np.array(grid.peak()) - centres[2])) < 0.5
    assert grid.values.sum() == pytest.approx(1.0)
    levels = point_levels(grid, (0.5, 0.95))
    assert levels[0] > levels[1]
    for level, share in zip(levels, (0.5, 0.95)):  # the lines enclose those shares of the points themselves
        assert abs(float((grid.at(crowded) >= level).mean()) - share) < 0.02
    # The line of the 50 % level encloses half of the points: counted with the KDE evaluated exactly (scipy's
    # gaussian_kde at each point), not with the grid's own numbers.
    from scipy.stats import gaussian_kde

    sample = crowded[::12]
    exact = gaussian_kde(sample.T, bw_method=grid.bandwidth[0] / sample[:, 0].std())(sample.T)
    threshold = np.quantile(exact, 0.5)
    agree = (exact > threshold) == (grid.at(sample) > np.quantile(grid.at(sample), 0.5))
    assert agree.mean() > 0.9
    contours = density_contours(crowded)
    assert len(contours.segments) == 3 and all(len(s) > 10 for s in contours.segments)


def test_contour_segments_lie_on_the_level():
    xs = np.linspace(-3, 3, 61)
    values = np.exp(-(xs[None, :] ** 2 + xs[:, None] ** 2))  # a round bump, peak 1
    from vaegui.latent.density import DensityGrid

    grid = DensityGrid(values, values, xs, xs, (1.0, 1.0))
    segments = contour_segments(grid, np.exp(-1.0))  # the circle of radius 1
    radii = np.hypot(segments[..., 0], segments[..., 1])
    assert len(segments) > 20 and np.abs(radii - 1.0).max() < 0.02


def test_regions_are_named_by_their_majority_class_or_numbered_without_labels(blobs):
    coords, labels, centres = blobs
    names = ["left", "right", "top"]
    regions = find_regions(coords, labels, names)
    assert sorted(label.text for label in regions.labels) == ["left", "right", "top"]
    for label in regions.labels:
        centre = centres[names.index(label.text)]
        assert np.hypot(label.x - centre[0], label.y - centre[1]) < 1.0  # placed where its points crowd
        members = regions.rows_of(label.cluster)
        assert (labels[members] == names.index(label.text)).mean() > 0.9
    unlabelled = find_regions(coords, None)
    assert sorted(label.text for label in unlabelled.labels) == ["group 1", "group 2", "group 3"]
