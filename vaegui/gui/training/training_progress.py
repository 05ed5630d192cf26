"""The Training tab's progress bar and status line, rendering the Training model: epoch, batch, images/s and ETA,
who trains a followed run, and how the last training ended."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar

from vaegui.app.training_model import FOLLOWING, IDLE, PAUSED, STOPPING, TrainingModel
from vaegui.gui.app_state import AppState
from vaegui.training.progress import format_duration

_ENDED = {"failed": "Failed", "crashed": "Stopped unexpectedly", "refused": "Being trained elsewhere"}


class TrainingProgress:
    """Draws what the model says; holds nothing of its own but the device the trainers reported."""

    def __init__(self, model: TrainingModel, bar: QProgressBar, status: QLabel, state: AppState):
        self.model, self.bar, self.status, self.state = model, bar, status, state
        bar.setTextVisible(True)
        for signal in (model.mode_changed, model.run_changed, model.progress_changed):
            signal.connect(self.render)
        self.render()

    def render(self) -> None:
        self._render_bar()
        self.show_status()

    def _render_bar(self) -> None:
        model, bar = self.model, self.bar
        start, latest = model.start, model.latest
        if model.mode == STOPPING:
            bar.setFormat("Stopping after this batch…")
        elif model.mode == FOLLOWING:
            total = model.run.config.training.epochs if model.run is not None else 0
            self._set(max(total, 1), min(model.epochs_completed, max(total, 1)),
                      f"Epoch {model.epochs_completed} of {total} saved · trained elsewhere, shown live")
        elif model.mode != IDLE:
            if latest is not None:
                # Pause acts after the batch in progress: "pausing…" until the trainer says it has.
                paused = "" if model.mode != PAUSED else " · paused" if model.paused_at else " · pausing…"
                self._set(latest.epochs * latest.batches, (latest.epoch - 1) * latest.batches + latest.batch,
                          f"Epoch {latest.epoch}/{latest.epochs} · batch {latest.batch}/{latest.batches} · "
                          f"{latest.images_per_second:,.0f} images/s · ETA {format_duration(latest.eta_seconds)}"
                          f"{paused}")
            elif start is not None:
                self._set(start.epochs * start.batches_per_epoch, start.initial_epoch * start.batches_per_epoch,
                          f"Epoch {start.initial_epoch + 1}/{start.epochs} · compiling the model…")
            else:
                bar.setRange(0, 0)  # busy until the first batch says how many there are
                bar.setFormat(model.status or "Starting…")
        else:
            self._render_ended()

    def _render_ended(self) -> None:
        model, outcome = self.model, self.model.outcome
        run = model.run
        epochs = run.config.training.epochs if run is not None else 0
        kept = model.epochs_completed
        if outcome is None:
            if run is None:
                self._set(1, 0, "Not started")
            else:
                self._set(max(epochs, 1), min(kept, max(epochs, 1)), f"Opened · {kept} of {epochs} epochs trained")
        elif outcome.kind == "finished":
            self._set(1, 1, outcome.message)
        elif outcome.kind in ("stopped", "ended_elsewhere"):
            self._set(max(epochs, 1), min(kept, max(epochs, 1)),
                      outcome.message if outcome.kind == "stopped" else f"Trained elsewhere · {kept} of {epochs} "
                                                                           "epochs")
        else:
            word = _ENDED.get(outcome.kind, "Failed")
            self._set(1, 0, f"{word} · the run keeps epoch {outcome.epochs_completed}" if outcome.epochs_completed
                      else word)

    def _set(self, maximum: int, value: int, text: str) -> None:
        self.bar.setRange(0, maximum)
        self.bar.setValue(value)
        self.bar.setFormat(text)

    def say(self, text: str) -> None:
        window = self.status.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 8000)
        self.status.setText(text)

    def show_status(self) -> None:
        model = self.model
        device = (model.start.device if model.start is not None else self.state.device) or \
            "device not known until the trainer has loaded TensorFlow"
        parts = [f"Device: {device}"]
        run = model.run
        if run is not None:
            parts.append(f"Run folder: {run.folder}")
        if model.mode == FOLLOWING and model.status:
            parts.append(model.status)
        elif model.mode == IDLE and run is not None and model.outcome is None and run.epochs_completed >= \
                run.config.training.epochs > 0:
            parts.append(f"raise Epochs above {run.epochs_completed} and press Continue training to train more")
        parts += model.notes
        self.status.setText("   ·   ".join(parts))
