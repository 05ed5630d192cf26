"""Two runs compared, Qt-free: one set of settings for both maps, linked selection, places and prior samples."""

from __future__ import annotations

import numpy as np
import pytest

from tests.app.manual_runner import ManualRunner
from tests.conftest import tiny_config, trained_folder
from tests.trained_fixtures import copy_of
from vaegui.app.comparison import ComparisonModel, same_images
from vaegui.app.explorer_selection import LocationDetails, PointDetails
from vaegui.app.map_state import place_on_map
from vaegui.runs.library import read_run_summary


@pytest.fixture(scope="module")
def autoencoder_run(tmp_path_factory):
    """The tiny run's settings with β = 0: a plain autoencoder on the same images."""
    from vaegui.runs import Run

    config = tiny_config(epochs=2)
    config.model.kl_weight = 0.0
    return Run.open(copy_of(trained_folder(config, probe_size=64), tmp_path_factory.mktemp("compare") / "ae"))


def _compare(first, second, **settings):
    runner = ManualRunner()
    comparison = ComparisonModel(runner)
    for name, value in settings.items():
        getattr(comparison, f"set_{name}")(value)
    comparison.open(read_run_summary(first.folder), read_run_summary(second.folder))
    runner.run_all()
    assert comparison.loaded is not None and not comparison.is_busy()
    return comparison, runner


def _row_of(shown, split, index):
    return int(np.flatnonzero((shown.latents.split == split) & (shown.latents.source_index == index))[0])


def test_one_set_of_settings_drives_both_maps(tiny_run, autoencoder_run):
    comparison, runner = _compare(tiny_run, autoencoder_run, split="test", subset=None)
    a, b = comparison.explorers["a"], comparison.explorers["b"]
    assert comparison.settings.method == "direct" and a.shown.method == b.shown.method == "direct"
    assert len(a.shown.latents) == len(b.shown.latents) == len(a.loaded.dataset.test)
    comparison.set_method("pca")
    comparison.set_mu_only(True)
    runner.run_all()
    for explorer in (a, b):
        assert (explorer.settings.method, explorer.settings.mu_only, explorer.settings.split) == ("pca", True, "test")
        assert explorer.shown.method == "pca" and explorer.shown.latents.mu_only
        np.testing.assert_array_equal(explorer.shown.latents.z, explorer.shown.latents.mu)


def test_an_image_picked_on_one_map_is_marked_on_both_with_both_reconstructions(tiny_run, autoencoder_run):
    comparison, runner = _compare(tiny_run, autoencoder_run, split="both", subset=500)
    b = comparison.explorers["b"]
    row_a = 7
    comparison.selections["a"].select_row(row_a)
    picked_a, picked_b = comparison.selections["a"].selected, comparison.selections["b"].selected
    assert isinstance(picked_b, PointDetails)
    assert (picked_b.split, picked_b.index) == (picked_a.split, picked_a.index)
    assert picked_b.row == _row_of(b.shown, picked_a.split, picked_a.index)
    np.testing.assert_array_equal(picked_b.original, picked_a.original)
    # Each model's own reconstruction: the autoencoder decodes its own code of the image.
    np.testing.assert_allclose(picked_b.reconstruction, b.loaded.viewer.decode_one(picked_b.z), atol=1e-6)
    assert not np.allclose(picked_a.reconstruction, picked_b.reconstruction)
    # Picking on the right map leads the other way; clearing clears both.
    comparison.selections["b"].select_row(3)
    picked_b = comparison.selections["b"].selected
    assert (comparison.selections["a"].selected.split, comparison.selections["a"].selected.index) == \
        (picked_b.split, picked_b.index)
    comparison.selections["a"].clear()
    assert comparison.selections["b"].selected is None


def test_the_picked_image_stays_marked_on_both_when_the_maps_change(tiny_run, autoencoder_run):
    comparison, runner = _compare(tiny_run, autoencoder_run, split="both", subset=None)
    comparison.selections["a"].select_row(1500)
    image = (comparison.selections["a"].selected.split, comparison.selections["a"].selected.index)
    comparison.set_method("pca")
    runner.run_all()
    for side in ("a", "b"):
        picked = comparison.selections[side].selected
        assert (picked.split, picked.index) == image and comparison.explorers[side].shown.method == "pca"


def test_a_place_on_two_direct_maps_is_decoded_by_both(tiny_run, autoencoder_run):
    comparison, _ = _compare(tiny_run, autoencoder_run)
    vector = comparison.selections["a"].select_location(0.3, -0.2)
    followed = comparison.selections["b"].selected
    assert isinstance(followed, LocationDetails) and followed.xy == pytest.approx((0.3, -0.2))
    np.testing.assert_allclose(followed.vector, vector)
    np.testing.assert_allclose(followed.image, comparison.explorers["b"].loaded.viewer.decode_one(vector), atol=1e-6)
    assert "same place" in followed.how


def test_a_place_on_pca_maps_is_the_same_latent_vector_in_both(tiny_run, autoencoder_run):
    comparison, runner = _compare(tiny_run, autoencoder_run, method="pca")
    vector = comparison.selections["b"].select_location(0.5, 0.1)
    followed = comparison.selections["a"].selected
    np.testing.assert_allclose(followed.vector, vector)
    shown_a = comparison.explorers["a"].shown
    # Marked where that vector lies on the left map: its own PCA coordinates.
    expected = (vector - shown_a.projection.pca_mean) @ shown_a.projection.pca_components.T
    assert followed.xy == pytest.approx(tuple(expected), abs=1e-5)
    assert "not aligned" in followed.how


def test_latent_spaces_of_two_sizes_share_images_but_not_places(tiny_run, tiny_run_z4):
    comparison, runner = _compare(tiny_run, tiny_run_z4)
    direct = next(c for c in comparison.methods if c.method == "direct")
    assert not direct.available and "z_dim" in direct.reason
    assert comparison.settings.method == "pca" and comparison.explorers["a"].shown.method == "pca"
    assert "differ in size" in comparison.link_note
    comparison.selections["a"].select_row(11)
    assert isinstance(comparison.selections["b"].selected, PointDetails)
    comparison.selections["a"].select_location(0.0, 0.0)
    assert comparison.selections["b"].selected is None  # a place in a 2-D space is no place in a 4-D one


def test_prior_samples_are_the_same_vectors_when_the_spaces_match(tiny_run, autoencoder_run, tiny_run_z4):
    comparison, _ = _compare(tiny_run, autoencoder_run)
    comparison.sample_prior()
    (draws_a, images_a), (draws_b, images_b) = (comparison.selections[s].prior for s in ("a", "b"))
    np.testing.assert_array_equal(draws_a, draws_b)
    np.testing.assert_allclose(images_b, comparison.explorers["b"].loaded.viewer.decode_many(draws_b), atol=1e-6)
    assert len(images_a) == 16 and not np.allclose(images_a, images_b)
    comparison, _ = _compare(tiny_run, tiny_run_z4)
    comparison.sample_prior()
    assert [comparison.selections[s].prior[0].shape for s in ("a", "b")] == [(16, 2), (16, 4)]


def test_images_are_linked_only_when_both_runs_hold_the_same_images(digits):
    from vaegui.data import load_dataset

    assert same_images(digits, load_dataset("digits"))
    assert not same_images(digits, load_dataset("digits", seed=7))  # another test split
    assert not same_images(digits, load_dataset("digits", test_fraction=0.2))


def test_a_vector_lies_on_a_tsne_map_at_its_nearest_encoded_image(tiny_run_z4):
    comparison, runner = _compare(tiny_run_z4, tiny_run_z4, method="tsne", subset=500)
    shown = comparison.explorers["a"].shown
    row = 42
    assert place_on_map(shown, shown.latents.mu[row]) == pytest.approx(tuple(shown.projection.coords[row]))
