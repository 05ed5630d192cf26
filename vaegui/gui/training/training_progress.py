"""The Training tab's progress bar and status line: epoch, batch, images/s and ETA, and what happened last."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar

from vaegui.app.training_model import PAUSED, STOPPING, TRAINING, TrainingModel
from vaegui.gui.app_state import AppState
from vaegui.training.progress import TrainingResult, TrainingStart, format_duration


class TrainingProgress:
    """Renders training's progress; the mode (paused, stopping) comes from the Training model."""

    def __init__(self, model: TrainingModel, bar: QProgressBar, status: QLabel, state: AppState):
        self.model, self.bar, self.status, self.state = model, bar, status, state
        self.device = state.device
        self.notes: tuple[str, ...] = ()
        self.hint = ""
        self.batches_per_epoch = self.total_batches = 0
        bar.setRange(0, 1)
        bar.setValue(0)
        bar.setTextVisible(True)
        bar.setFormat("Not started")
        model.mode_changed.connect(self._on_mode)
        model.run_changed.connect(self.show_status)
        state.tensorflow_ready.connect(self._on_device)
        self.show_status()

    def _on_device(self, device: str) -> None:
        self.device = device
        self.show_status()

    def starting(self, message: str) -> None:
        self.notes, self.hint = (), ""
        self.bar.setRange(0, 0)  # busy until the first batch says how many there are
        self.bar.setFormat(message)

    def on_status(self, text: str) -> None:
        if self.model.mode not in (PAUSED, STOPPING):
            self.bar.setFormat(text)

    def on_started(self, start: TrainingStart) -> None:
        self.device, self.notes = start.device, start.notes
        self.batches_per_epoch = start.batches_per_epoch
        self.total_batches = start.epochs * start.batches_per_epoch
        self.bar.setRange(0, self.total_batches)
        self.bar.setValue(start.initial_epoch * start.batches_per_epoch)
        self.bar.setFormat(f"Epoch {start.initial_epoch + 1}/{start.epochs} · compiling the model…")
        self.show_status()

    def on_batch(self, update) -> None:
        if self.total_batches:
            self.bar.setValue((update.epoch - 1) * update.batches + update.batch)
        if self.model.mode in (TRAINING, PAUSED):
            paused = " · paused" if self.model.mode == PAUSED else ""
            self.bar.setFormat(
                f"Epoch {update.epoch}/{update.epochs} · batch {update.batch}/{update.batches} · "
                f"{update.images_per_second:,.0f} images/s · ETA {format_duration(update.eta_seconds)}{paused}")

    def on_epoch(self, update) -> None:
        if self.total_batches:
            self.bar.setValue(update.epoch * self.batches_per_epoch)

    def on_finished(self, result: TrainingResult) -> None:
        run = self.model.run
        epochs = run.config.training.epochs if run is not None else 0
        if run is not None and result.epochs_completed >= epochs and not result.stopped:
            self.bar.setRange(0, 1)
            self.bar.setValue(1)
            self.bar.setFormat(f"Done: {result.epochs_completed} epochs · 100%")
        else:
            kept = result.epochs_completed
            self.bar.setFormat(f"Stopped · the run keeps epoch {kept} of {epochs}" if kept
                               else "Stopped before the first epoch ended")

    def on_failed(self) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        kept = self.model.epochs_completed
        self.bar.setFormat(f"Failed · the run keeps epoch {kept}" if kept else "Failed")

    def opened(self, snapshot) -> None:
        epochs = snapshot.config.training.epochs
        self.bar.setRange(0, max(epochs, 1))
        self.bar.setValue(min(snapshot.epochs_completed, epochs))
        self.bar.setFormat(f"Opened · {snapshot.epochs_completed} of {epochs} epochs trained")
        self.notes = ()
        done = snapshot.epochs_completed >= epochs
        self.hint = (f"raise Epochs above {snapshot.epochs_completed} and press Continue training to train more"
                     if done else "")
        self.show_status()

    def _on_mode(self) -> None:
        if self.model.mode == STOPPING:
            self.bar.setFormat("Stopping after this batch…")
        self.show_status()

    def say(self, text: str) -> None:
        window = self.status.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 8000)
        self.status.setText(text)

    def show_status(self) -> None:
        device = self.device or "device not known until TensorFlow has loaded"
        parts = [f"Device: {device}"]
        run = self.model.run
        if run is not None:
            parts.append(f"Run folder: {run.folder}")
            if run.holder is not None:
                parts.append(f"being trained by {run.holder.describe()}: shown here read-only (reopen it when that "
                             "training ends to continue it)")
            if self.hint and self.model.mode == "idle":
                parts.append(self.hint)
        parts += self.notes
        self.status.setText("   ·   ".join(parts))
