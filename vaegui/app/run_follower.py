"""Follows one training into the Training model: this window's trainer process, through its progress stream, or a
run another process trains (a terminal's `vaegui train`, another window, a server writing a shared disk), through
its run folder, live and read-only: TensorBoard's stance, the viewer is not the trainer. Qt-free."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from psygnal import Signal

from vaegui.app.jobs import JobRunner
from vaegui.app.trainer_link import TrainerExit, TrainerPool, TrainerProcess
from vaegui.app.training_model import FOLLOWING, IDLE, BatchPoint, Outcome, TrainingModel, batch_rows_to_arrays
from vaegui.config import RunConfig
from vaegui.runs.epoch_views import EpochViews, EpochViewsReader
from vaegui.runs.lock import LockHolder, run_folder_holder
from vaegui.runs.snapshot import RunSnapshot
from vaegui.training.progress import TrainingStart
from vaegui.training.stream import Event
from vaegui.words import trainer_messages as say

FOLDER_POLL_S = 1.0  # how often a followed run folder is looked at (a few small reads)


@dataclass(frozen=True)
class FolderUpdate:
    """What a followed run folder holds beyond the epochs already shown."""

    epochs_completed: int
    config: RunConfig | None  # None when nothing new was saved
    rows: tuple[dict[str, float], ...]
    batches: tuple[dict[str, float], ...]
    views: dict[int, EpochViews]
    holder: LockHolder | None


def read_folder_update(folder: Path, since: int, reader: EpochViewsReader) -> FolderUpdate:
    """The epochs after `since` a run folder has saved, and who trains it now (a worker's job)."""
    from vaegui.runs import Run
    from vaegui.runs.folder import saved_epochs

    holder = run_folder_holder(folder)
    if saved_epochs(folder) <= since:
        return FolderUpdate(since, None, (), (), {}, holder)
    run = Run.open(folder)
    rows = tuple(row for row in run.history if row["epoch"] > since)
    batches = tuple(row for row in run.batch_history if row["epoch"] > since)
    views = {int(row["epoch"]): v for row in rows if (v := reader.read(int(row["epoch"]))) is not None}
    return FolderUpdate(run.epochs_completed, run.config, rows, batches, views, holder)


def first_background_training(folders: list[Path]) -> Path | None:
    """The first of `folders` a vaegui window's trainer on this computer is training (a worker's job): a training
    kept going when its window closed, which the next window shows."""
    for folder in folders:
        holder = run_folder_holder(folder) if (folder / "lock.json").is_file() else None
        if holder is not None and holder.on_this_host and say.is_window_trainer(holder):
            return folder
    return None


def _numbers(values: dict[str, Any]) -> dict[str, float]:
    # The stream carries a missing figure (NaN) as null.
    return {key: math.nan if value is None else float(value) for key, value in values.items()}


class RunFollower:
    """Starts this window's trainings on a trainer of the pool and follows them, or follows a run folder."""

    run_opened = Signal(str, int)  # a run is shown (created, continued or followed): folder, epochs saved
    epoch_saved = Signal(str, int)  # that run saved an epoch: folder, epochs saved
    dataset_missing = Signal(str, str)  # a continued run's images are not where it says: folder, what is missing

    def __init__(self, model: TrainingModel, runner: JobRunner, pool: TrainerPool, *,
                 poll_seconds: float = FOLDER_POLL_S):
        self.model, self.runner, self.pool = model, runner, pool
        self.poll_seconds = poll_seconds
        self.trainer: TrainerProcess | None = None  # this window's, while its job runs
        self.lane = runner.new_lane("training views")  # epochs' views read in order, then endings
        self._reader: EpochViewsReader | None = None
        self._followed: Path | None = None
        self._polling = False
        self._last_poll = -math.inf

    # ---- this window's trainings ---------------------------------------------------------------

    def train(self, job: dict[str, Any], status: str) -> None:
        """Start `job` (trainer_process's job: a new run, a continued one, an experiment) on a trainer of the pool."""
        trainer = self.pool.take()
        self.trainer, self._reader, self._followed = trainer, None, None
        trainer.event.connect(self._on_event)
        trainer.exited.connect(self._on_exit)
        trainer.log_line.connect(self.model.add_log_line)
        waiting = "" if trainer.ready else " (TensorFlow is still starting in the trainer)"
        self.model.begin(self, status + waiting)
        trainer.train(job)

    def pause(self) -> None:
        if self.trainer is not None:
            self.trainer.send("pause")

    def resume(self) -> None:
        if self.trainer is not None:
            self.trainer.send("resume")

    def stop(self) -> None:
        if self.trainer is not None:
            self.trainer.send("stop")

    def _on_event(self, event: Event) -> None:
        handler = getattr(self, f"_event_{event.name}", None)
        if handler is not None:
            handler(event)

    def _event_status(self, event: Event) -> None:
        self.model.say(event["text"])

    def _event_note(self, event: Event) -> None:
        self.model.note(event["text"])

    def _event_run(self, event: Event) -> None:
        folder = Path(event["folder"])
        config = RunConfig.from_dict(event["config"])
        shown = self.model.run
        if shown is None or shown.folder.resolve() != folder.resolve():
            self.model.show_run(RunSnapshot(folder, config, event["epochs_completed"], event.get("class_names"), (),
                                            ()))
        else:  # continued: the curves stay, the settings (more epochs) change
            self.model.update_run(replace(shown, config=config))
        self._reader = EpochViewsReader(folder)
        self.run_opened.emit(str(folder), event["epochs_completed"])

    def _event_start(self, event: Event) -> None:
        fields = {key: event[key] for key in ("device", "run_folder", "initial_epoch", "epochs", "batches_per_epoch",
                                              "train_images")}
        self.model.started(TrainingStart(**fields, notes=tuple(event["notes"])))

    def _event_batch(self, event: Event) -> None:
        losses = {name: np.array([math.nan if v is None else v for v in values], np.float64)
                  for name, values in event["losses"].items()}
        latest = BatchPoint(event["epoch"], event["epochs"], event["batch"], event["batches"],
                            float(event["images_per_second"]), float(event["eta_seconds"]))
        self.model.add_batches(np.array(event["positions"], np.float64), losses, latest)

    def _event_epoch(self, event: Event) -> None:
        record, reader = _numbers(event["record"]), self._reader
        epoch, folder = int(event["epoch"]), self.model.folder
        load = event.get("views") is not None and reader is not None
        self._in_order(lambda: reader.read(epoch) if load else None,
                       lambda views: self._add_epoch(record, views, folder))

    def _add_epoch(self, record: dict[str, float], views: EpochViews | None, folder: Path | None) -> None:
        if folder is None or self.model.folder != folder:
            return  # another run is shown now
        self.model.add_epoch(record, views)
        self.epoch_saved.emit(str(folder), int(record["epoch"]))

    def _event_paused(self, event: Event) -> None:
        self.model.paused_after(int(event["epoch"]), int(event["batch"]))

    def _event_stopped(self, event: Event) -> None:
        self._in_order(lambda: None, lambda _: self._end(event))

    _event_finished = _event_failed = _event_stopped

    def _end(self, event: Event) -> None:
        trainer = self._let_go()
        if trainer is not None:
            self.pool.give_back(trainer)
        kept = int(event.get("epochs_completed", 0))
        epochs = self.model.run.config.training.epochs if self.model.run is not None else 0
        if event.name == "finished":
            self.model.ended(Outcome("finished", say.finished_text(kept), kept))
        elif event.name == "stopped":
            self.model.ended(Outcome("stopped", say.stopped_text(kept, epochs), kept))
        elif event["reason"] == "in_use":
            raw = event.get("holder")
            holder = LockHolder(**raw) if isinstance(raw, dict) else None
            folder = Path(event.get("folder") or "")
            refusal = Outcome("refused", say.in_use_text(holder, folder), kept)
            self.model.ended(refusal)
            self.open_and_follow(folder, refusal)  # nothing failed: it trains elsewhere, and is shown as it does
        else:
            if event["reason"] == "dataset_missing":
                self.dataset_missing.emit(event.get("folder", ""), event.get("problem", ""))
            self.model.ended(Outcome("failed", event["message"], kept))
        self.pool.prewarm()

    def _on_exit(self, exit_: TrainerExit) -> None:
        """The trainer died (or was ended) before saying how its job ended: said plainly, from what the folder keeps."""
        folder = self.model.folder

        def kept() -> int:
            from vaegui.runs.folder import saved_epochs

            return saved_epochs(folder) if folder is not None else 0

        def crashed(epochs_kept: int) -> None:
            if self.trainer is None:
                return  # its job had ended
            self._let_go()
            total = self.model.run.config.training.epochs if self.model.run is not None else None
            text = say.crash_text(exit_.kind, exit_.detail, exit_.returncode, epochs_kept, total)
            self.model.ended(Outcome("crashed", text, epochs_kept))
            self.pool.prewarm()

        self._in_order(kept, crashed)

    def _let_go(self) -> TrainerProcess | None:
        trainer, self.trainer = self.trainer, None
        if trainer is not None:
            trainer.event.disconnect(self._on_event)
            trainer.exited.disconnect(self._on_exit)
            trainer.log_line.disconnect(self.model.add_log_line)
        return trainer

    def _in_order(self, work, apply) -> None:
        """`work` on the views' lane, `apply` with its result on the models' thread, after every earlier one."""
        self.runner.submit(lambda report, cancel: work(), lane=self.lane, on_done=apply,
                           on_failed=lambda message: apply(None), on_cancelled=lambda: None)

    # ---- a run another process trains ------------------------------------------------------------

    def follow(self, snapshot: RunSnapshot, outcome: Outcome | None = None) -> None:
        """Show `snapshot`'s run (already in the model) as it goes on being trained by its lock's holder; `outcome`
        says why, when this window had asked to train it."""
        self._followed, self._reader = Path(snapshot.folder), EpochViewsReader(snapshot.folder)
        self._last_poll = -math.inf
        self.model.follow(snapshot.holder, self._following_text(snapshot.holder), outcome)

    def unfollow(self) -> None:
        """Another run is shown, or trained here: the followed one is let go (it trains on, unwatched)."""
        self._followed = None
        if self.model.mode == FOLLOWING:
            self.model.ended(None)

    def open_and_follow(self, folder: Path, outcome: Outcome | None = None) -> None:
        """Read the run in `folder` (off this thread), show it and follow it."""
        from vaegui.runs.snapshot import RunSnapshot as Snapshot

        def shown(snapshot: Snapshot) -> None:
            if self.model.mode not in (IDLE, FOLLOWING):
                return
            if self.model.run is None or self.model.run.folder.resolve() != snapshot.folder.resolve():
                self.model.show_run(snapshot)
                self.run_opened.emit(str(snapshot.folder), snapshot.epochs_completed)
            if snapshot.holder is not None:
                self.follow(snapshot, outcome)

        self.runner.submit(lambda report, cancel: Snapshot.read(folder), lane=self.lane, on_done=shown,
                           on_failed=lambda message: None, on_cancelled=lambda: None)

    def tick(self, now: float | None = None) -> None:
        """About once a second (the view's timer): silent trainers are caught; a followed folder is looked at."""
        now = time.monotonic() if now is None else now
        self.pool.check(now)
        if self.model.mode != FOLLOWING or self._followed is None or self._polling:
            return
        if now - self._last_poll < self.poll_seconds:
            return
        self._polling, self._last_poll = True, now
        folder, since, reader = self._followed, self.model.epochs_completed, self._reader
        self._in_order(lambda: read_folder_update(folder, since, reader), lambda update: self._apply(folder, update))

    def _apply(self, folder: Path, update: FolderUpdate | None) -> None:
        self._polling = False
        if update is None or self.model.mode != FOLLOWING or self._followed != folder:
            return
        model = self.model
        if update.config is not None:
            model.update_run(replace(model.run, config=update.config, epochs_completed=update.epochs_completed))
        if update.batches:
            model.add_batches(*batch_rows_to_arrays(list(update.batches)))
        for row in update.rows:
            model.add_epoch(row, update.views.get(int(row["epoch"])))
        if update.rows:
            self.epoch_saved.emit(str(folder), update.epochs_completed)
        if update.holder is None:
            total = model.run.config.training.epochs
            self._followed = None
            model.ended(Outcome("ended_elsewhere", say.ended_elsewhere_text(model.epochs_completed, total),
                                model.epochs_completed))
        else:
            model.holder = update.holder
            model.say(self._following_text(update.holder))

    def _following_text(self, holder: LockHolder | None) -> str:
        run = self.model.run
        total = run.config.training.epochs if run is not None else 0
        return say.following_text(holder, self.model.epochs_completed, total)

    # ---- closing ---------------------------------------------------------------------------------

    def shutdown(self, keep_training: bool = False) -> None:
        """The window is closing: this window's training stops at its next batch (its last completed epoch is kept),
        or, when the person chose to keep it, goes on with nobody watching; following ends."""
        self._followed = None
        trainer = self._let_go()  # what it says from now on reaches no view: they are going
        if trainer is not None:
            trainer.send("detach" if keep_training else "stop")
        self.runner.retire_lane(self.lane)
