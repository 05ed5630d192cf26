"""Training tab: settings, Train/Pause/Stop, live loss curves, progress, and the model learning epoch by epoch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vaegui.atomic_files import write_text_atomically
from vaegui.errors import VaeguiError
from vaegui.gui.app_state import AppState
from vaegui.gui.kl_bars import KLBars
from vaegui.gui.latent_preview import LatentPreview
from vaegui.gui.loss_plot import REDRAW_INTERVAL_MS, LossPlot
from vaegui.gui.samples_strip import SamplesStrip
from vaegui.gui.settings_form import SettingsForm
from vaegui.gui.training_worker import (
    BatchUpdate,
    EpochUpdate,
    TrainingWorker,
    start_thread,
)
from vaegui.gui.workers import TaskWorker
from vaegui.runs import EPOCH_COLUMNS, Run
from vaegui.runs.history import history_csv_text
from vaegui.training import TrainingResult, TrainingStart
from vaegui.training.progress import format_duration

IDLE, TRAINING, PAUSED, STOPPING = "idle", "training", "paused", "stopping"
SHUTDOWN_WAIT_MS = 10_000  # a stop lands within one batch; this only bounds a pathological hang
# A new epoch's views from training (the loss curves' redraw, latent preview, samples, KL bars) are
# drawn this far apart, each painted on its own: drawn together they cost the GUI thread ~70 ms at once
# on two cores shared with TensorFlow, and froze the window for ~120 ms.
VIEW_STAGGER_MS = 40


class TrainingTab(QWidget):
    """The first tab: a person who has never written code trains a VAE here and watches it learn."""

    def __init__(self, state: AppState, dataset: str | None = None):
        super().__init__()
        self.state = state
        self.runs_root: str | Path = "runs"
        self.run: Run | None = None
        self.mode = IDLE
        self.worker: TrainingWorker | None = None
        self.thread = None
        self._task_threads: list = []
        self.snapshots: dict[int, EpochUpdate] = {}
        self.total_batches = 0
        self._batches_per_epoch = 0
        self._device = state.device

        self.form = SettingsForm(dataset)
        self.form.changed.connect(self._update_buttons)
        self.train_button = QPushButton()
        self.train_button.setMinimumHeight(34)
        self.train_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        self.train_button.clicked.connect(self.start_training)
        self.pause_button = QPushButton("Pause")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stops after the current batch and keeps the last completed epoch")
        self.stop_button.clicked.connect(self.stop_training)
        self.continue_button = QPushButton("Continue training")
        self.continue_button.setToolTip("Train the open run for more epochs (raise Epochs first)")
        self.continue_button.clicked.connect(self.continue_training)
        self.open_button = QPushButton("Open run…")
        self.open_button.clicked.connect(self.choose_run_to_open)
        self.overlay_button = QPushButton("Overlay run…")
        self.overlay_button.setToolTip("Draw an older run's curves in grey for comparison")
        self.overlay_button.clicked.connect(self.choose_run_to_overlay)

        buttons = QGridLayout()
        buttons.addWidget(self.train_button, 0, 0, 1, 2)
        buttons.addWidget(self.pause_button, 1, 0)
        buttons.addWidget(self.stop_button, 1, 1)
        buttons.addWidget(self.continue_button, 2, 0, 1, 2)
        buttons.addWidget(self.open_button, 3, 0)
        buttons.addWidget(self.overlay_button, 3, 1)

        settings_panel = QWidget()
        settings_layout = QVBoxLayout(settings_panel)
        settings_layout.setContentsMargins(6, 6, 6, 6)
        settings_layout.addWidget(self.form)
        settings_layout.addLayout(buttons)
        settings_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(settings_panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(settings_panel.sizeHint().width() + 18)
        scroll.setMaximumWidth(settings_panel.sizeHint().width() + 60)

        # ---- right side: curves, progress, and what the model has learned ----
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(
            "background: #fdecea; color: #8a1c12; border: 1px solid #f5c2bd; border-radius: 3px; padding: 6px;"
        )
        self.error_label.hide()
        self.loss_plot = LossPlot()
        self.export_plot_button = QPushButton("Export curves…")
        self.export_plot_button.setToolTip("Save the curves as PNG or SVG")
        self.export_plot_button.clicked.connect(self.choose_curves_export)
        self.export_csv_button = QPushButton("Export history CSV…")
        self.export_csv_button.clicked.connect(self.choose_history_export)
        plot_controls = self.loss_plot.layout().itemAt(1).layout()
        plot_controls.addWidget(self.export_plot_button)
        plot_controls.addWidget(self.export_csv_button)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("Not started")
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setWordWrap(True)  # start notes, such as skipped files, can be long
        self.status_label.setStyleSheet("color: #444;")

        self.samples = SamplesStrip()
        self.latent_preview = LatentPreview()
        self.kl_bars = KLBars()
        self.epoch_slider = QSlider(Qt.Orientation.Horizontal)
        self.epoch_slider.setRange(0, 0)
        self.epoch_slider.setEnabled(False)
        self.epoch_slider.setToolTip("Scrub back through the epochs: latent map, reconstructions and KL bars")
        self.epoch_slider.valueChanged.connect(self._on_epoch_slider)
        self.epoch_label = QLabel("Epoch —")
        self._pending_epoch: int | None = None
        self._shown_epoch: int | None = None
        self.view_timer = QTimer(self)
        self.view_timer.setSingleShot(True)
        self.view_timer.setInterval(REDRAW_INTERVAL_MS)
        self.view_timer.timeout.connect(self._show_pending_epoch)
        self._queued_views: list[Callable[[], None]] = []
        self.stagger_timer = QTimer(self)
        self.stagger_timer.setSingleShot(True)  # restarted after each view: a late one does not bunch the rest
        self.stagger_timer.setInterval(VIEW_STAGGER_MS)
        self.stagger_timer.timeout.connect(self._draw_next_view)
        self.epoch_label.setMinimumWidth(130)

        learned = QWidget()
        learned_layout = QGridLayout(learned)
        learned_layout.setContentsMargins(0, 0, 0, 0)
        learned_layout.setSpacing(4)
        learned_layout.addWidget(self.latent_preview, 0, 0, 2, 1)
        learned_layout.addWidget(self.samples, 0, 1)
        learned_layout.addWidget(self.kl_bars, 1, 1)
        learned_layout.setColumnStretch(0, 5)
        learned_layout.setColumnStretch(1, 6)
        learned_layout.setRowStretch(0, 2)
        learned_layout.setRowStretch(1, 3)
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel("Scrub epochs"))
        slider_row.addWidget(self.epoch_slider, 1)
        slider_row.addWidget(self.epoch_label)
        learned_layout.addLayout(slider_row, 2, 0, 1, 2)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.error_label)
        top_layout.addWidget(self.loss_plot, 1)
        top_layout.addWidget(self.progress_bar)
        top_layout.addWidget(self.status_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(learned)
        splitter.setStretchFactor(0, 11)
        splitter.setStretchFactor(1, 9)
        splitter.setChildrenCollapsible(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll)
        layout.addWidget(splitter, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        state.tensorflow_ready.connect(self._on_tensorflow_ready)
        state.tensorflow_failed.connect(self._on_tensorflow_failed)
        self._tensorflow_error = ""
        self._show_status()
        self._update_buttons()

    # ---- TensorFlow ----------------------------------------------------------------------

    def _on_tensorflow_ready(self, device: str) -> None:
        self._device = device
        self._show_status()
        self._update_buttons()

    def _on_tensorflow_failed(self, message: str) -> None:
        self._tensorflow_error = message
        self.show_error(f"TensorFlow could not be loaded, so training is not possible: {message}")
        self._update_buttons()

    # ---- starting, pausing, stopping -----------------------------------------------------

    def start_training(self) -> bool:
        """Train a new run with the form's settings; False (with the reason shown) if they are refused."""
        if self.mode != IDLE or not self.state.tensorflow_loaded:
            return False
        config = self.form.check()
        if config is None:
            return False
        self.run = None
        self._clear_learning_views()
        self.loss_plot.clear()
        worker = TrainingWorker(config, run_folder=self.form.run_folder(), runs_root=self.runs_root)
        self._start_worker(worker, f"Starting a new run on {config.data.dataset}…")
        return True

    def continue_training(self) -> bool:
        """Train the open run up to the form's epoch count, with the form's training settings."""
        run = self.run
        if self.mode != IDLE or run is None or not self.state.tensorflow_loaded:
            return False
        config = self.form.check()
        if config is None:
            return False
        if config.training.epochs <= run.epochs_completed:
            self.form.show_message(
                f"This run already has {run.epochs_completed} epochs: set Epochs above {run.epochs_completed} "
                "to continue training it."
            )
            return False
        # The weights fit one architecture and one image size: only the training settings may change.
        for key in ("epochs", "batch_size", "learning_rate", "kl_warmup_epochs"):
            setattr(run.config.training, key, getattr(config.training, key))
        try:
            run.save_config()
        except (VaeguiError, OSError) as error:
            self.show_error(f"Could not update the run's settings: {error}")
            return False
        self.form.set_config(run.config)
        worker = TrainingWorker(run=run)
        self._start_worker(worker, f"Continuing {run.folder} to epoch {run.config.training.epochs}…")
        return True

    def _start_worker(self, worker: TrainingWorker, message: str) -> None:
        self.hide_error()
        self.worker = worker
        worker.run_ready.connect(self._on_run_ready)
        worker.status.connect(self._on_worker_status)
        worker.started.connect(self._on_started)
        worker.batch_progress.connect(self._on_batch)
        worker.epoch_finished.connect(self._on_epoch)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self.progress_bar.setRange(0, 0)  # busy until the first batch says how many there are
        self.progress_bar.setFormat(message)
        self._set_mode(TRAINING)
        self.thread = start_thread(worker, self)

    def toggle_pause(self) -> None:
        if self.worker is None:
            return
        if self.mode == TRAINING:
            self.worker.pause()
            self._set_mode(PAUSED)
        elif self.mode == PAUSED:
            self.worker.resume()
            self._set_mode(TRAINING)

    def stop_training(self) -> None:
        if self.worker is None or self.mode not in (TRAINING, PAUSED):
            return
        self.worker.stop()
        self._set_mode(STOPPING)
        self.progress_bar.setFormat("Stopping after this batch…")

    def is_training(self) -> bool:
        return self.thread is not None

    def shutdown(self) -> None:
        """Stop training and wait for it (the last completed epoch is on disk) before the window closes."""
        if self.worker is not None:
            self.worker.stop()
        threads = [t for t in (self.thread, *self._task_threads) if t is not None]
        for thread in threads:
            try:
                if thread.isRunning():
                    thread.wait(SHUTDOWN_WAIT_MS)
            except RuntimeError:
                pass  # its C++ side is already gone

    # ---- worker signals (GUI thread) -----------------------------------------------------

    def _on_run_ready(self, run: Run) -> None:
        self.run = run
        self.latent_preview.set_class_names(run.class_names)
        self.state.run_opened.emit(str(run.folder), run.epochs_completed)
        self._show_status()

    def _on_worker_status(self, text: str) -> None:
        if self.mode == TRAINING:
            self.progress_bar.setFormat(text)

    def _on_started(self, start: TrainingStart) -> None:
        self._device = start.device
        self._notes = start.notes
        self._batches_per_epoch = start.batches_per_epoch
        self.total_batches = start.epochs * start.batches_per_epoch
        self.progress_bar.setRange(0, self.total_batches)
        self.progress_bar.setValue(start.initial_epoch * start.batches_per_epoch)
        self.progress_bar.setFormat(f"Epoch {start.initial_epoch + 1}/{start.epochs} · compiling the model…")
        if self.run is not None:
            self.latent_preview.set_class_names(self.run.class_names)
        self._show_status()

    def _on_batch(self, update: BatchUpdate) -> None:
        self.loss_plot.add_batches(update.positions, update.losses)
        if self.total_batches:
            self.progress_bar.setValue((update.epoch - 1) * update.batches + update.batch)
        if self.mode in (TRAINING, PAUSED):
            paused = " · paused" if self.mode == PAUSED else ""
            self.progress_bar.setFormat(
                f"Epoch {update.epoch}/{update.epochs} · batch {update.batch}/{update.batches} · "
                f"{update.images_per_second:,.0f} images/s · ETA {format_duration(update.eta_seconds)}{paused}"
            )

    def _on_epoch(self, update: EpochUpdate) -> None:
        self.loss_plot.add_epoch(update.record)
        if self.total_batches:
            self.progress_bar.setValue(update.epoch * self._batches_per_epoch)
        if update.mu is not None:
            following = not self.snapshots or self.epoch_slider.value() == self.epoch_slider.maximum()
            self.snapshots[update.epoch] = update
            self.epoch_slider.setEnabled(True)
            self.epoch_slider.blockSignals(True)
            self.epoch_slider.setRange(min(self.snapshots), update.epoch)
            if following and not self.epoch_slider.isSliderDown():
                self.epoch_slider.setValue(update.epoch)
                # Drawn on the next frame, not now: short epochs would otherwise repaint four plots each time.
                self._pending_epoch = update.epoch
                if not self.view_timer.isActive():
                    self.view_timer.start()
            self.epoch_slider.blockSignals(False)
            self._update_epoch_label()
        if self.run is not None:
            self.state.checkpoint_saved.emit(str(self.run.folder), update.epoch)

    def _show_pending_epoch(self) -> None:
        self.view_timer.stop()
        if self._pending_epoch is not None and self._pending_epoch in self.snapshots:
            self.show_epoch(self._pending_epoch, staggered=True)
        self._pending_epoch = None

    def _on_finished(self, outcome: TrainingResult) -> None:
        run = self.run
        epochs = run.config.training.epochs if run is not None else 0
        if run is not None and outcome.epochs_completed >= epochs:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(1)
            self.progress_bar.setFormat(f"Done: {outcome.epochs_completed} epochs · 100%")
        else:
            kept = outcome.epochs_completed
            self.progress_bar.setFormat(
                f"Stopped · the run keeps epoch {kept} of {epochs}" if kept else "Stopped before the first epoch ended"
            )
        self._training_ended()

    def _on_failed(self, message: str) -> None:
        self.show_error(message)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        kept = self.run.epochs_completed if self.run is not None else 0
        self.progress_bar.setFormat(f"Failed · the run keeps epoch {kept}" if kept else "Failed")
        self._training_ended()

    def _training_ended(self) -> None:
        self.loss_plot.flush()
        self._show_pending_epoch()  # the last epoch's views, one at a time like the others
        self.worker = None
        self.thread = None
        self._set_mode(IDLE)
        self._show_status()

    # ---- the learning views and the epoch slider -----------------------------------------

    def _on_epoch_slider(self, epoch: int) -> None:
        if epoch in self.snapshots:
            self.show_epoch(epoch)

    def show_epoch(self, epoch: int, *, staggered: bool = False) -> None:
        """Show one epoch's snapshot in the latent preview, the samples strip and the KL bars.

        `staggered` (an epoch that training reports) draws one view per VIEW_STAGGER_MS, so each is
        painted on its own; the slider and opened runs draw at once.
        """
        snapshot = self.snapshots[epoch]
        self._shown_epoch = epoch
        self._update_epoch_label()
        # The loss curves' redraw, if one is due, goes first in the line: its own timer, started by the same
        # epoch end, would otherwise paint together with the latent preview.
        views: list[Callable[[], None]] = [self.loss_plot.flush] if staggered else []
        if snapshot.coords is not None:
            views.append(
                lambda: self.latent_preview.show_codes(epoch, snapshot.coords, snapshot.labels, snapshot.axes_label)
            )
        if snapshot.originals is not None and snapshot.reconstructions is not None:
            views.append(lambda: self.samples.show_samples(epoch, snapshot.originals, snapshot.reconstructions))
        if snapshot.kl_per_dim is not None:
            views.append(lambda: self.kl_bars.show_values(epoch, snapshot.kl_per_dim))
        self._queued_views = views
        if staggered:
            self._draw_next_view()
        else:
            self._draw_queued_views()

    def learning_views_pending(self) -> bool:
        """True while an epoch's views from training are still to be drawn (waiting, or one at a time)."""
        return self.view_timer.isActive() or bool(self._queued_views)

    def _draw_next_view(self) -> None:
        if self._queued_views:
            self._queued_views.pop(0)()
        if self._queued_views:
            self.stagger_timer.start()

    def _draw_queued_views(self) -> None:
        self.stagger_timer.stop()
        views, self._queued_views = self._queued_views, []
        for draw in views:
            draw()

    def _update_epoch_label(self) -> None:
        if not self.snapshots:
            self.epoch_label.setText("Epoch —")
            return
        epoch, latest = self.epoch_slider.value(), max(self.snapshots)
        self.epoch_label.setText(f"Epoch {epoch} of {latest}" + (" (latest)" if epoch == latest else ""))

    def _clear_learning_views(self) -> None:
        self.view_timer.stop()
        self.stagger_timer.stop()
        self._queued_views = []
        self._pending_epoch = None
        self.snapshots = {}
        self.epoch_slider.setRange(0, 0)
        self.epoch_slider.setEnabled(False)
        self.epoch_label.setText("Epoch —")
        self.latent_preview.clear_points()
        self.samples.clear_samples()
        self.kl_bars.clear_values()

    # ---- opening and overlaying runs -----------------------------------------------------

    def choose_run_to_open(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a run folder", str(self.runs_root))
        if folder:
            self.open_run(folder)

    def choose_run_to_overlay(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Overlay the curves of a run folder", str(self.runs_root))
        if folder:
            self.open_run(folder, overlay=True)

    def open_run(self, folder: str | Path, *, overlay: bool = False) -> None:
        """Reopen a run (settings, curves, weights for Continue) or draw its curves as an overlay."""
        if self.mode != IDLE and not overlay:
            self.show_error("Stop training before opening another run.")
            return
        worker = TaskWorker(Run.open, Path(folder))
        worker.finished.connect(self._on_overlay_opened if overlay else self._on_run_opened)
        worker.failed.connect(self.show_error)
        thread = start_thread(worker, self, entry="run")
        self._task_threads.append(thread)
        thread.finished.connect(lambda: self._task_threads.remove(thread) if thread in self._task_threads else None)

    def _on_run_opened(self, run: Run) -> None:
        if self.mode != IDLE:
            self.show_error("Stop training before opening another run.")
            return
        self.hide_error()
        self.run = run
        self.form.set_config(run.config)
        self.form.run_folder_edit.clear()
        self._clear_learning_views()
        self.latent_preview.set_class_names(run.class_names)
        self.loss_plot.set_history(run.history, run.batch_history)
        epochs = run.config.training.epochs
        self.progress_bar.setRange(0, max(epochs, 1))
        self.progress_bar.setValue(min(run.epochs_completed, epochs))
        self.progress_bar.setFormat(f"Opened · {run.epochs_completed} of {epochs} epochs trained")
        if run.epochs_completed >= epochs:
            self.form.show_message("")
            self.status_hint = f"raise Epochs above {run.epochs_completed} and press Continue training to train more"
        self.state.run_opened.emit(str(run.folder), run.epochs_completed)
        self._show_status()
        self._update_buttons()

    def _on_overlay_opened(self, run: Run) -> None:
        if not run.history:
            self.show_error(f"The run in {run.folder} has no completed epoch, so it has no curves to overlay.")
            return
        self.loss_plot.set_overlay(Path(run.folder).name, run.history)

    # ---- export --------------------------------------------------------------------------

    def choose_curves_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the curves", str(self._export_stem("curves.png")), "PNG image (*.png);;SVG drawing (*.svg)"
        )
        if path:
            self.export_curves(path)

    def choose_history_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the loss history", str(self._export_stem("history.csv")), "CSV (*.csv)"
        )
        if path:
            self.export_history_csv(path)

    def export_curves(self, path: str | Path) -> bool:
        try:
            self.loss_plot.export(path)
        except VaeguiError as error:
            self.show_error(str(error))
            return False
        self.state_message(f"Saved the curves to {path}")
        return True

    def export_history_csv(self, path: str | Path) -> bool:
        rows = self.run.history if self.run is not None and self.run.history else self.loss_plot.epoch_records
        if not rows:
            self.show_error("There is no history to save yet: train at least one epoch, or open a run.")
            return False
        try:
            write_text_atomically(path, history_csv_text(EPOCH_COLUMNS, rows))
        except OSError as error:
            self.show_error(f"Could not save {path} ({error.strerror or error}): choose a folder you can write to.")
            return False
        self.state_message(f"Saved the history ({len(rows)} epochs) to {path}")
        return True

    def _export_stem(self, name: str) -> Path:
        if self.run is not None:
            return Path(self.run.folder) / name
        return Path(name)

    # ---- messages, status and buttons -----------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def hide_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    def state_message(self, text: str) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 8000)
        self.status_label.setText(text)

    status_hint = ""
    _notes: tuple[str, ...] = ()  # what the training session said could not apply, or data it skipped

    def _show_status(self) -> None:
        device = self._device or "device not known until TensorFlow has loaded"
        parts = [f"Device: {device}"]
        if self.run is not None:
            parts.append(f"Run folder: {self.run.folder}")
            if self.mode == IDLE and self.status_hint and self.run.epochs_completed >= self.run.config.training.epochs:
                parts.append(self.status_hint)
        parts += self._notes
        self.status_label.setText("   ·   ".join(parts))

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self._update_buttons()

    def _update_buttons(self) -> None:
        idle = self.mode == IDLE
        ready = self.state.tensorflow_loaded
        if not ready:
            self.train_button.setText("TensorFlow unavailable" if self._tensorflow_error else "Loading TensorFlow…")
        else:
            self.train_button.setText("Train" if idle else "Training…")
        self.train_button.setEnabled(ready and idle)
        self.pause_button.setEnabled(self.mode in (TRAINING, PAUSED))
        self.pause_button.setText("Resume" if self.mode == PAUSED else "Pause")
        self.stop_button.setEnabled(self.mode in (TRAINING, PAUSED))
        can_continue = (
            ready
            and idle
            and self.run is not None
            and self.run.epochs_completed > 0
            and self.form.epochs_box.value() > self.run.epochs_completed
        )
        self.continue_button.setEnabled(can_continue)
        self.form.setEnabled(idle)
        self.open_button.setEnabled(idle)
