"""ExperimentWorker: an experiment's runs trained one after the other in a trainer process
(vaegui.training.experiments there), its progress and outcome passed on as Qt signals on the GUI thread."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from vaegui.app.jobs import JobRunner
from vaegui.app.trainer_link import TrainerExit, TrainerPool, TrainerProcess
from vaegui.training.experiments import ExperimentResult, PlannedRun
from vaegui.training.stream import Event
from vaegui.words.trainer_messages import crash_text


@dataclass(frozen=True)
class ExperimentProgress:
    """Where the experiment is: run `index` of `count` (named `name`), its epoch and batch, and its latest loss (None
    before its first batch is reported)."""

    index: int
    count: int
    name: str
    epoch: int
    epochs: int
    batch: int
    batches: int
    loss: float | None = None

    @property
    def fraction(self) -> float:
        within = ((self.epoch - 1) + self.batch / max(self.batches, 1)) / max(self.epochs, 1)
        return (self.index + min(max(within, 0.0), 1.0)) / self.count

    def describe(self) -> str:
        return f"Training {self.index + 1} of {self.count}: {self.name} · epoch {self.epoch} of {self.epochs}"


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


class ExperimentWorker(QObject):
    """Sends the planned runs (plain values) to a trainer of the pool and reports what it says; never trains here."""

    status = Signal(str)
    progress = Signal(object)  # ExperimentProgress
    finished = Signal(object)  # ExperimentResult
    failed = Signal(str)

    def __init__(self, planned: tuple[PlannedRun, ...], runs_root: Path, pool: TrainerPool, runner: JobRunner):
        super().__init__()
        self.planned, self.runs_root, self.pool, self.runner = planned, Path(runs_root), pool, runner
        self.trainer: TrainerProcess | None = None
        self.stop_requested = False
        self._index, self._name = 0, planned[0].name if planned else ""

    def start(self) -> None:
        self.trainer = trainer = self.pool.take()
        trainer.event.connect(self._on_event)
        trainer.exited.connect(self._on_exit)
        planned = [{"name": p.name, "folder_stem": p.folder_stem, "config": p.config.to_dict()} for p in self.planned]
        trainer.train({"kind": "experiment", "planned": planned, "runs_root": str(self.runs_root)})

    def stop(self) -> None:
        """The run under way stops at its next batch (its last completed epoch is kept); no further run starts."""
        self.stop_requested = True
        if self.trainer is not None:
            self.trainer.send("stop")

    def shutdown(self) -> None:
        """The window is closing: stop, and stop listening (the trainer ends on its own)."""
        self.stop()
        self._let_go()

    def _on_event(self, event: Event) -> None:
        if event.name == "status":
            self.status.emit(event["text"])
        elif event.name == "experiment":
            self._index, self._name = event["index"], event["name"]
        elif event.name == "batch":
            losses = event["losses"].get("loss") or [None]
            self._progress(event["epoch"], event["epochs"], event["batch"], event["batches"], _number(losses[-1]))
        elif event.name == "epoch":
            self._progress(event["epoch"], event["epochs"], 1, 1, _number(event["record"].get("loss")))
        elif event.name in ("stopped", "finished"):
            self._finish([Path(folder) for folder in event.get("runs", [])], event.name == "stopped")
        elif event.name == "failed":
            self._give_back()
            self.failed.emit(event["message"])

    def _progress(self, epoch: int, epochs: int, batch: int, batches: int, loss: float | None) -> None:
        self.progress.emit(ExperimentProgress(self._index, len(self.planned), self._name, epoch, epochs, batch,
                                              batches, loss))

    def _finish(self, folders: list[Path], stopped: bool) -> None:
        from vaegui.runs.library import read_run_summary

        self._give_back()
        self.runner.submit(lambda report, cancel: tuple(read_run_summary(folder) for folder in folders), lane=None,
                           on_done=lambda runs: self.finished.emit(ExperimentResult(runs, stopped)),
                           on_failed=self.failed.emit, on_cancelled=lambda: None)

    def _on_exit(self, exit_: TrainerExit) -> None:
        if self._let_go() is not None:
            self.failed.emit(crash_text(exit_.kind, exit_.detail, exit_.returncode, None, None))

    def _give_back(self) -> None:
        trainer = self._let_go()
        if trainer is not None:
            self.pool.give_back(trainer)
            self.pool.prewarm()

    def _let_go(self) -> TrainerProcess | None:
        trainer, self.trainer = self.trainer, None
        if trainer is not None:
            trainer.event.disconnect(self._on_event)
            trainer.exited.disconnect(self._on_exit)
        return trainer
