"""Compare tab: two runs side by side (two latent maps with linked selection, one set of map controls, the picked
image in both, prior samples from both, their figures), and the experiment that trains a pair to compare."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vaegui.app.comparison import SIDES, ComparisonModel
from vaegui.app.map_state import PLACED_EXACTLY
from vaegui.config import RunConfig
from vaegui.gui.app_state import AppState
from vaegui.gui.common.activity_row import ActivityRow
from vaegui.gui.common.elided_label import ElidedLabel
from vaegui.gui.common.job_runner import QtJobRunner
from vaegui.gui.common.welcome_page import welcome_page
from vaegui.gui.common.wording import wording
from vaegui.gui.common.wrapped_label import WrappedLabel
from vaegui.gui.compare.compare_panels import MapsOverPanels, PanelsUnderTheMaps, PickedPanel, PriorPanel, QualityTable
from vaegui.gui.compare.compare_verbs import CompareVerbs
from vaegui.gui.compare.experiment_panel import ExperimentPanel
from vaegui.gui.compare.experiment_worker import ExperimentProgress, ExperimentWorker
from vaegui.gui.map.explorer_map_view import ExplorerMapView
from vaegui.gui.map.latent_map import LatentMap
from vaegui.gui.map.map_controls import MapControls
from vaegui.gui.runs.run_library import show_run_library
from vaegui.palette import HINT_STYLE
from vaegui.runs.library import RunSummary
from vaegui.training.experiments import ExperimentResult, plan_ae_vs_tiny_kl, plan_standard_vae
from vaegui.words import dataset_words, word

WELCOME, COMPARISON, EXPERIMENT = 0, 1, 2




class CompareTab(QWidget):
    preset_requested = Signal()  # the welcome page's button: the window starts the experiment with the form's settings

    def __init__(self, state: AppState):
        super().__init__()
        self.state = state
        self.runner = QtJobRunner(self)
        self.comparison = ComparisonModel(self.runner)
        self._preset: ExperimentWorker | None = None  # while the experiment trains (in a trainer process)
        self._contrast_with: RunSummary | None = None  # the left run a β = 1 run is being trained for
        self._draw_prior_when_shown = False
        self._opening_pair = False  # the experiment's pair trained, its comparison being opened
        self._build()
        self.map_views = {side: ExplorerMapView(self.maps[side], self.comparison.explorers[side],
                                                self.comparison.selections[side], self.comparison.pictures[side])
                          for side in SIDES}
        self.verbs = CompareVerbs(self)  # find and filter, groups and a direction on both maps (issue 22)
        comparison = self.comparison
        for side in SIDES:  # a picture dropped on either map goes to both: where does each model put it?
            self.map_views[side].pictures.drop_target.on_drop = comparison.add_pictures
            comparison.pictures[side].said.connect(lambda text: self.status_label.setText(text))
        for signal, slot in ((comparison.source_changed, self._render_source),
                             (comparison.activity_changed, self._render_activity),
                             (comparison.message_changed, self._render_message)):
            signal.connect(slot)
        for selection in comparison.selections.values():
            selection.said.connect(lambda text: self.status_label.setText(text))
        for explorer in comparison.explorers.values():
            # A map shown after the last activity ended: "Draw the maps" stayed offered over two finished maps.
            explorer.map_changed.connect(self._render_activity)
        comparison.explorers["a"].demo_ready.connect(self._show_mu_only_demo)
        self._render_source()

    # ---- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        self.choose_button = QPushButton("Choose two runs…")
        self.choose_button.setToolTip("Pick two runs from the list of runs to show side by side")
        self.choose_button.clicked.connect(self.choose_runs)
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit views")
        self.fit_button.setToolTip("Zoom both maps to show every point (or double-click a map)")
        self.fit_button.clicked.connect(self.fit_views)
        self.contrast_button = QPushButton("Train a standard VAE (β 1) to compare…")
        self.contrast_button.setToolTip(
            "Train the left run's settings once more with β = 1 (a standard VAE), then set it beside the left run: its "
            "random draws land among its pictures, and it decodes them into new pictures")
        self.contrast_button.clicked.connect(self.train_standard_vae)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.contrast_button)
        top.addStretch(1)
        top.addWidget(self.fit_button)

        self.preset_label = QLabel("")
        self.preset_bar = QProgressBar()
        self.preset_bar.setRange(0, 1000)
        self.preset_bar.setTextVisible(False)
        self.preset_cancel = QPushButton("Cancel")
        self.preset_cancel.setToolTip("Stop after the current batch; the runs keep their completed epochs")
        self.preset_cancel.clicked.connect(self.cancel_preset)
        self.preset_row = QWidget()
        preset = QHBoxLayout(self.preset_row)
        preset.setContentsMargins(0, 0, 0, 0)
        preset.addWidget(self.preset_label, 1)
        preset.addWidget(self.preset_bar)
        preset.addWidget(self.preset_cancel)
        self.preset_row.hide()

        self.controls = MapControls(self.comparison)
        top.insertWidget(top.indexOf(self.fit_button), self.controls.view_3d_checkbox)
        self.controls.show_why_button.setToolTip("Reproduce, on the left run, why switching the noise off needs the "
                                                 "predict function rebuilt")
        self.activity = ActivityRow("Draw the maps", self.comparison.cancel, self.comparison.redraw)
        for name in ("status_label", "progress_bar", "cancel_button", "redraw_button"):
            setattr(self, name, getattr(self.activity, name))
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("background: #5c2b2b; color: #fff; padding: 6px; border-radius: 3px;")
        self.message_label.hide()

        self.pages = QStackedWidget()
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._comparison_page())
        self.experiment_panel = ExperimentPanel()  # the experiment's own page while it trains
        self.experiment_panel.cancel_button.clicked.connect(self.cancel_preset)
        self.pages.addWidget(self.experiment_panel)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preset_row)
        layout.addWidget(self.controls)
        layout.addWidget(self.activity)
        layout.addWidget(self.message_label)
        layout.addWidget(self.pages, 1)

    def _comparison_page(self) -> QWidget:
        self.maps = {side: LatentMap() for side in SIDES}
        self.map_titles = {side: ElidedLabel("") for side in SIDES}  # a long run name never widens the window
        # Where the random draws (the x marks) land on each map, and what that makes of them: the lesson of the
        # autoencoder against a VAE, in a sentence under each map.
        self.lessons = {side: WrappedLabel("") for side in SIDES}  # as tall as its lines at the map's width
        for lesson in self.lessons.values():
            lesson.setStyleSheet("font-weight: 600;")
            lesson.hide()
        maps = QSplitter(Qt.Orientation.Horizontal)
        for side in SIDES:
            column = QWidget()
            column_layout = QVBoxLayout(column)
            column_layout.setContentsMargins(0, 0, 0, 0)
            column_layout.addWidget(self.map_titles[side])
            column_layout.addWidget(self.maps[side], 1)
            column_layout.addWidget(self.lessons[side])
            maps.addWidget(column)
        hint = QLabel("Click a point: the same image is marked on both maps · click or drag on empty space: decoded "
                      "by both · Shift-drag a box, Ctrl-drag a lasso: a group on both · wheel to zoom · double-click "
                      "to fit")
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(maps, 1)
        top_layout.addWidget(hint)
        self.picked_panel = PickedPanel(self.comparison)
        self.prior_panel = PriorPanel(self.comparison)
        for selection in self.comparison.selections.values():
            selection.generated_changed.connect(self._render_lessons)
        for explorer in self.comparison.explorers.values():
            explorer.map_changed.connect(self._render_lessons)  # a t-SNE map cannot mark the draws: it says so
        self.quality_table = QualityTable(self.comparison)
        # Presenter mode hides the figures, for room: the maps, the lessons and the pictures are what a room sees.
        wording().mark_expert(self.quality_table)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        for widget in (self.picked_panel, self.prior_panel, self.quality_table):
            bottom.addWidget(widget)
        bottom.setSizes([330, 330, 520])
        # The maps come first: on a small screen in presenter mode the panels under them scroll rather than
        # squeezing the maps to a strip (they were 62 px tall at 1280×800).
        panels = PanelsUnderTheMaps()
        panels.setWidget(bottom)
        panels.setWidgetResizable(True)
        panels.setFrameShape(QFrame.Shape.NoFrame)
        panels.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        panels.setProperty("scrollsOnSmallScreens", True)  # the real-screen tests allow it this scroll bar
        self.panels = panels
        page = self.maps_over_panels = MapsOverPanels()
        page.addWidget(top)
        page.addWidget(panels)
        return page

    def _welcome_page(self) -> QWidget:
        self.welcome_choose = QPushButton("Choose two runs…")
        self.welcome_choose.clicked.connect(self.choose_runs)
        self.welcome_preset = QPushButton("Train an autoencoder and a tiny-KL VAE…")
        self.welcome_preset.clicked.connect(self.preset_requested)
        self.welcome_preset.setToolTip("Experiments ▸ Autoencoder vs tiny-KL VAE: the Training tab's settings, "
                                       "β 0 and 5e-4, one after the other")
        return welcome_page(
            "Compare two runs side by side",
            "Two latent maps next to each other: a point picked on one is marked on both, with both "
            "reconstructions; random points are decoded by both; their figures sit in one table.\n\n"
            "One experiment shows why a VAE keeps its map tidy: it trains a plain autoencoder (map tidiness β = 0) "
            "and a model with almost no tidiness (β = 5e-4) on the same pictures. Their maps look alike, but random "
            "places picked the way a VAE picks them mostly land where none of their pictures lie, so neither can "
            "make new pictures: they decode to mush or to the same picture again. Train both with the Training "
            "tab's settings, or pick two runs:",
            [self.welcome_choose, self.welcome_preset], width=600)

    # ---- comparing -----------------------------------------------------------------------

    def compare(self, a: RunSummary, b: RunSummary) -> None:
        """Show runs `a` (left) and `b` (right) side by side."""
        self.state.with_tensorflow(lambda: self.comparison.open(a, b))  # its maps decode in this process

    def choose_runs(self) -> None:
        show_run_library(self, self.state.runs_root, "compare", None, self.compare)

    def fit_views(self) -> None:
        for latent_map in self.maps.values():
            latent_map.view_box.autoRange()

    # ---- the experiment ------------------------------------------------------------------

    def train_ae_vs_tiny_kl(self, config: RunConfig, runs_root: str | Path) -> bool:
        """Train `config` twice, β 0 then 5e-4 (same seed), in a worker; the comparison opens when both are done."""
        return self._train(plan_ae_vs_tiny_kl(config), runs_root)

    def train_standard_vae(self) -> bool:
        """Train the left run's settings with β = 1, then compare the left run with it."""
        left = self.comparison.summaries["a"]
        if left is None:
            return False
        config = RunConfig.from_json_file(Path(left.folder) / "config.json")
        self._contrast_with = left
        started = self._train((plan_standard_vae(config),), Path(left.folder).parent)  # beside the left run
        if not started:
            self._contrast_with = None
        return started

    def _train(self, planned, runs_root: str | Path) -> bool:
        if self._preset is not None:
            self.status_label.setText("The experiment is already training: wait for it, or press Cancel.")
            return False
        worker = ExperimentWorker(planned, Path(runs_root), self.state.trainers, self.state.runner)
        worker.status.connect(self._on_preset_status)
        worker.progress.connect(self._on_preset_progress)
        worker.finished.connect(self._on_preset_finished)
        worker.failed.connect(self._on_preset_failed)
        self._preset = worker
        worker.start()
        self.preset_label.setText(f"Starting: {' and '.join(plan.name for plan in planned)} on "
                                  f"{planned[0].config.data.dataset}…")
        self.preset_bar.setValue(0)
        self.preset_cancel.setEnabled(True)
        self.experiment_panel.start([plan.name for plan in planned], dataset_words(planned[0].config.data.dataset))
        self._render_source()
        return True

    def preset_running(self) -> bool:
        return self._preset is not None

    def cancel_preset(self) -> None:
        if self._preset is not None:
            self._preset.stop()
            for button in (self.preset_cancel, self.experiment_panel.cancel_button):
                button.setEnabled(False)
            for label in (self.preset_label, self.experiment_panel.now):
                label.setText("Stopping after the current batch…")

    def _on_preset_status(self, text: str) -> None:
        self.preset_label.setText(text)
        self.experiment_panel.show_status(text)

    def _on_preset_progress(self, progress: ExperimentProgress) -> None:
        if self._preset is not None and not self._preset.stop_requested:
            self.preset_label.setText(progress.describe())
            self.experiment_panel.show_progress(progress)
        self.preset_bar.setValue(int(progress.fraction * 1000))

    def _on_preset_finished(self, result: ExperimentResult) -> None:
        whole = not result.stopped and len(result.runs) == (1 if self._contrast_with is not None else 2)
        self._opening_pair = whole and self._contrast_with is None  # its page stays until the maps are drawn
        self.experiment_panel.show_status("Both are trained: opening them side by side…")
        self._preset_ended()
        folders = ", ".join(str(summary.folder) for summary in result.runs)
        if not whole:
            self._contrast_with = None
            self.status_label.setText(f"Experiment cancelled; kept: {folders}." if folders else
                                      "Experiment cancelled before a run was made.")
            return
        self.status_label.setText(f"Trained {folders}.")
        left = self._contrast_with
        self._contrast_with = None
        self.compare(*((left, result.runs[0]) if left is not None else result.runs))
        self._draw_prior_when_shown = True  # the lesson at a glance: where the random draws land on both maps

    def _on_preset_failed(self, message: str) -> None:
        self._contrast_with = None
        self._preset_ended()
        self.message_label.setText(f"The experiment stopped: {message}")
        self.message_label.show()

    def _preset_ended(self) -> None:
        self._preset = None
        self._render_source()

    # ---- rendering the model -------------------------------------------------------------

    def _render_source(self) -> None:
        comparison = self.comparison
        opened = any(summary is not None for summary in comparison.summaries.values())
        # A pair trained for the first time has a page of its own; a run trained to set beside the left run, a row.
        self._opening_pair = self._opening_pair and not opened
        own_page = self._preset is not None and self._contrast_with is None or self._opening_pair
        self.pages.setCurrentIndex(EXPERIMENT if own_page else COMPARISON if opened else WELCOME)
        self.preset_row.setVisible(self._preset is not None and not own_page)
        # The welcome page has its own buttons; the 3-D box sits in the top row, outside the controls.
        for widget in (self.controls, self.controls.view_3d_checkbox, self.choose_button, self.fit_button):
            widget.setVisible(opened)
        betas = [summary.kl_weight for summary in comparison.summaries.values() if summary is not None]
        self.contrast_button.setVisible(opened and 1.0 not in betas)
        self.contrast_button.setEnabled(self._preset is None)
        self.welcome_preset.setEnabled(self._preset is None)
        for side in SIDES:
            summary = comparison.summaries[side]
            self.map_titles[side].setText("" if summary is None else
                                          f"{'Left' if side == 'a' else 'Right'}: {summary.name} · "
                                          f"{summary.describe()}")
        self._render_activity()

    def _render_activity(self) -> None:
        activity = self.comparison.activity
        shown = all(explorer.shown is not None for explorer in self.comparison.explorers.values())
        self.activity.render(activity, self.comparison.loaded is not None and not shown)
        if activity is None and self.status_label.text().endswith("…"):
            self.status_label.setText("")
        self._draw_prior_if_asked()

    def _draw_prior_if_asked(self) -> None:
        """After the experiment, once both maps are drawn: the random draws decoded by both and marked on both."""
        comparison = self.comparison
        shown = all(explorer.shown is not None for explorer in comparison.explorers.values())
        if self._draw_prior_when_shown and shown and comparison.loaded is not None and not comparison.is_busy():
            self._draw_prior_when_shown = False
            comparison.sample_prior()

    def _render_lessons(self) -> None:
        for side, label in self.lessons.items():
            text, figures = self.comparison.prior_lesson(side)
            shown = self.comparison.explorers[side].shown
            if text and shown is not None and shown.method not in PLACED_EXACTLY:
                text = f"{text} {word('prior_draws_unmarked', wording().expert)}"
            label.setText(text)
            label.setToolTip(figures)
            label.setVisible(bool(text))

    def _render_message(self) -> None:
        message = self.comparison.message
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))

    def _show_mu_only_demo(self) -> None:
        from vaegui.gui.explorer.mu_only_dialog import MuOnlyDialog

        self.mu_only_dialog = MuOnlyDialog(self.comparison.explorers["a"].mu_only_demo, self)
        self.mu_only_dialog.show()

    # ---- state for the window and the tests ----------------------------------------------

    def ask_pictures(self) -> None:
        """File → Encode pictures…: picture files placed on both maps."""
        from vaegui.gui.explorer.explorer_dialogs import ask_picture_files

        paths = ask_picture_files(self)
        if paths:
            self.comparison.add_pictures(paths)

    def is_busy(self) -> bool:
        return self.comparison.is_busy()

    def shutdown(self) -> None:
        """Stop the experiment (its runs keep their completed epochs) and the maps' jobs, waiting for nothing."""
        if self._preset is not None:
            self._preset.shutdown()
        self.comparison.shutdown()
        self.verbs.shutdown()
        self.runner.shutdown()
