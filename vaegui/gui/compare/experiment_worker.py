"""ExperimentWorker: an experiment's runs trained one after the other in a QThread (vaegui.training.experiments),
its progress sent as time-throttled Qt signals."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from vaegui.gui.common.workers import give_the_gui_thread_priority, run_and_report
from vaegui.training.control import TrainingControl
from vaegui.training.experiments import PlannedRun, train_experiment
from vaegui.training.progress import BatchProgress, EpochProgress, TrainingListener

MAX_SIGNALS_PER_SECOND = 10


@dataclass(frozen=True)
class ExperimentProgress:
    """Where the experiment is: run `index` of `count` (named `name`), its epoch and batch."""

    index: int
    count: int
    name: str
    epoch: int
    epochs: int
    batch: int
    batches: int

    @property
    def fraction(self) -> float:
        within = ((self.epoch - 1) + self.batch / max(self.batches, 1)) / max(self.epochs, 1)
        return (self.index + min(max(within, 0.0), 1.0)) / self.count

    def describe(self) -> str:
        return f"Training {self.index + 1} of {self.count}: {self.name} · epoch {self.epoch} of {self.epochs}"


class _Listener(TrainingListener):
    """Called by the training thread every batch; passes on at most MAX_SIGNALS_PER_SECOND updates."""

    def __init__(self, worker: ExperimentWorker, index: int, plan: PlannedRun):
        self.worker, self.index, self.plan = worker, index, plan
        self._last = 0.0

    def on_batch(self, progress: BatchProgress) -> None:
        now = time.perf_counter()
        if now - self._last >= 1.0 / MAX_SIGNALS_PER_SECOND:
            self._last = now
            self._send(progress.epoch, progress.epochs, progress.batch, progress.batches)

    def on_epoch(self, progress: EpochProgress) -> None:
        self._send(progress.epoch, progress.epochs, 1, 1)

    def _send(self, epoch: int, epochs: int, batch: int, batches: int) -> None:
        self.worker.progress.emit(ExperimentProgress(self.index, len(self.worker.planned), self.plan.name, epoch,
                                                     epochs, batch, batches))


class ExperimentWorker(QObject):
    """Lives in its own QThread; gets plain values (the planned runs, a folder, the control), never a live object."""

    status = Signal(str)
    progress = Signal(object)  # ExperimentProgress
    finished = Signal(object)  # ExperimentResult
    failed = Signal(str)

    def __init__(self, planned: tuple[PlannedRun, ...], runs_root: Path, control: TrainingControl):
        super().__init__()
        self.planned, self.runs_root, self.control = planned, Path(runs_root), control

    def work(self) -> None:
        give_the_gui_thread_priority()
        run_and_report(self, lambda: train_experiment(self.planned, self.runs_root, self._listener_for,
                                                      self.control, self.status.emit),
                       "The experiment failed unexpectedly")

    def _listener_for(self, index: int, plan: PlannedRun) -> TrainingListener:
        return _Listener(self, index, plan)
