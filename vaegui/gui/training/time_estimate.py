"""How long the default training takes on this machine, for the welcome and the tour: a few batches timed by the
warm trainer process at first launch, replaced by what each whole training took; remembered in the app's settings."""

from __future__ import annotations

import json
import time

import shiboken6
from PySide6.QtCore import QObject, Signal

from vaegui.app.training_model import IDLE, PAUSED, TRAINING, TrainingModel
from vaegui.config import RunConfig
from vaegui.gui.common.wording import app_settings
from vaegui.training.first_run import (
    IMAGE_SHAPES,
    Pace,
    estimate_range,
    pace_from_training,
    say_duration_range,
)

PACE_KEY = "training/pace/{dataset}"


class TrainingTimes(QObject):
    """This machine's pace per named dataset for the default model: `estimate(config)` says how long a training of
    `config` takes, as (fewest, most) seconds. `changed` when a measurement lands."""

    changed = Signal()

    def __init__(self, state, model: TrainingModel, is_default_model, parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.model = state, model
        self.is_default_model = is_default_model  # config -> whether the default model and batch size train it
        self.measuring: str | None = None  # the dataset whose batches are being timed now
        self._trainer = None  # the trainer timing them
        self._training: dict | None = None  # the training under way: its settings, epochs before, clock
        state.trainer_ready.connect(self._on_trainer_ready)
        model.mode_changed.connect(self._on_mode)
        self._wanted: str | None = None

    # ---- what the welcome and the tour say --------------------------------------------------------

    def pace(self, dataset: str) -> Pace | None:
        stored = app_settings().value(PACE_KEY.format(dataset=dataset))
        if not stored:
            return None
        try:
            return Pace.from_dict(json.loads(str(stored)))
        except ValueError:
            return None

    def estimate(self, config: RunConfig | None) -> tuple[float, float] | None:
        if config is None or not self.is_default_model(config):
            return None  # another model's time is not guessed
        data = config.data
        return estimate_range(self.pace(data.dataset), data.dataset, data.subset, config.training.epochs)

    def say(self, config: RunConfig | None) -> str:
        """'about 20–35 s', or '' when there is no estimate (yet)."""
        seconds = self.estimate(config)
        return "" if seconds is None else f"about {say_duration_range(seconds)}"

    # ---- measuring --------------------------------------------------------------------------------

    def want(self, dataset: str) -> None:
        """The dataset the form shows: timed once TensorFlow is in, if this machine's pace for it is not known."""
        self._wanted = dataset
        self.measure_if_unknown()

    def _on_trainer_ready(self, _device: str) -> None:
        self.measure_if_unknown()

    def measure_if_unknown(self) -> None:
        dataset, trainer = self._wanted, self.state.trainers.idle
        if (dataset not in IMAGE_SHAPES or self.pace(dataset) is not None or self.measuring is not None
                or trainer is None or not trainer.ready):
            return
        self.measuring, self._trainer = dataset, trainer
        trainer.event.connect(self._on_trainer_event)
        trainer.exited.connect(self._on_trainer_exit)
        # A job of seconds for the warm trainer, which stays the pool's: a Train pressed meanwhile queues behind it.
        trainer.train({"kind": "time_default_batches", "dataset": dataset,
                       "batch_size": RunConfig().training.batch_size})

    def _on_trainer_event(self, event) -> None:
        if not shiboken6.isValid(self):  # its welcome was deleted without shutdown; the pool serves the whole process
            self._let_go()
            return
        if event.name != "timed":
            return
        self._let_go()
        pace = Pace.from_dict(event["pace"]) if isinstance(event.get("pace"), dict) else None
        if pace is None:
            self._on_timing_failed("")
        else:
            self._on_timed(pace)

    def _on_trainer_exit(self, _exit) -> None:
        self._let_go()
        self.measuring = None

    def _let_go(self) -> None:
        trainer, self._trainer = self._trainer, None
        if trainer is not None:
            trainer.event.disconnect(self._on_trainer_event)
            trainer.exited.disconnect(self._on_trainer_exit)

    def shutdown(self) -> None:
        """The window is closing: a timing under way is no longer listened to (its trainer ends with the window)."""
        self._let_go()

    def _on_timed(self, pace: Pace) -> None:
        dataset, self.measuring = self.measuring, None
        if self.pace(dataset) is None:  # a whole training measured meanwhile says more
            self._store(dataset, pace)
        self.measure_if_unknown()

    def _on_timing_failed(self, _message: str) -> None:
        self.measuring = None  # no estimate then; training itself says what is wrong

    def _store(self, dataset: str, pace: Pace) -> None:
        app_settings().setValue(PACE_KEY.format(dataset=dataset), json.dumps(pace.to_dict()))
        self.changed.emit()

    # ---- a whole training, timed ------------------------------------------------------------------

    def start_training(self, config: RunConfig | None) -> None:
        """The settings about to be trained (the form's), so that the time they take refines the estimate."""
        self._training = None if config is None or not self.is_default_model(config) else {
            "config": config, "epochs_before": self.model.epochs_completed, "started": None, "paused": 0.0,
            "paused_at": None}

    def _on_mode(self) -> None:
        training, mode, now = self._training, self.model.mode, time.monotonic()
        if training is None:
            return
        if mode == TRAINING:
            if training["started"] is None:
                training["started"] = now
            elif training["paused_at"] is not None:
                training["paused"] += now - training["paused_at"]
                training["paused_at"] = None
        elif mode == PAUSED:
            training["paused_at"] = now
        elif mode == IDLE and training["started"] is not None:
            self._training = None
            config = training["config"]
            trained = self.model.epochs_completed - training["epochs_before"]
            if trained != config.training.epochs - training["epochs_before"] or trained <= 0:
                return  # stopped early, or failed: not what a whole training takes
            seconds = now - training["started"] - training["paused"]
            data = config.data
            pace = pace_from_training(data.dataset, data.subset, trained, seconds, self.pace(data.dataset))
            if pace is not None:
                self._store(data.dataset, pace)
