"""The Explorer with a run's stored codes: a reopened run shows every point before its model loads and draws the map
from the codes without encoding; a run never explored shows its probe images first; errors only when asked."""
from __future__ import annotations

import shutil
from pathlib import Path

import keras
import numpy as np
import pytest

from tests.app.manual_runner import ManualRunner
from vaegui.app.explorer_loading import RunSource
from vaegui.app.explorer_model import ExplorerModel
from vaegui.latent.code_store import CODES_DIR


@pytest.fixture
def run_copy(tiny_run_z4, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(tiny_run_z4.folder, folder, ignore=shutil.ignore_patterns(CODES_DIR))
    return folder


@pytest.fixture
def predictions(monkeypatch):
    calls = []
    original = keras.Model.predict_on_batch

    def counted(self, x):
        calls.append(self.name)
        return original(self, x)

    monkeypatch.setattr(keras.Model, "predict_on_batch", counted)
    return calls


def _preview_first(runner) -> None:
    """The run folder's preview runs before the model's load is even asked for (it would compete for the CPU)."""
    preview = runner.queue[0]
    assert preview.lane is None and len(runner.queue) == 1
    runner.run_next()


def _explorer():
    runner = ManualRunner()
    model = ExplorerModel(runner)
    model.set_subset(None)
    model.set_split("both")
    return model, runner


def test_a_reopened_run_shows_every_point_from_its_codes_and_encodes_nothing(run_copy, predictions):
    first, runner = _explorer()
    first.open(RunSource(run_copy))
    _preview_first(runner)
    # The probe images at once, while the model loads.
    assert first.loaded is None and first.forming is not None and first.forming.note.startswith("a first")
    runner.run_all()
    assert "encoder" in predictions and "decoder" not in predictions  # errors are not worked out unasked
    whole = first.shown
    first.shutdown()
    first.loaded.close()

    predictions.clear()
    again, runner = _explorer()
    again.open(RunSource(run_copy))
    _preview_first(runner)
    # The map that was shown, at once, before the model and its images are loaded.
    assert again.loaded is None and again.forming.note.startswith("every point")
    np.testing.assert_array_equal(again.forming.coords, whole.projection.coords)
    np.testing.assert_array_equal(again.forming.latents.labels, whole.latents.labels)
    runner.run_all()
    assert predictions == []  # the map came from the folder: no image went through the encoder
    np.testing.assert_array_equal(again.shown.latents.mu, whole.latents.mu)
    np.testing.assert_array_equal(again.shown.latents.z, whole.latents.z)  # the draws it showed, kept
    np.testing.assert_array_equal(again.shown.projection.coords, whole.projection.coords)  # no jump when loaded
    np.testing.assert_array_equal(again.shown.latents.labels, whole.latents.labels)

    again.set_colour("error")  # now the decoder runs, once, and its errors are kept too
    runner.run_all()
    assert predictions and set(predictions) == {"decoder"}
    errors = again.shown.latents.reconstruction_error
    assert errors is not None and np.all(errors > 0)
    again.shutdown()
    again.loaded.close()
    third, runner = _explorer()
    third.open(RunSource(run_copy))
    third.set_colour("error")
    predictions.clear()
    runner.run_all()
    assert predictions == []
    np.testing.assert_array_equal(third.shown.latents.reconstruction_error, errors)
    third.loaded.close()


def test_codes_are_kept_for_the_newest_epochs_only(run_copy):
    from vaegui.latent.code_store import KEEP_EPOCHS, CodeStore, WeightsIdentity
    from vaegui.runs import Run

    run = Run.open(run_copy)
    weights = WeightsIdentity.of(run.folder, run.checkpoint)
    for epoch in range(1, KEEP_EPOCHS + 3):
        CodeStore.open(run.folder, epoch, weights, {"train": 4, "test": 2}, 4).close()
    kept = sorted(path.name for path in (Path(run_copy) / CODES_DIR).iterdir())
    assert kept == [f"epoch-{epoch:05d}" for epoch in range(3, KEEP_EPOCHS + 3)]
