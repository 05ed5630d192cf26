"""The Training tab's Qt-free state: the mode machine, one pause/stop state, what may be done, overlays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import tiny_config
from vaegui.app.training_model import FOLLOWING, IDLE, PAUSED, STOPPING, TRAINING, Outcome, TrainingModel
from vaegui.runs.lock import LockHolder
from vaegui.runs.snapshot import RunSnapshot


def _snapshot(folder: Path, epochs: int = 2) -> RunSnapshot:
    history = tuple({"epoch": float(e), "loss": 10.0 / e} for e in range(1, epochs + 1))
    return RunSnapshot(folder, tiny_config(epochs=epochs), epochs, None, history, ())


class Remote:
    """What the trainer process's control channel received."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def pause(self) -> None:
        self.sent.append("pause")

    def resume(self) -> None:
        self.sent.append("resume")

    def stop(self) -> None:
        self.sent.append("stop")


def test_the_mode_machine_and_its_one_remote():
    model = TrainingModel()
    modes = []
    model.mode_changed.connect(lambda: modes.append(model.mode))
    assert model.can_start(True) and not model.can_start(False) and model.can_open()
    remote = Remote()
    model.begin(remote, "Starting…")
    assert model.mode == TRAINING and not model.can_open() and not model.can_start(True)
    with pytest.raises(RuntimeError):
        model.begin(Remote())
    model.pause()
    assert model.mode == PAUSED and remote.sent == ["pause"]
    model.pause()  # the same button resumes
    assert model.mode == TRAINING and remote.sent[-1] == "resume"
    model.pause()
    model.stop()
    assert model.mode == STOPPING and remote.sent[-1] == "stop"
    assert not model.can_pause() and not model.can_stop()
    model.ended(Outcome("stopped", "Stopped", 1))
    assert model.mode == IDLE and model.remote is None and model.outcome.kind == "stopped"
    assert modes == [TRAINING, PAUSED, TRAINING, PAUSED, STOPPING, IDLE]


def test_a_followed_run_may_be_watched_but_not_continued_until_its_trainer_lets_go(tmp_path):
    model = TrainingModel()
    model.show_run(_snapshot(tmp_path / "a", epochs=2))
    model.follow(LockHolder(4242, "host", 0.0, "vaegui train --epochs 9"), "trained elsewhere")
    assert model.mode == FOLLOWING and model.can_open() and model.can_start(True)
    assert not model.can_continue(True, 5) and not model.can_pause() and not model.can_stop()
    model.ended(Outcome("ended_elsewhere", "ended", 2))
    assert model.can_continue(True, 5)


def test_batch_curves_grow_and_an_epoch_trained_again_replaces_its_batches():
    model = TrainingModel()
    model.add_batches(np.array([0.5, 1.0, 1.5]), {"loss": np.array([3.0, 2.0, 1.5])})
    model.add_batches(np.array([1.25, 1.5, 2.0]), {"loss": np.array([9.0, 8.0, 7.0])})  # epoch 2 again (a continue)
    np.testing.assert_array_equal(model.curves.positions, [0.5, 1.0, 1.25, 1.5, 2.0])
    np.testing.assert_array_equal(model.curves.losses("loss"), [3.0, 2.0, 9.0, 8.0, 7.0])
    assert np.isnan(model.curves.losses("kl_loss")).all()


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
