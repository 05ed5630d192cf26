"""How long the default training takes on this machine, for the welcome and the tour: a few batches timed off the GUI
thread at first launch, replaced by what each whole training took; remembered in the app's settings."""

from __future__ import annotations

import atexit
import json
import time

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
    time_default_batches,
)

PACE_KEY = "training/pace/{dataset}"
_RUNNING: dict = {}  # timings under way: QThread -> its worker, kept alive until the thread ends


def _wait_for_timings() -> None:
    for thread in list(_RUNNING):
        try:
            thread.quit()
            thread.wait(60_000)
        except RuntimeError:
            pass


atexit.register(_wait_for_timings)


class TrainingTimes(QObject):
    """This machine's pace per named dataset for the default model: `estimate(config)` says how long a training of
    `config` takes, as (fewest, most) seconds. `changed` when a measurement lands."""

    changed = Signal()

    def __init__(self, state, model: TrainingModel, is_default_model, parent: QObject | None = None):
        super().__init__(parent)
        self.state, self.model = state, model
        self.is_default_model = is_default_model  # config -> whether the default model and batch size train it
        self.measuring: str | None = None  # the dataset whose batches are being timed now
        self._thread = None
        self._training: dict | None = None  # the training under way: its settings, epochs before, clock
        state.tensorflow_ready.connect(lambda _device: self.measure_if_unknown())
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

    def measure_if_unknown(self) -> None:
        dataset = self._wanted
        if (dataset not in IMAGE_SHAPES or self.pace(dataset) is not None or self.measuring is not None
                or not self.state.tensorflow_loaded):
            return
        from PySide6.QtCore import QThread

        from vaegui.gui.common.workers import TaskWorker

        self.measuring = dataset
        worker = TaskWorker(time_default_batches, dataset, RunConfig().training.batch_size)
        worker.finished.connect(self._on_timed)
        worker.failed.connect(self._on_timing_failed)
        # A thread of no widget's: a window (or a test's tab) deleted within the timing's seconds must not delete it
        # while it runs (Qt aborts); it is kept until it ends, and waited for when the program ends.
        thread = QThread()
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        for signal in (worker.finished, worker.failed):
            signal.connect(thread.quit)
        thread.finished.connect(lambda: _RUNNING.pop(thread, None))
        _RUNNING[thread] = worker
        self._thread = thread
        thread.start()

    def shutdown(self) -> None:
        """Wait for a timing under way (a few seconds at most): a thread still running when Qt deletes it aborts."""
        thread, self._thread = self._thread, None
        try:
            if thread is not None and thread.isRunning():
                thread.quit()  # its finished -> quit hop is queued to this (waiting) thread: asked here
                thread.wait(60_000)
        except RuntimeError:
            pass  # already deleted after finishing

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
