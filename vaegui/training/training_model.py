"""The Training tab's state, Qt-free: training's mode and progress, the run shown, its epochs' views, overlays.

Views read it and listen to its signals; the buttons and the menu ask it what may be done now, so they
always agree. It runs on one thread (the GUI's); the training thread reaches it only through the tab's
worker signals, with copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psygnal import Signal

from vaegui.training.control import TrainingControl

IDLE, STARTING, TRAINING, PAUSED, STOPPING = "idle", "starting", "training", "paused", "stopping"


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
        self.folder: Path | None = None
        self.epochs_completed = 0
        self.epochs_planned = 0
        self.epochs: dict[int, object] = {}  # epoch → EpochViews
        self.overlays: list[Overlay] = []

    # ---- what may be done now (buttons and menu actions alike) ---------------------------------

    def can_start(self, tensorflow_ready: bool) -> bool:
        return tensorflow_ready and self.mode == IDLE

    def can_continue(self, tensorflow_ready: bool, epochs_wanted: int) -> bool:
        return self.can_start(tensorflow_ready) and self.folder is not None and \
            0 < self.epochs_completed < epochs_wanted

    def can_pause(self) -> bool:
        return self.mode in (TRAINING, PAUSED)

    def can_stop(self) -> bool:
        return self.mode in (STARTING, TRAINING, PAUSED)

    def can_open(self) -> bool:
        return self.mode == IDLE

    # ---- the mode machine ----------------------------------------------------------------------

    def begin(self) -> TrainingControl:
        """Idle → starting (loading data, building the model): a fresh control for this training."""
        if self.mode != IDLE:
            raise RuntimeError(f"cannot start training while {self.mode}")
        self.control = TrainingControl()
        self._set_mode(STARTING)
        return self.control

    def started(self) -> None:
        if self.mode == STARTING:
            self._set_mode(TRAINING)

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

    def show_run(self, folder: str | Path | None, epochs_completed: int, epochs_planned: int,
                 epochs: dict[int, object] | None = None) -> None:
        """Another run: its views replace the previous run's, and an overlay of itself goes."""
        self.folder = None if folder is None else Path(folder)
        self.epochs_completed, self.epochs_planned = epochs_completed, epochs_planned
        self.epochs = dict(epochs or {})
        kept = [o for o in self.overlays if self.folder is None or o.folder.resolve() != self.folder.resolve()]
        self.run_changed.emit()
        self.epochs_changed.emit()
        if kept != self.overlays:
            self.overlays = kept
            self.overlays_changed.emit()

    def add_epoch(self, epoch: int, views: object | None) -> None:
        self.epochs_completed = max(self.epochs_completed, epoch)
        if views is not None:
            self.epochs[epoch] = views
        self.epochs_changed.emit()

    def set_epochs_planned(self, epochs: int) -> None:
        self.epochs_planned = epochs

    # ---- overlays ------------------------------------------------------------------------------

    def add_overlay(self, name: str, folder: str | Path, history) -> None:
        folder = Path(folder)
        if self.folder is not None and folder.resolve() == self.folder.resolve():
            return  # the run itself is drawn already
        self.overlays = [o for o in self.overlays if o.folder.resolve() != folder.resolve()]
        self.overlays.append(Overlay(name, folder, tuple(dict(row) for row in history)))
        self.overlays_changed.emit()

    def remove_overlay(self, name: str) -> None:
        kept = [o for o in self.overlays if o.name != name]
        if kept != self.overlays:
            self.overlays = kept
            self.overlays_changed.emit()
