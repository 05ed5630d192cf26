"""Training tab: lays out the settings, the actions, the curves and the epoch views, rendering the Training model;
trainings run in a trainer process that the run follower starts and watches."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vaegui.app.run_follower import RunFollower
from vaegui.app.training_model import FOLLOWING, IDLE, TrainingModel
from vaegui.gui.app_state import AppState
from vaegui.gui.common.wording import wording
from vaegui.gui.runs.run_library import show_run_library
from vaegui.gui.training.settings_form import SettingsForm
from vaegui.gui.training.settings_summary import SettingsSummary
from vaegui.gui.training.trainer_details import TrainerDetails
from vaegui.gui.training.training_actions import TrainingActions, bind
from vaegui.gui.training.training_files import TrainingFiles
from vaegui.gui.training.training_progress import TrainingProgress
from vaegui.gui.training.training_welcome import TrainingWelcome
from vaegui.runs.snapshot import RunSnapshot
from vaegui.words import dataset_words

TICK_MS = 1000  # silent trainers are caught, and a followed run folder looked at, this often
WELCOME, PLOTS = 0, 1
PLOT_PARTS = ("loss_plot", "views", "samples", "latent_preview", "kl_bars", "epoch_slider", "epoch_label",
              "movie_export")
ERROR_STYLE = "background: #fdecea; color: #8a1c12; border: 1px solid #f5c2bd; border-radius: 3px; padding: 6px;"
NOTE_STYLE = "background: #e8f1fb; color: #0b3a66; border: 1px solid #b6d4f2; border-radius: 3px; padding: 6px;"


class TrainingTab(QWidget):
    """The first tab: a person who has never written code trains a VAE here and watches it learn."""

    def __init__(self, state: AppState, dataset: str | None = None):
        super().__init__()
        self.state = state
        self.model = TrainingModel()
        self.runs_root: str | Path = state.runs_root
        self.runner = state.runner
        self.follower = RunFollower(self.model, state.runner, state.trainers)
        self.actions = TrainingActions(self)
        self.files = TrainingFiles(self)
        self.export_curves, self.export_history_csv = self.files.export_curves, self.files.export_history_csv
        self._tensorflow_error = ""
        self._plots_built = False
        self._build(dataset)
        self.progress = TrainingProgress(self.model, self.progress_bar, self.status_label, state)
        self.follower.run_opened.connect(self._on_run_shown)
        self.follower.epoch_saved.connect(lambda folder, epoch: self.state.checkpoint_saved.emit(folder, epoch))
        self.follower.dataset_missing.connect(lambda folder, problem: self.files.dataset_missing(Path(folder), problem))
        self.model.progress_changed.connect(self._render_outcome)
        self.model.mode_changed.connect(self._on_mode_changed)
        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self.follower.tick)
        self.tick.start()
        for action, slot in ((self.actions.train, self.start_training), (self.actions.pause, self.toggle_pause),
                             (self.actions.stop, self.stop_training), (self.actions.continue_, self.continue_training),
                             (self.actions.open_run, self.choose_run_to_open),
                             (self.actions.overlay, self.choose_run_to_overlay),
                             (self.actions.export_curves, self.files.choose_curves_export),
                             (self.actions.export_history, self.files.choose_history_export)):
            action.triggered.connect(slot)
        for signal in (self.model.mode_changed, self.model.run_changed):
            signal.connect(self._show_page)
        self.model.mode_changed.connect(self._update_actions)
        self.model.run_changed.connect(self._update_actions)
        self.model.epochs_changed.connect(self._update_actions)
        self.model.overlays_changed.connect(self._render_overlays)
        self.form.changed.connect(self._update_actions)
        state.trainer_ready.connect(self._on_trainer_ready)  # methods: disconnected when the tab goes
        state.trainer_failed.connect(self._on_trainer_failed)
        self._update_actions()

    # ---- layout --------------------------------------------------------------------------

    def _fit_settings_width(self) -> None:
        # As wide as the settings need, no wider: the plots get the rest of a 1280 px window.
        width = self.settings_scroll.widget().sizeHint().width()
        self.settings_scroll.setMinimumWidth(width + 18)
        self.settings_scroll.setMaximumWidth(width + 24)

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode's bigger text: the settings need more room
            QTimer.singleShot(0, self, self._fit_settings_width)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # A font changed while the tab was hidden (presenter mode turned on in another tab) reaches its buttons'
        # style only once they are shown: measured again then.
        QTimer.singleShot(0, self, self._fit_settings_width)

    def _build(self, dataset: str | None) -> None:
        self.form = SettingsForm(dataset)
        self.train_button, self.pause_button, self.stop_button, self.continue_button, self.open_button = (
            QPushButton() for _ in range(5))
        self.overlay_button = QToolButton(text="Overlays")
        self.overlay_button.setToolTip("Draw other runs' curves in grey for comparison, or remove them")
        self.overlay_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.overlay_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.overlay_menu = QMenu(self.overlay_button)
        self.overlay_button.setMenu(self.overlay_menu)
        self.train_button.setMinimumHeight(34)
        self.train_button.setStyleSheet("QPushButton:enabled { font-weight: bold; }")
        for button, action in ((self.train_button, self.actions.train), (self.pause_button, self.actions.pause),
                               (self.stop_button, self.actions.stop), (self.continue_button, self.actions.continue_),
                               (self.open_button, self.actions.open_run)):
            bind(button, action)
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
        settings_layout.addWidget(SettingsSummary(self.form, self.model), 1, Qt.AlignmentFlag.AlignTop)  # presenter
        scroll = QScrollArea()
        scroll.setWidget(settings_panel)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.settings_scroll = scroll
        # Presenter mode hides the settings (set them before the demo): the audience gets the plots' room, the
        # presenter keeps Train, Pause and Stop.
        wording().mark_expert(self.form)
        self._fit_settings_width()

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.progress_bar = QProgressBar()
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setWordWrap(True)  # start notes, such as skipped files, can be long
        self.status_label.setStyleSheet("color: #444;")
        # Room for two lines from the start: a longer status (the run folder) does not push the plots up.
        self.status_label.setMinimumHeight(2 * self.status_label.fontMetrics().lineSpacing() + 4)
        self.details = TrainerDetails(self.model, self)
        # The curves and the epoch views (pyqtgraph) are built after the window's first paint (build_plots): the
        # welcome is what shows first, and pyqtgraph's import and set-up were half of the window's start.
        self._plots_page = QWidget()
        self.welcome = TrainingWelcome(self.form, self.actions.train, self.state, self.model, self.actions.continue_)
        self.pages = QStackedWidget()
        for page in (self.welcome, self._plots_page):  # WELCOME, PLOTS
            self.pages.addWidget(page)
        right = QVBoxLayout()
        right.addWidget(self.error_label)
        right.addWidget(self.pages, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(scroll)
        layout.addLayout(right, 1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def build_plots(self) -> None:
        """The curves and the epoch views: built once, after the window's first paint or when first needed."""
        if self._plots_built:
            return
        self._plots_built = True
        from vaegui.gui.training.plots_page import build_plots_page

        current = self.pages.currentIndex()
        self.pages.removeWidget(self._plots_page)
        self.pages.insertWidget(PLOTS, build_plots_page(self))
        self.pages.setCurrentIndex(current)
        self._plots_page.deleteLater()
        self._render_overlays()

    def __getattr__(self, name: str):
        # The plots' parts, asked for before build_plots ran (a test, a script): built then.
        if name in PLOT_PARTS and not self.__dict__.get("_plots_built", True):
            self.build_plots()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ---- the model's state, for the window, scripts and tests ----------------------------

    @property
    def mode(self) -> str:
        return self.model.mode

    @property
    def run(self) -> RunSnapshot | None:
        return self.model.run

    def is_training(self) -> bool:
        """This window's trainer is training (following another process's run is not training)."""
        return self.model.mode not in (IDLE, FOLLOWING)

    def learning_views_pending(self) -> bool:
        return self.views.views_pending()

    def _show_page(self) -> None:
        """The welcome until a run is trained or opened; then the curves and pictures."""
        page = WELCOME if self.model.run is None and self.model.mode == IDLE else PLOTS
        if page == PLOTS:
            self.build_plots()
        self.pages.setCurrentIndex(page)

    def training_possible(self) -> bool:
        """Train may be pressed at once: the trainer loads TensorFlow meanwhile. Only a trainer that cannot load it
        makes training impossible."""
        return not self._tensorflow_error

    def _update_actions(self) -> None:
        tensorflow = "failed" if self._tensorflow_error else "ready" if self.state.trainer_ready_now else "loading"
        self.actions.update(self.model, tensorflow, self.form.epochs_box.value())
        self.form.setEnabled(self.model.mode in (IDLE, FOLLOWING))

    def _on_trainer_ready(self, _device: str) -> None:
        self._update_actions()
        self.progress.show_status()

    def _on_trainer_failed(self, message: str) -> None:
        self._tensorflow_error = message
        self.show_error(f"TensorFlow could not be loaded, so training is not possible: {message}")
        self._update_actions()

    # ---- starting, pausing, stopping -----------------------------------------------------

    def start_training(self) -> bool:
        """Train a new run with the form's settings; False (with the reason shown) if they are refused."""
        if not self.model.can_start(self.training_possible()):
            return False
        config = self.form.check()
        if config is None:
            return False
        folder = self.form.run_folder()
        job = {"kind": "new", "config": config.to_dict(), "folder": str(folder) if folder else None,
               "runs_root": str(self.runs_root)}
        self.follower.unfollow()
        self.model.show_run(None)
        self._start(job, f"Starting a new run on {dataset_words(config.data.dataset)}…")
        return True

    def continue_training(self) -> bool:
        """Train the open run up to the form's epoch count, with the form's training settings."""
        run, epochs = self.model.run, self.form.epochs_box.value()
        if run is None or self.model.mode != IDLE or not self.training_possible():
            return False  # a run trained elsewhere is followed (FOLLOWING), not continued
        config = self.form.check()
        if config is None:
            return False
        done = self.model.epochs_completed
        if epochs <= done:
            self.form.show_message(f"This run already has {done} epochs: set Epochs above {done} to continue "
                                   "training it.")
            return False
        # The weights fit one architecture and one image size: only the training settings may change.
        changes = {key: getattr(config.training, key) for key in ("epochs", "batch_size", "learning_rate",
                                                                   "kl_warmup_epochs")}
        self._start({"kind": "continue", "folder": str(run.folder), "changes": changes},
                    f"Continuing {run.folder} to epoch {epochs}…")
        return True

    def _start(self, job: dict, message: str) -> None:
        self.hide_error()
        self.follower.train(job, message)

    def toggle_pause(self) -> None:
        self.model.pause()

    def stop_training(self) -> None:
        self.model.stop()

    def shutdown(self) -> None:
        """The window is closing: this window's training is told to stop at its next batch (its last completed epoch
        is on disk), or to go on alone when Keep training is ticked. Nothing is waited for."""
        self.tick.stop()
        movies = self.__dict__.get("movie_export")
        if movies is not None:
            movies.cancel()
        self.follower.shutdown(keep_training=self.actions.keep_training.isChecked())
        self.welcome.times.shutdown()  # a first launch's timing of a few batches

    # ---- what the follower and the model say (GUI thread) --------------------------------

    def _on_run_shown(self, folder: str, epochs: int) -> None:
        if self.model.run is not None:
            self.form.set_config(self.model.run.config)
        self.state.run_opened.emit(folder, epochs)

    def _render_outcome(self) -> None:
        outcome = self.model.outcome
        if outcome is None or outcome.kind in ("finished", "stopped"):
            return
        self.show_error(outcome.message, note=outcome.kind in ("refused", "ended_elsewhere"))

    def _on_mode_changed(self) -> None:
        if self.model.mode == IDLE and self._plots_built:
            self.loss_plot.flush()
            self.views.finish()  # the last epoch's views, one at a time like the others
            self.files.locate_if_missing()

    # ---- opening and overlaying runs -----------------------------------------------------

    def choose_run_to_open(self) -> None:
        show_run_library(self, self.runs_root, "open", self.open_run, self.state.compare_requested.emit)

    def choose_run_to_overlay(self) -> None:
        show_run_library(self, self.runs_root, "overlay", lambda folder: self.open_run(folder, overlay=True),
                         self.state.compare_requested.emit)

    def open_run(self, folder: str | Path, *, overlay: bool = False) -> None:
        """Reopen a run (settings, curves, every epoch's views) or draw its curves as an overlay; read off-thread.

        A run another process is training is shown live, read-only, as it goes on."""
        if not overlay and not self.model.can_open():
            self.show_error("Stop training before opening another run.")
            return
        self.runner.submit(lambda report, cancel: RunSnapshot.read(Path(folder)), lane=None,
                           on_done=self._on_overlay_opened if overlay else self._on_run_opened,
                           on_failed=self.show_error, on_cancelled=lambda: None)

    def show_background_training(self) -> None:
        """At start: a run this app left training when its window closed is shown, live, as it goes on."""
        from vaegui.app.run_follower import first_background_training
        from vaegui.gui.runs.run_library import remembered_runs

        folders = [Path(folder) for folder in remembered_runs()[:20]]

        def found(folder: Path | None) -> None:
            if folder is not None and self.model.run is None and self.model.mode == IDLE:
                self.open_run(folder)

        self.runner.submit(lambda report, cancel: first_background_training(folders), lane=None, on_done=found,
                           on_failed=lambda message: None, on_cancelled=lambda: None)

    def _on_run_opened(self, snapshot: RunSnapshot) -> None:
        if not self.model.can_open():
            self.show_error("Stop training before opening another run.")
            return
        self.hide_error()
        self.follower.unfollow()
        self.form.set_config(snapshot.config)
        self.form.run_folder_edit.clear()
        self.model.show_run(snapshot)
        self.model.ended(None)
        if snapshot.history_note:
            self.model.note(snapshot.history_note)
        if snapshot.holder is not None:
            self.follower.follow(snapshot)
        self.state.run_opened.emit(str(snapshot.folder), snapshot.epochs_completed)

    def _on_overlay_opened(self, snapshot: RunSnapshot) -> None:
        if not snapshot.history:
            self.show_error(f"The run in {snapshot.folder} has no completed epoch, so it has no curves to overlay.")
            return
        self.model.add_overlay(snapshot.name, snapshot.folder, snapshot.history)

    def _render_overlays(self) -> None:
        overlays = self.model.overlays
        self.loss_plot.set_overlays([(o.name, list(o.history)) for o in overlays])
        menu = self.overlay_menu
        menu.clear()
        menu.addAction(self.actions.overlay)
        if overlays:
            menu.addSeparator()
        for overlay in overlays:
            menu.addAction(f"Remove {overlay.name}", lambda name=overlay.name: self.model.remove_overlay(name))
        self.overlay_button.setText(f"Overlays ({len(overlays)})" if overlays else "Overlay run…")

    # ---- messages ------------------------------------------------------------------------

    def show_error(self, message: str, *, note: bool = False) -> None:
        """A message above the plots: an error (red), or with `note` something to know that is not one (blue)."""
        self.error_label.setStyleSheet(NOTE_STYLE if note else ERROR_STYLE)
        self.error_label.setText(message)
        self.error_label.show()

    def hide_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
