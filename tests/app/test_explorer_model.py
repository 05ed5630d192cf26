"""The Explorer's Qt-free state: which jobs run where, what is shown after cancel, switches and model changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.app.manual_runner import ManualRunner
from vaegui.app.explorer_loading import RunSource
from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import LocationDetails, PointDetails, SelectionModel
from vaegui.latent.code_store import CODES_DIR


@pytest.fixture
def explorer():
    runner = ManualRunner()
    model = ExplorerModel(runner)
    model.tsne_iterations = 100
    return model, SelectionModel(model), runner


def _open(model, runner, run, **settings):
    model.open(RunSource(Path(run.folder)))
    runner.run_all()
    for name, value in settings.items():
        getattr(model, f"set_{name}")(value)
    runner.run_all()
    assert model.shown is not None and not model.is_busy()


def test_a_model_loads_on_its_own_lane_and_its_encodings_run_there(explorer, tiny_run):
    model, _, runner = explorer
    model.open(RunSource(Path(tiny_run.folder)))
    preview = runner.run_next()  # what the run folder keeps, shown first: files and numpy only, any thread
    assert preview.lane is None and model.loaded is None
    load = runner.run_next()
    assert load.lane is not None and model.loaded.lane is load.lane
    encode = runner.run_next()
    assert encode.lane is load.lane  # the model's thread: the only one that calls the lane's Keras copy
    project = runner.run_next()
    assert project.lane is None  # numpy only: any thread
    assert model.shown.method == "direct" and len(model.shown.latents) == len(model.loaded.dataset.train)


def test_a_new_model_starts_on_its_best_projection(explorer, tiny_run, tiny_run_z4):
    model, _, runner = explorer
    _open(model, runner, tiny_run_z4)
    assert model.settings.method == "pca"
    assert not next(c for c in model.methods if c.method == "direct").available
    _open(model, runner, tiny_run, method="pca")
    _open(model, runner, tiny_run_z4)
    _open(model, runner, tiny_run)
    assert model.settings.method == "direct" and model.shown.method == "direct"


def test_cancelling_a_projection_brings_back_the_finished_map_and_its_settings(explorer, tiny_run_z4):
    model, _, runner = explorer
    _open(model, runner, tiny_run_z4)
    shown = model.shown
    model.set_method("tsne")
    job = runner.queue[0]
    model.cancel()
    assert job.token.cancelled
    runner.run_all()  # the cancelled job still ends; its result must not be shown
    assert model.shown is shown and model.forming is None
    assert model.settings.method == "pca"  # the controls say what the map shows
    assert model.status.startswith(f"PCA of {len(shown.latents):,} pictures") and "t-SNE cancelled" in model.status
    assert not model.is_busy()


def test_a_forming_map_is_shown_but_cannot_be_clicked(explorer, tiny_run_z4):
    model, selection, runner = explorer
    _open(model, runner, tiny_run_z4)
    model.set_method("tsne")
    said = []
    selection.said.connect(said.append)
    job = runner.queue.pop(0)
    job.work(job.reports.append, job.token)
    layout = next(p for p in job.reports if p[0] == "layout")
    job.callbacks["progress"](layout)
    assert model.forming is not None and model.forming.coords.shape == (len(model.forming.latents), 2)
    selection.select_row(0)
    assert selection.selected is None and said


def test_mu_only_rebuilds_on_the_lane_and_z_equals_mu(explorer, tiny_run):
    model, _, runner = explorer
    _open(model, runner, tiny_run)
    noisy = model.shown.latents
    assert not np.allclose(noisy.z, noisy.mu)
    model.set_mu_only(True)
    encode = runner.queue[0]
    assert encode.lane is model.loaded.lane
    runner.run_all()
    assert model.loaded.lane_vae.mu_only
    np.testing.assert_array_equal(model.shown.latents.z, model.shown.latents.mu)
    assert "centre of its cloud" in model.status  # says what changed, and by how much
    model.set_mu_only(False)
    runner.run_all()
    assert not np.allclose(model.shown.latents.z, model.shown.latents.mu)


def test_changing_the_method_while_encoding_keeps_the_encoding(explorer, tiny_run_z4):
    model, _, runner = explorer
    model.open(RunSource(Path(tiny_run_z4.folder)))
    runner.run_next()  # the run folder's preview
    runner.run_next()  # load
    encode = runner.queue[0]
    model.set_method("tsne")
    assert not encode.token.cancelled  # the same images and switch: still wanted
    runner.run_all()
    assert model.shown.method == "tsne"
    model.set_split("test")
    encode = runner.queue[0]
    model.set_split("train")  # cached again: the test encoding is not wanted any more
    assert encode.token.cancelled and model.shown.key.latents.split == "train"


def test_selection_follows_the_same_image_to_another_map(explorer, tiny_run_z4):
    model, selection, runner = explorer
    _open(model, runner, tiny_run_z4, split="both")
    row = int(np.flatnonzero(model.shown.latents.split == 1)[3])  # a test image
    selection.select_row(row)
    details = selection.selected
    model.set_split("test")
    runner.run_all()
    moved = selection.selected
    assert isinstance(moved, PointDetails) and (moved.split, moved.index) == (details.split, details.index)
    np.testing.assert_array_equal(moved.original, details.original)
    model.set_split("train")
    runner.run_all()
    assert selection.selected is None  # that image is not on the train map


def test_another_model_clears_what_the_previous_one_decoded(explorer, tiny_run, tiny_run_z4):
    model, selection, runner = explorer
    _open(model, runner, tiny_run)
    selection.sample_prior()
    selection.select_location(0.5, 0.5)
    assert selection.prior is not None and isinstance(selection.selected, LocationDetails)
    _open(model, runner, tiny_run_z4)
    assert selection.prior is None and selection.selected is None and selection.grid is None


def test_traversal_reaches_a_far_out_point_and_returns_to_it_exactly(explorer, tiny_run):
    model, selection, runner = explorer
    _open(model, runner, tiny_run)
    selection.select_location(-7.9, 0.3)
    traversal = selection.traversal
    axis = traversal.axis(0)
    assert axis.low <= -7.9 and axis.high >= 3.0
    selection.set_traversal_value(0, axis.value(axis.positions - 1))
    assert selection.traversal.vector[0] > 0
    selection.set_traversal_value(0, axis.value(axis.base_position))
    assert selection.traversal.vector[0] == np.float32(-7.9)
    np.testing.assert_allclose(selection.traversal.image, model.loaded.viewer.decode_one(np.float32([-7.9, 0.3])))


def test_a_new_checkpoint_is_followed_only_while_the_explorer_is_looked_at(explorer, tiny_run):
    model, selection, runner = explorer
    _open(model, runner, tiny_run)
    selection.sample_prior()
    model.set_visible(False)
    model.follow(tiny_run.folder)
    assert not runner.queue
    model.set_visible(True)
    reload = runner.queue[0]
    assert reload.lane is model.loaded.lane
    lane_vae, viewer = model.loaded.lane_vae, model.loaded.viewer
    runner.run_all()
    assert model.loaded.lane_vae is lane_vae and model.loaded.viewer is viewer  # same objects: no retracing
    assert selection.prior is not None  # the same model: the prior samples are decoded again, not dropped


def test_a_failed_load_keeps_the_model_shown_and_says_why(explorer, tiny_run, tmp_path):
    model, _, runner = explorer
    _open(model, runner, tiny_run)
    shown = model.shown
    model.open(RunSource(tmp_path / "missing"))
    runner.run_all()
    assert model.shown is shown and "does not exist" in model.message
    assert runner.lanes[-1].retired


def test_a_new_map_fills_in_while_encoding_and_a_switch_replaces_it_at_once(explorer, tiny_run):
    model, _, runner = explorer
    shutil.rmtree(Path(tiny_run.folder) / CODES_DIR, ignore_errors=True)  # never explored: every image is encoded
    model.open(RunSource(Path(tiny_run.folder)))
    runner.run_next()  # the run folder's preview
    runner.run_next()  # load
    forming = []
    model.map_changed.connect(lambda: forming.append(model.forming))
    encode = runner.run_next()
    partials = [p for p in encode.reports if p[0] == "partial"]
    assert partials and len(partials[0][1]) == 256  # the first batch, at once
    first = next(f for f in forming if f is not None)
    np.testing.assert_array_equal(first.coords, first.latents.z)  # Direct: the points are z itself
    runner.run_all()
    assert model.forming is None and len(model.shown.latents) == len(model.loaded.dataset.train)
    model.set_mu_only(True)  # the same images: the old map stays until the new one is complete
    encode = runner.run_next()
    assert not [p for p in encode.reports if p[0] == "partial"]


def test_show_why_reproduces_the_stale_predict_function_then_z_equals_mu(explorer, tiny_run):
    model, _, runner = explorer
    _open(model, runner, tiny_run)
    model.show_why_mu_only()
    job = runner.queue[0]
    assert job.lane is model.loaded.lane  # the model's own thread
    runner.run_all()
    sampling, stale, rebuilt = model.mu_only_demo.steps
    assert sampling.distance > 0.01 and not sampling.equals_mu
    assert stale.distance > 0.01 and not stale.equals_mu  # the factor alone changed nothing
    assert rebuilt.equals_mu and rebuilt.distance == 0.0
    assert not model.loaded.lane_vae.mu_only  # the switch is put back as the person left it


def test_the_status_says_what_the_map_shows_in_plain_words(explorer, tiny_run):
    """Finding (qa2): 'Direct (z_dim = 2) of 5,143 points in 0.00 s' meant nothing to the room: a map drawn as its
    two numbers took no work worth timing."""
    model, _, runner = explorer
    _open(model, runner, tiny_run)
    assert model.shown.method == "direct"
    count = len(model.shown.latents)
    assert model.status.startswith(f"Map of {count:,} pictures, each at its two numbers (z1, z2)")
    assert " s" not in model.status.split(".")[0] and "z_dim" not in model.status


def test_the_morph_path_on_t_sne_passes_where_its_steps_lie(explorer, tiny_run_z4):
    """A walk: on a t-SNE map the line from picture A to picture B was drawn straight, as on a Direct map, though
    t-SNE bends space and the steps between lie elsewhere. Each step is drawn at the encoded picture nearest it."""
    from vaegui.latent.generation import interpolate

    model, selection, runner = explorer
    _open(model, runner, tiny_run_z4, method="tsne")
    shown = model.shown
    latents, coords = shown.latents, shown.projection.coords
    ends = np.argsort(latents.mu[:, 0])[[5, -5]]  # two pictures far apart in latent space
    for end, row in zip("AB", ends):
        selection.select_row(int(row))
        selection.set_end(end)
    images, path = selection.interpolation
    assert len(path) == len(images)
    np.testing.assert_allclose(path[[0, -1]], coords[ends])  # the ends where they were picked
    vectors = interpolate(selection.ends["A"].vector, selection.ends["B"].vector, len(path))
    for step, vector in zip(path[1:-1], vectors[1:-1]):
        nearest = int(np.argmin(np.linalg.norm(latents.mu - vector, axis=1)))
        np.testing.assert_allclose(step, coords[nearest])
    straight = interpolate(coords[ends[0]], coords[ends[1]], len(path))
    assert np.abs(path - straight).max() > 0.05 * np.ptp(coords, axis=0).max()  # not the straight line
    assert "nearest each step" in selection.path_note()
    # On PCA (a linear map of the latent space) the straight line is where the steps lie.
    model.set_method("pca")
    runner.run_all()
    for end, row in zip("AB", ends):
        selection.select_row(int(row))
        selection.set_end(end)
    _, pca_path = selection.interpolation
    assert selection.path_note() == "the line on the map joins their places"
    np.testing.assert_allclose(pca_path, interpolate(pca_path[0], pca_path[-1], len(pca_path)), atol=1e-5)
