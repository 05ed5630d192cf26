"""The Training tab's state, Qt-free: training's mode and progress, the run shown, its curves and epochs' views,
overlays, and how the last training ended.

Views read it and listen to its signals; the buttons and the menu ask it what may be done now, so they
always agree. It runs on one thread (the GUI's); the trainer process reaches it only through the run
follower (vaegui.app.run_follower), which reads the trainer's progress or a run folder and calls it.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from psygnal import Signal

from vaegui.loss_terms import LOSS_NAMES
from vaegui.runs.epoch_views import EpochViews
from vaegui.runs.history import merge_epoch_rows
from vaegui.runs.lock import LockHolder
from vaegui.runs.snapshot import RunSnapshot
from vaegui.training.progress import TrainingStart

# FOLLOWING: a run another process trains (a terminal's `vaegui train`, another window, a server), shown live.
IDLE, TRAINING, PAUSED, STOPPING, FOLLOWING = "idle", "training", "paused", "stopping", "following"
LOG_LINES_SHOWN = 400


class TrainingRemote(Protocol):
    """What pauses, resumes and stops a training this window started (the trainer process's control channel)."""

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Overlay:
    """Another run's curves drawn in grey for comparison."""

    name: str
    folder: Path
    history: tuple[dict[str, float], ...]


@dataclass(frozen=True)
class BatchPoint:
    """The latest batch, as the progress bar says it."""

    epoch: int
    epochs: int
    batch: int
    batches: int
    images_per_second: float
    eta_seconds: float


@dataclass(frozen=True)
class Outcome:
    """How the last training shown here ended, in plain words.

    kind: "finished", "stopped", "failed" (an error, said in `message`), "crashed" (the trainer process
    died or was ended: `message` says how and what was kept), "refused" (another process trains the run:
    nothing failed, it is followed), "ended_elsewhere" (a followed run's trainer let go).
    """

    kind: str
    message: str
    epochs_completed: int


class BatchCurves:
    """Every batch's losses, at fractional-epoch positions (epoch 3, batch 10 of 50 → 2.2), growing in place."""

    def __init__(self) -> None:
        self._positions = np.empty(1024, np.float64)
        self._losses = {name: np.empty(1024, np.float64) for name in LOSS_NAMES}
        self.size = 0

    @property
    def positions(self) -> np.ndarray:
        return self._positions[: self.size]

    def losses(self, name: str) -> np.ndarray:
        return self._losses[name][: self.size]

    def add(self, positions: np.ndarray, losses: dict[str, np.ndarray]) -> None:
        """Append batches; batches of an epoch trained again replace that epoch's (merge_epoch_rows' rule)."""
        positions = np.asarray(positions, np.float64)
        if not len(positions):
            return
        if self.size and positions[0] <= self.positions[-1]:  # an epoch trained again: its old batches go
            self.size = int(np.searchsorted(np.ceil(self.positions), np.ceil(positions[0]), side="left"))
        needed = self.size + len(positions)
        if needed > len(self._positions):
            grown = max(needed, 2 * len(self._positions))
            self._positions = _grown(self._positions, self.size, grown)
            self._losses = {name: _grown(values, self.size, grown) for name, values in self._losses.items()}
        self._positions[self.size:needed] = positions
        for name in LOSS_NAMES:
            values = losses.get(name)
            self._losses[name][self.size:needed] = np.nan if values is None else np.asarray(values, np.float64)
        self.size = needed


def _grown(values: np.ndarray, size: int, length: int) -> np.ndarray:
    grown = np.empty(length, np.float64)
    grown[:size] = values[:size]
    return grown


def batch_rows_to_arrays(batch_history) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Saved per-batch rows (epoch, batch, losses) as fractional-epoch positions and loss arrays."""
    if not batch_history:
        return np.empty(0), {name: np.empty(0) for name in LOSS_NAMES}
    epoch = np.array([r["epoch"] for r in batch_history], dtype=np.float64)
    batch = np.array([r["batch"] for r in batch_history], dtype=np.float64)
    # Batches per epoch: the largest batch number seen in that epoch (the files do not store it).
    batches = np.ones_like(batch)
    for number in np.unique(epoch):
        chosen = epoch == number
        batches[chosen] = batch[chosen].max()
    positions = epoch - 1 + batch / batches
    losses = {name: np.array([r.get(name, np.nan) for r in batch_history], dtype=np.float64) for name in LOSS_NAMES}
    return positions, losses


class TrainingModel:
    mode_changed = Signal()
    run_changed = Signal()  # another run is shown (opened, created): its curves and views start over
    epochs_changed = Signal()  # `history` and `epochs` (each epoch's views) grew, or were replaced
    curves_changed = Signal()  # batches were added to `curves`
    progress_changed = Signal()  # status, start, latest batch, outcome or holder changed
    overlays_changed = Signal()
    log_changed = Signal()  # the trainer wrote a line on its stderr (the Details view)

    def __init__(self) -> None:
        self.mode = IDLE
        self.remote: TrainingRemote | None = None  # this window's trainer, while it trains
        self.run: RunSnapshot | None = None  # the run shown: opened, followed, or created by the training under way
        self.history: list[dict[str, float]] = []  # its epochs' history rows, growing while it trains
        self.curves = BatchCurves()  # its batches' losses
        self.epochs: dict[int, EpochViews] = {}  # its epochs' views, growing while it trains
        self.overlays: list[Overlay] = []
        self.status = ""  # what the trainer does before training starts
        self.start: TrainingStart | None = None
        self.latest: BatchPoint | None = None
        self.paused_at: tuple[int, int] | None = None  # (epoch, batch) the trainer said it paused after
        self.outcome: Outcome | None = None
        self.holder: LockHolder | None = None  # the process training the followed run
        self.notes: tuple[str, ...] = ()  # things to know about this training (skipped files, a repaired history)
        self.log: collections.deque[str] = collections.deque(maxlen=LOG_LINES_SHOWN)

    # ---- what may be done now (buttons and menu actions alike) ---------------------------------

    def can_start(self, training_possible: bool) -> bool:
        """A new training may start: nothing trains here (a run followed from elsewhere does not count)."""
        return training_possible and self.mode in (IDLE, FOLLOWING)

    def can_continue(self, training_possible: bool, epochs_wanted: int) -> bool:
        return training_possible and self.mode == IDLE and self.run is not None and self.holder is None and \
            0 < self.epochs_completed < epochs_wanted

    def can_pause(self) -> bool:
        return self.mode in (TRAINING, PAUSED)

    def can_stop(self) -> bool:
        return self.mode in (TRAINING, PAUSED)

    def can_open(self) -> bool:
        return self.mode in (IDLE, FOLLOWING)

    # ---- the mode machine ----------------------------------------------------------------------

    def begin(self, remote: TrainingRemote, status: str = "") -> None:
        """Idle (or following) → training, remote-controlled by `remote`; the last outcome is forgotten."""
        if self.mode not in (IDLE, FOLLOWING):
            raise RuntimeError(f"cannot start training while {self.mode}")
        self.remote, self.start, self.latest, self.outcome, self.holder = remote, None, None, None, None
        self.status, self.notes = status, ()
        self._set_mode(TRAINING)
        self.progress_changed.emit()

    def pause(self) -> None:
        if self.mode == TRAINING:
            self.remote.pause()
            self._set_mode(PAUSED)
        elif self.mode == PAUSED:
            self.resume()

    def resume(self) -> None:
        if self.mode == PAUSED:
            self.remote.resume()
            self.paused_at = None
            self._set_mode(TRAINING)

    def paused_after(self, epoch: int, batch: int) -> None:
        """The trainer has paused (Pause asks; it acts after the batch in progress): every batch before is drawn."""
        if self.mode == PAUSED:
            self.paused_at = (epoch, batch)
            self.progress_changed.emit()

    def stop(self) -> None:
        if self.can_stop():
            self.remote.stop()
            self._set_mode(STOPPING)

    def ended(self, outcome: Outcome | None = None) -> None:
        """Training finished, stopped, failed or crashed (or the followed run's trainer let go): back to idle."""
        self.remote, self.outcome, self.holder = None, outcome, None
        self._set_mode(IDLE)
        self.progress_changed.emit()

    def follow(self, holder: LockHolder | None, status: str = "", outcome: Outcome | None = None) -> None:
        """The shown run is trained by another process: shown live, read-only (`outcome`: why, if asked to train it)."""
        if self.mode not in (IDLE, FOLLOWING):
            raise RuntimeError(f"cannot follow another training while {self.mode}")
        self.remote, self.holder, self.outcome, self.start, self.latest = None, holder, outcome, None, None
        self.status = status
        self._set_mode(FOLLOWING)
        self.progress_changed.emit()

    def _set_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            if mode != PAUSED:
                self.paused_at = None
            self.mode_changed.emit()

    # ---- progress ------------------------------------------------------------------------------

    def say(self, status: str) -> None:
        self.status = status
        self.progress_changed.emit()

    def started(self, start: TrainingStart) -> None:
        self.start, self.latest = start, None
        self.notes = (*self.notes, *start.notes)
        self.progress_changed.emit()

    def note(self, text: str) -> None:
        self.notes = (*self.notes, text)
        self.progress_changed.emit()

    def add_batches(self, positions: np.ndarray, losses: dict[str, np.ndarray], latest: BatchPoint | None = None):
        """Batches trained since the last call (every one, although they arrive at most ten times a second)."""
        self.curves.add(positions, losses)
        self.curves_changed.emit()
        if latest is not None:
            self.latest = latest
            self.progress_changed.emit()

    def add_log_line(self, text: str) -> None:
        self.log.append(text)
        self.log_changed.emit()

    # ---- the run and its epochs ----------------------------------------------------------------

    def show_run(self, snapshot: RunSnapshot | None) -> None:
        """Another run: its curves and views replace the previous run's, and an overlay of itself goes."""
        self.run = snapshot
        self.history = [] if snapshot is None else [dict(row) for row in snapshot.history]
        self.curves = BatchCurves()
        if snapshot is not None:
            self.curves.add(*batch_rows_to_arrays(snapshot.batch_history))
        self.epochs = {} if snapshot is None else dict(snapshot.views)
        kept = [o for o in self.overlays if snapshot is None or not _same_folder(o.folder, snapshot.folder)]
        self.run_changed.emit()
        self.epochs_changed.emit()
        self.curves_changed.emit()
        if kept != self.overlays:
            self.overlays = kept
            self.overlays_changed.emit()

    def update_run(self, snapshot: RunSnapshot) -> None:
        """The shown run's settings or saved epochs changed (continued, followed): its curves and views stay."""
        self.run = snapshot
        self.progress_changed.emit()

    def add_epoch(self, record: dict[str, float], views: EpochViews | None) -> None:
        """A completed epoch (its history row and views, copies)."""
        epoch = int(record["epoch"])
        self.history = merge_epoch_rows(self.history, epoch, [record])
        if views is not None:
            self.epochs[epoch] = views
        self.epochs_changed.emit()

    @property
    def epochs_completed(self) -> int:
        return max(self.run.epochs_completed if self.run is not None else 0,
                   int(self.history[-1]["epoch"]) if self.history else 0)

    @property
    def folder(self) -> Path | None:
        return None if self.run is None else self.run.folder

    # ---- overlays ------------------------------------------------------------------------------

    def add_overlay(self, name: str, folder: str | Path, history) -> None:
        folder = Path(folder)
        if self.folder is not None and _same_folder(folder, self.folder):
            return  # the run itself is drawn already
        self.overlays = [o for o in self.overlays if not _same_folder(o.folder, folder)]
        self.overlays.append(Overlay(name, folder, tuple(dict(row) for row in history)))
        self.overlays_changed.emit()

    def remove_overlay(self, name: str) -> None:
        kept = [o for o in self.overlays if o.name != name]
        if kept != self.overlays:
            self.overlays = kept
            self.overlays_changed.emit()


def _same_folder(a: Path, b: Path) -> bool:
    return Path(a).resolve() == Path(b).resolve()
