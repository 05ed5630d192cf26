"""Projections: N×2 finite coordinates, the way back to latent vectors, live t-SNE layouts and cancelling."""
from __future__ import annotations

import numpy as np
import pytest

from vaegui.latent import Cancelled, ProjectionError, available_methods, project
from vaegui.latent.projection import neighbour_label_accuracy


@pytest.fixture(scope="module")
def vectors_4d():
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 4, (3, 4))
    return (centres[rng.integers(0, 3, 300)] + rng.normal(0, 0.5, (300, 4))).astype(np.float32)


def test_direct_is_offered_only_for_two_dimensions():
    assert available_methods(2)[0] == "direct" and "direct" not in available_methods(4)
    assert {"pca", "tsne"} <= set(available_methods(4))
    with pytest.raises(ProjectionError, match="z_dim = 2.*PCA or t-SNE"):
        project("direct", np.zeros((5, 4), np.float32))


def test_direct_location_is_the_latent_vector():
    vectors = np.random.default_rng(1).normal(size=(50, 2)).astype(np.float32)
    result = project("direct", vectors)
    np.testing.assert_array_equal(result.coords, vectors)
    vector, how = result.location_to_latent(0.25, -1.5)
    np.testing.assert_array_equal(vector, [0.25, -1.5])
    assert "is the latent vector" in how


def test_pca_gives_finite_coordinates_and_inverts_points_on_its_plane(vectors_4d):
    result = project("pca", vectors_4d)
    assert result.coords.shape == (300, 2) and np.isfinite(result.coords).all()
    # A vector in the PCA plane comes back exactly from its coordinates.
    on_plane = result.pca_mean + np.array([1.5, -0.5]) @ result.pca_components
    vector, _ = result.location_to_latent(1.5, -0.5)
    np.testing.assert_allclose(vector, on_plane, rtol=1e-5)
    # The projection reproduces the coordinates of each original point's reconstruction.
    np.testing.assert_allclose((vectors_4d - result.pca_mean) @ result.pca_components.T, result.coords, atol=1e-4)


def test_tsne_reports_intermediate_layouts_and_separates_clusters(vectors_4d):
    pytest.importorskip("openTSNE")  # sklearn's t-SNE has no callbacks: no layouts to report
    from openTSNE.initialization import pca as pca_initialization

    layouts = []
    result = project("tsne", vectors_4d, on_layout=layouts.append, tsne_iterations=120)
    assert result.coords.shape == (300, 2) and np.isfinite(result.coords).all()
    assert layouts and all(layout.shape == (300, 2) for layout in layouts)
    # The first layout is the PCA start, shown before any optimisation (computed here independently).
    np.testing.assert_allclose(layouts[0], pca_initialization(vectors_4d, random_state=0), rtol=1e-5)
    assert not np.allclose(layouts[0], result.coords)  # the map moved while it formed
    # openTSNE's callbacks delivered at least one optimised layout on the way: neither the start nor the end.
    between = [layout for layout in layouts[1:]
               if not np.allclose(layout, layouts[0]) and not np.allclose(layout, result.coords)]
    assert between, f"{len(layouts)} layouts, none strictly between the PCA start and the final map"
    assert all(np.isfinite(layout).all() for layout in between)


def test_tsne_keeps_classes_together_as_the_latent_space_does():
    rng = np.random.default_rng(2)
    labels = rng.integers(0, 10, 800)
    vectors = (rng.normal(0, 2, (10, 8))[labels] + rng.normal(0, 1, (800, 8))).astype(np.float32)
    in_latent_space = neighbour_label_accuracy(vectors, labels)
    result = project("tsne", vectors, tsne_iterations=250)
    assert in_latent_space > 0.9 and neighbour_label_accuracy(result.coords, labels) >= in_latent_space - 0.02
    # The PCA start alone does not: the accuracy comes from the optimisation.
    from openTSNE.initialization import pca as pca_initialization

    assert neighbour_label_accuracy(pca_initialization(vectors, random_state=0), labels) < in_latent_space - 0.05


def test_neighbour_label_accuracy_is_the_share_of_points_whose_neighbours_share_their_label():
    group = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5], [0.5, 0.2]])
    coords = np.vstack([group, group + 100])
    labels = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1])  # one point of the first group says 1
    assert neighbour_label_accuracy(coords, labels, k=5) == pytest.approx(11 / 12)
    assert neighbour_label_accuracy(coords, np.r_[np.zeros(6), np.ones(6)].astype(int), k=5) == 1.0


def test_tsne_location_uses_nearest_neighbours_weighted_by_distance(vectors_4d):
    result = project("tsne", vectors_4d, tsne_iterations=60)
    vector, how = result.location_to_latent(*result.coords[7])
    np.testing.assert_allclose(vector, vectors_4d[7])  # on a point: that point's vector
    x, y = result.coords[7] + 1e-3
    nearby, how = result.location_to_latent(x, y)
    assert "nearest" in how and "no inverse" in how
    distances = np.linalg.norm(result.coords - (x, y), axis=1)
    rows = np.argsort(distances)[:8]
    weights = 1 / distances[rows] ** 2
    np.testing.assert_allclose(nearby, (weights[:, None] * vectors_4d[rows]).sum(0) / weights.sum(), rtol=1e-4)


def test_cancelling_tsne_from_its_progress_callback_stops_it(vectors_4d):
    class Token:
        cancelled = False

    token = Token()

    def cancel_on_first_layout(_layout):
        token.cancelled = True

    with pytest.raises(Cancelled):
        project("tsne", vectors_4d, on_layout=cancel_on_first_layout, cancel=token, tsne_iterations=500)


def test_vectors_with_nan_are_refused_with_a_reason():
    vectors = np.ones((10, 3), np.float32)
    vectors[2, 1] = np.nan
    with pytest.raises(ProjectionError, match="NaN"):
        project("pca", vectors)


def test_tsne_places_new_vectors_without_calling_back_the_finished_map(vectors_4d):
    """openTSNE's transform would run the map's callbacks with the new points alone: a one-point 'layout' for a map
    long finished. The fitted embedding is kept without them."""
    pytest.importorskip("openTSNE")
    layouts = []
    result = project("tsne", vectors_4d, on_layout=layouts.append, tsne_iterations=60)
    seen = len(layouts)
    coords, how = result.place(vectors_4d[:2] + 0.01)
    assert len(layouts) == seen and coords.shape == (2, 2) and "own transform" in how
    # Each lands by its own point: nearer to it than nine in ten of the map's points are.
    for row in (0, 1):
        distances = np.linalg.norm(result.coords - result.coords[row], axis=1)
        assert np.linalg.norm(coords[row] - result.coords[row]) < np.quantile(distances, 0.1)
