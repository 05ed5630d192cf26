"""The Training tab's state, Qt-free: training's mode and progress, the run shown, its epochs' views, overlays.

Views read it and listen to its signals; the buttons and the menu ask it what may be done now, so they
always agree. It runs on one thread (the GUI's); the training thread reaches it only through the tab's
worker signals, with copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psygnal import Signal

from vaegui.runs.epoch_views import EpochViews
from vaegui.runs.snapshot import RunSnapshot
from vaegui.training.control import TrainingControl

IDLE, TRAINING, PAUSED, STOPPING = "idle", "training", "paused", "stopping"


@dataclass(frozen=True)
class Overlay:
    """Another run's curves drawn in grey for comparison."""

    name: str
    folder: Path
    history: tuple[dict[str, float], ...]


class TrainingModel:
    mode_changed = Signal()
    run_changed = Signal()  # another run is shown (opened, created): its curves and views start over
    epochs_changed = Signal()  # `epochs` (each epoch's views) grew, or was replaced
    overlays_changed = Signal()

    def __init__(self) -> None:
        self.mode = IDLE
        self.control: TrainingControl | None = None
        self.run: RunSnapshot | None = None  # the run shown: opened, or created by the training under way
        self.history: list[dict[str, float]] = []  # its epochs' history rows, growing while it trains
        self.epochs: dict[int, EpochViews] = {}  # its epochs' views, growing while it trains
        self.overlays: list[Overlay] = []

    # ---- what may be done now (buttons and menu actions alike) ---------------------------------

    def can_start(self, tensorflow_ready: bool) -> bool:
        return tensorflow_ready and self.mode == IDLE

    def can_continue(self, tensorflow_ready: bool, epochs_wanted: int) -> bool:
        return self.can_start(tensorflow_ready) and self.run is not None and self.run.holder is None and \
            0 < self.epochs_completed < epochs_wanted

    def can_pause(self) -> bool:
        return self.mode in (TRAINING, PAUSED)

    def can_stop(self) -> bool:
        return self.mode in (TRAINING, PAUSED)

    def can_open(self) -> bool:
        return self.mode == IDLE

    # ---- the mode machine ----------------------------------------------------------------------

    def begin(self) -> TrainingControl:
        """Idle → training, with a fresh control (a pause or stop before the first batch is kept for it)."""
        if self.mode != IDLE:
            raise RuntimeError(f"cannot start training while {self.mode}")
        self.control = TrainingControl()
        self._set_mode(TRAINING)
        return self.control

    def pause(self) -> None:
        if self.mode == TRAINING:
            self.control.pause()
            self._set_mode(PAUSED)
        elif self.mode == PAUSED:
            self.resume()

    def resume(self) -> None:
        if self.mode == PAUSED:
            self.control.resume()
            self._set_mode(TRAINING)

    def stop(self) -> None:
        if self.can_stop():
            self.control.stop()
            self._set_mode(STOPPING)

    def ended(self) -> None:
        """Training finished, stopped or failed: back to idle."""
        self.control = None
        self._set_mode(IDLE)

    def _set_mode(self, mode: str) -> None:
        if mode != self.mode:
            self.mode = mode
            self.mode_changed.emit()

    # ---- the run and its epochs ----------------------------------------------------------------

    def show_run(self, snapshot: RunSnapshot | None) -> None:
        """Another run: its curves and views replace the previous run's, and an overlay of itself goes."""
        self.run = snapshot
        self.history = [] if snapshot is None else list(snapshot.history)
        self.epochs = {} if snapshot is None else dict(snapshot.views)
        kept = [o for o in self.overlays if snapshot is None or not _same_folder(o.folder, snapshot.folder)]
        self.run_changed.emit()
        self.epochs_changed.emit()
        if kept != self.overlays:
            self.overlays = kept
            self.overlays_changed.emit()

    def add_epoch(self, record: dict[str, float], views) -> None:
        """An epoch the training thread finished (its history row and views, copies)."""
        epoch = int(record["epoch"])
        self.history = [row for row in self.history if row["epoch"] < epoch] + [dict(record)]
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
