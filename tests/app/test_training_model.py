"""The Training tab's Qt-free state: the mode machine, one pause/stop state, what may be done, overlays."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tiny_config
from vaegui.app.training_model import IDLE, PAUSED, STOPPING, TRAINING, TrainingModel
from vaegui.runs.snapshot import RunSnapshot


def _snapshot(folder: Path, epochs: int = 2) -> RunSnapshot:
    history = tuple({"epoch": float(e), "loss": 10.0 / e} for e in range(1, epochs + 1))
    return RunSnapshot(folder, tiny_config(epochs=epochs), epochs, None, history, ())


def test_the_mode_machine_and_its_one_control():
    model = TrainingModel()
    modes = []
    model.mode_changed.connect(lambda: modes.append(model.mode))
    assert model.can_start(True) and not model.can_start(False) and model.can_open()
    control = model.begin()
    assert model.mode == TRAINING and not model.can_open() and not model.can_start(True)
    with pytest.raises(RuntimeError):
        model.begin()
    model.pause()
    assert model.mode == PAUSED and control.paused  # the session obeys this very object
    model.pause()  # the same button resumes
    assert model.mode == TRAINING and not control.paused
    model.pause()
    model.stop()
    assert model.mode == STOPPING and control.stop_requested and not control.paused  # a paused run wakes to stop
    assert not model.can_pause() and not model.can_stop()
    model.ended()
    assert model.mode == IDLE and model.control is None
    assert modes == [TRAINING, PAUSED, TRAINING, PAUSED, STOPPING, IDLE]


def test_continue_needs_an_open_run_with_fewer_epochs_than_wanted(tmp_path):
    model = TrainingModel()
    assert not model.can_continue(True, 5)
    model.show_run(_snapshot(tmp_path / "a", epochs=2))
    assert model.can_continue(True, 5) and not model.can_continue(True, 2) and not model.can_continue(False, 5)
    model.add_epoch({"epoch": 3.0, "loss": 1.0}, None)
    assert model.epochs_completed == 3 and not model.can_continue(True, 3)


def test_overlays_are_removable_and_the_run_itself_is_never_one(tmp_path):
    model = TrainingModel()
    model.show_run(_snapshot(tmp_path / "a"))
    model.add_overlay("a", tmp_path / "a", [{"epoch": 1.0}])
    assert model.overlays == []  # the run is drawn already
    model.add_overlay("b", tmp_path / "b", [{"epoch": 1.0}])
    model.add_overlay("c", tmp_path / "c", [{"epoch": 1.0}])
    assert [o.name for o in model.overlays] == ["b", "c"]
    model.remove_overlay("b")
    assert [o.name for o in model.overlays] == ["c"]
    model.show_run(_snapshot(tmp_path / "c"))
    assert model.overlays == []  # opened: no longer drawn over itself
