"""Maps that move, not jump: each epoch's map turned (orthogonal Procrustes) to agree with the one before, t-SNE
continued from the previous layout; checked against maps computed here without any alignment."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.app.manual_runner import ManualRunner
from vaegui.app.explorer_loading import RunSource
from vaegui.app.explorer_model import ExplorerModel
from vaegui.latent.projection import project
from vaegui.runs.epoch_views import load_epoch_views


def _pca(mu: np.ndarray) -> np.ndarray:
    """A plain PCA of one epoch (signs as the SVD gives them): what each epoch's map would be without alignment."""
    centred = mu - mu.mean(axis=0)
    return centred @ np.linalg.svd(centred, full_matrices=False)[2][:2].T


def _moved(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.linalg.norm(a - b, axis=1)))


def _moved_squared(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.sum((a - b) ** 2, axis=1)))


def test_scrubbed_epochs_are_turned_to_move_less_than_plain_maps(tiny_run_z4):
    views = load_epoch_views(tiny_run_z4.folder)
    first, second = views[1], views[2]
    assert second.axes_label == "PC"
    aligned = _moved(second.coords, first.coords)
    plain = _moved(_pca(second.mu), _pca(first.mu))
    assert aligned < plain
    # Turned, never stretched: every distance within the epoch's map is that of its plain map.
    within = np.linalg.norm(second.coords[:, None] - second.coords[None], axis=2)
    np.testing.assert_allclose(within, np.linalg.norm(_pca(second.mu)[:, None] - _pca(second.mu)[None], axis=2),
                               atol=1e-4)


def test_an_aligned_pca_map_still_decodes_its_places_and_places_new_vectors():
    rng = np.random.default_rng(3)
    before = rng.normal(size=(300, 5)) * np.array([4, 2, 1, 0.5, 0.2])
    after = before @ np.linalg.qr(rng.normal(size=(5, 5)))[0]  # the latent space turned between epochs
    previous = project("pca", before).coords
    plain = project("pca", after)
    aligned = plain.aligned_to(previous)
    assert _moved(aligned.coords, previous) < 1e-3 < _moved(plain.coords, previous)
    # A place of the turned map decodes to the vector whose place it is, and a vector is placed where it is drawn.
    vector, _ = aligned.location_to_latent(*aligned.coords[7])
    np.testing.assert_allclose(aligned.place(vector)[0][0], aligned.coords[7], atol=1e-4)
    np.testing.assert_allclose(aligned.place(after[:5])[0], aligned.coords[:5], atol=1e-4)
    # A direct map is never turned: its axes are z1 and z2 themselves.
    direct = project("direct", after[:, :2])
    assert direct.aligned_to(previous) is direct


def test_tsne_continues_from_the_previous_layout():
    pytest.importorskip("openTSNE")
    rng = np.random.default_rng(4)
    vectors = (rng.normal(0, 4, (3, 4))[rng.integers(0, 3, 300)] + rng.normal(0, 0.5, (300, 4))).astype(np.float32)
    first = project("tsne", vectors, tsne_iterations=100)
    layouts = []
    again = project("tsne", vectors * 1.02, tsne_iterations=60, start=first.coords, on_layout=layouts.append)
    np.testing.assert_array_equal(layouts[0], first.coords)  # the points start where they were
    fresh = project("tsne", vectors * 1.02, tsne_iterations=60, seed=9)
    assert _moved(again.aligned_to(first.coords).coords, first.coords) < \
        _moved(fresh.aligned_to(first.coords).coords, first.coords)


def test_the_explorer_turns_a_new_epochs_map_to_the_one_shown(tiny_run_z4):
    runner = ManualRunner()
    explorer = ExplorerModel(runner)
    explorer.open(RunSource(Path(tiny_run_z4.folder)))
    runner.run_all()
    shown = explorer.shown
    # Another epoch's weights: every weight nudged, as a training step does.
    loaded = explorer.loaded
    rng = np.random.default_rng(1)
    loaded.lane_vae.encoder.set_weights([w + rng.normal(0, 0.05, w.shape).astype(w.dtype)
                                         for w in loaded.lane_vae.encoder.get_weights()])
    from dataclasses import replace

    explorer.loaded = replace(loaded, weights_key=loaded.weights_key + "+1", codes=None)
    explorer.map_jobs.forget()
    explorer._request_map()
    runner.run_all()
    new = explorer.shown
    assert new is not shown and new.projection.turn is not None
    plain = project("pca", new.latents.z).coords
    # Procrustes makes the squared distance least (a mean distance can come out a hair either way on a tiny model).
    assert _moved_squared(new.projection.coords, shown.projection.coords) < \
        _moved_squared(plain, shown.projection.coords)
    loaded.close()
