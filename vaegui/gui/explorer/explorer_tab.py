"""Explorer tab: lays out the latent map, its controls and side tabs, and connects them to the Explorer's models."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vaegui.app.explorer_loading import KerasPairSource, RunSource
from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import SelectionModel
from vaegui.app.tensorflow_first import TensorFlowFirst
from vaegui.app.your_pictures import YourPictures
from vaegui.atomic_files import atomic_output_path
from vaegui.errors import VaeguiError
from vaegui.gui.app_state import AppState
from vaegui.gui.common.activity_row import ActivityRow
from vaegui.gui.common.elided_label import ElidedLabel
from vaegui.gui.common.job_runner import QtJobRunner
from vaegui.gui.common.welcome_page import welcome_page
from vaegui.gui.common.wording import wording
from vaegui.gui.explorer.explorer_dialogs import ask_export_path, ask_keras_pair, ask_moved_dataset, ask_trust
from vaegui.gui.explorer.explorer_side import ExplorerSideTabs
from vaegui.gui.explorer.verbs_tabs import ExplorerVerbs
from vaegui.gui.map.explorer_map_view import ExplorerMapView
from vaegui.gui.map.latent_map import LatentMap
from vaegui.gui.map.map_controls import MapControls
from vaegui.gui.runs.run_library import show_run_library
from vaegui.latent.projection import METHOD_LABELS
from vaegui.palette import HINT_STYLE
from vaegui.words import word

WELCOME, MAP = 0, 1


class ExplorerTab(QWidget):
    def __init__(self, state: AppState):
        super().__init__()
        self.state = state
        self.runner = QtJobRunner(self)
        # A model's jobs wait for TensorFlow, imported here the first time one is needed (AppState.with_tensorflow).
        self.explorer = ExplorerModel(TensorFlowFirst(self.runner, state.with_tensorflow))
        self.selection = SelectionModel(self.explorer)
        self.pictures = YourPictures(self.explorer, self.selection)
        self._build()
        self.map_view = ExplorerMapView(self.map, self.explorer, self.selection, self.pictures)
        for chosen in (self.map.point_clicked, self.map.location_clicked, self.map.location_dragged):
            chosen.connect(self.side_tabs.show_choice)  # after the selection has it
        self.verbs = ExplorerVerbs(self)  # find and filter, the group and the direction (issue 22)
        for signal, slot in ((self.explorer.source_changed, self._render_source),
                             (self.explorer.map_changed, self._render_map_state),
                             (self.explorer.activity_changed, self._render_activity),
                             (self.explorer.message_changed, self._render_message),
                             (self.explorer.status_changed, self._render_status),
                             (self.selection.said, lambda text: self.status_label.setText(text)),
                             (self.pictures.said, lambda text: self.status_label.setText(text)),
                             (self.explorer.demo_ready, self._show_mu_only_demo),
                             (self.explorer.question_asked, self._ask_question)):
            signal.connect(slot)
        state.run_opened.connect(lambda folder, epochs: self.follow_run(folder, epochs, now=True))
        state.checkpoint_saved.connect(self.follow_run)
        state.tensorflow_ready.connect(self._on_tensorflow_ready)
        self._render_source()
        self._render_activity()

    # ---- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        self.open_run_button = QPushButton("Open run…")
        self.open_run_button.setToolTip("Explore a run folder saved by vaegui (it keeps a checkpoint per epoch).")
        self.open_run_button.clicked.connect(self._ask_run)
        self.open_model_button = QPushButton("Open .keras model…")
        self.open_model_button.setToolTip(
            "Explore a VAE trained elsewhere: a .keras encoder returning (z_mean, z_log_var, z) and a .keras "
            "decoder, as in the keras.io VAE example.")
        self.open_model_button.clicked.connect(self._ask_keras_pair)
        self.source_label = ElidedLabel()  # a long run name ends in "…" rather than widening the window
        self.fit_button = QToolButton()
        self.fit_button.setText("Fit view")
        self.fit_button.setToolTip("Zoom to show every point (or double-click the map)")
        self.fit_button.clicked.connect(self.fit_view)
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction("Map as PNG…", lambda: self._ask_export("map", "png"))
        menu.addAction("Map as SVG…", lambda: self._ask_export("map", "svg"))
        menu.addSeparator()
        menu.addAction("Coordinates as CSV…", lambda: self._ask_export("coordinates", "csv"))
        menu.addAction("Coordinates as NPZ…", lambda: self._ask_export("coordinates", "npz"))
        self.export_button.setMenu(menu)
        self.controls = MapControls(self.explorer)
        top = QHBoxLayout()
        for widget, stretch in ((self.open_run_button, 0), (self.open_model_button, 0), (self.source_label, 1),
                                (self.controls.view_3d_checkbox, 0), (self.fit_button, 0), (self.export_button, 0)):
            top.addWidget(widget, stretch)

        for name in ("split_combo", "subset_combo", "method_combo", "colour_combo", "mu_only_checkbox",
                     "mu_only_help", "mu_only_label", "show_why_button"):
            setattr(self, name, getattr(self.controls, name))

        self.activity = ActivityRow("Draw the map", self.explorer.cancel, self.explorer.redraw)
        self._activity_said: str | None = None  # the text of the work under way the status line was given
        for name in ("status_label", "progress_bar", "cancel_button", "redraw_button"):
            setattr(self, name, getattr(self.activity, name))
        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setStyleSheet("background: #5c2b2b; color: #fff; padding: 6px; border-radius: 3px;")
        self.message_label.hide()

        self.map = LatentMap()  # a double-click on it fits the view (LatentMap's own)
        mouse_hint = QLabel()

        def hint(expert: bool) -> None:  # what the mouse does: a 3-D map turns where a flat one decodes
            mouse_hint.setText(word("map_hint_3d" if self.explorer.settings.dims == 3 else "map_hint", expert))

        wording().bind(mouse_hint, hint)
        self.explorer.settings_changed.connect(lambda: hint(wording().expert))
        mouse_hint.setStyleSheet(HINT_STYLE)
        mouse_hint.setWordWrap(True)  # on two lines in a narrow window, rather than widening it
        mouse_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        map_side = QWidget()
        map_layout = QVBoxLayout(map_side)
        map_layout.setContentsMargins(0, 0, 0, 0)
        map_layout.addWidget(self.map, 1)
        map_layout.addWidget(mouse_hint)
        self.side_tabs = ExplorerSideTabs(self.explorer, self.selection)
        for name in ("point_panel", "traversal_panel", "worst_list", "log_var_list", "generation_panel"):
            setattr(self, name, getattr(self.side_tabs, name))
        self.generation_panel.grid_requested.connect(
            lambda per_side: self.selection.decode_grid(per_side, tuple(map(tuple, self.map.view_box.viewRange()))))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(map_side)
        splitter.addWidget(self.side_tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([860, 400])
        self.splitter = splitter

        self.pages = QStackedWidget()
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(splitter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.controls)
        layout.addWidget(self.activity)
        layout.addWidget(self.message_label)
        layout.addWidget(self.pages, 1)

    def widen_side_panel(self) -> tuple[int, list[int]]:
        """Keep the side panel as wide as its pages need (presenter mode's bigger text), the map taking the rest at
        any window size; returns its minimum width and the split before, for restore_side_panel."""
        before = self.side_tabs.minimumWidth(), self.splitter.sizes()
        self.side_tabs.setMinimumWidth(max(before[0], self.side_tabs.width_needed()))
        return before

    def restore_side_panel(self, before: tuple[int, list[int]]) -> None:
        self.side_tabs.setMinimumWidth(before[0])
        self.splitter.setSizes(before[1])

    def _welcome_page(self) -> QWidget:
        open_run = QPushButton("Open a run folder…")
        open_run.clicked.connect(self._ask_run)
        open_model = QPushButton("Open a .keras encoder and decoder…")
        open_model.clicked.connect(self._ask_keras_pair)
        return welcome_page(
            "Train a model or open one",
            "Its latent space appears here as a map: every image becomes a point, similar images land close "
            "together, and clicking anywhere shows what the model imagines there.\n\n"
            "Train a model in the Training tab (the map follows it epoch by epoch), or open one:",
            [open_run, open_model])

    # ---- opening models ------------------------------------------------------------------

    def open_run_folder(self, folder: str | Path) -> None:
        """Explore a run folder (this tab only: training is not affected)."""
        self.explorer.open(RunSource(Path(folder)))

    def open_foreign_model(self, encoder: str | Path, decoder: str | Path, dataset: str) -> None:
        self.explorer.open(KerasPairSource(Path(encoder), Path(decoder), str(dataset)))

    def follow_run(self, folder: str, epochs_completed: int, *, now: bool = False) -> None:
        """The Training tab's run (opened: `now`; or a new epoch saved): the map follows it (while it is looked at,
        or `now`; TensorFlow is imported into the window only then)."""
        self.explorer.follow(folder, epochs_completed, now=now)

    def _on_tensorflow_ready(self, _device: str) -> None:
        # TensorFlow is in this window for a first map (imported when a model is first opened): what the map needs
        # besides is imported meanwhile, off this thread (not at start: its imports hold the GIL, and a training
        # started at once would share the window with them).
        self.explorer.map_jobs.warm_up()


    def _ask_run(self) -> None:
        show_run_library(self, self.state.runs_root, "explore", self.open_run_folder, self.state.compare_requested.emit)

    def _ask_keras_pair(self) -> None:
        chosen = ask_keras_pair(self)
        if chosen is not None:
            self.open_foreign_model(*chosen)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.explorer.set_visible(True)

    def hideEvent(self, event) -> None:  # noqa: N802
        super().hideEvent(event)
        self.explorer.set_visible(False)

    # ---- rendering the models ------------------------------------------------------------

    def _render_source(self) -> None:
        self._render_source_label()
        self._render_map_state()

    def _render_source_label(self) -> None:
        loaded, waiting = self.explorer.loaded, self.explorer.waiting_for
        if loaded is not None:
            self.source_label.setText(loaded.describe())
        elif waiting is not None:
            self.source_label.setText(f"{waiting.name}: no completed epoch yet — the map appears after the first.")
        elif self.explorer.activity is not None:  # its first model opening
            self.source_label.setText("Opening the model…")
        else:
            self.source_label.setText("No model yet: train one in the Training tab, or open a run.")

    def _render_map_state(self) -> None:
        explorer = self.explorer
        self.pages.setCurrentIndex(MAP if explorer.loaded is not None or explorer.is_busy() else WELCOME)
        self.export_button.setEnabled(explorer.shown is not None and explorer.forming is None)
        self.fit_button.setEnabled(explorer.shown is not None or explorer.forming is not None)
        self._render_activity()

    def _render_activity(self) -> None:
        activity = self.explorer.activity
        busy = activity is not None
        said_work = self.status_label.text() == self._activity_said  # the line says the work under way
        self.activity.render(activity, self.explorer.loaded is not None and self.explorer.shown is None)
        if not busy and said_work:
            self._render_status()  # the work is done (copy errors need no new map): the line says the map again
        if self.explorer.loaded is None:
            self._render_source_label()  # "Opening the model…" while the first one loads
        self._activity_said = activity[0] if busy else None
        if self.pages.currentIndex() == WELCOME and busy:
            self.pages.setCurrentIndex(MAP)

    def _render_message(self) -> None:
        self.message_label.setText(self.explorer.message)
        self.message_label.setVisible(bool(self.explorer.message))

    def _render_status(self) -> None:
        self.status_label.setText(self.explorer.status)

    def _ask_question(self) -> None:
        from vaegui.app.explorer_loading import TrustQuestion

        question = self.explorer.question
        if isinstance(question, TrustQuestion):
            self.explorer.answer_trust(ask_trust(self, question.text))
        else:
            self.explorer.answer_locate(ask_moved_dataset(self, question.text))

    def _show_mu_only_demo(self) -> None:
        from vaegui.gui.explorer.mu_only_dialog import MuOnlyDialog

        self.mu_only_dialog = MuOnlyDialog(self.explorer.mu_only_demo, self)
        self.mu_only_dialog.show()

    def fit_view(self) -> None:
        if self.map_view.turned.active:
            self.map_view.turned.reset()  # a 3-D map faces its front again, all of it in view
            self.map_view.turned.frame()
        else:
            self.map.view_box.autoRange()

    def ask_pictures(self) -> None:
        """File → Encode pictures…: choose picture files to place on the map."""
        from vaegui.gui.explorer.explorer_dialogs import ask_picture_files

        paths = ask_picture_files(self)
        if paths:
            self.pictures.add(paths)

    # ---- export --------------------------------------------------------------------------

    def _ask_export(self, what: str, suffix: str) -> None:
        shown = self.explorer.shown
        stem = Path(self.explorer.loaded.name).stem if self.explorer.loaded else "map"
        default = Path.cwd() / f"{stem}-{shown.method if shown else 'map'}.{suffix}"
        path = ask_export_path(self, "Export the map" if what == "map" else "Export coordinates", default, suffix)
        if path is not None:
            (self.export_map if what == "map" else self.export_coordinates)(path)

    def map_export_title(self) -> str:
        """What an exported map shows: the model, the epoch, how the points are drawn and how many."""
        loaded, shown = self.explorer.loaded, self.explorer.shown
        if loaded is None or shown is None:
            return ""
        how = " · centres only (mu-only)" if shown.key.latents.mu_only else ""
        return f"{loaded.describe()} — {METHOD_LABELS[shown.method]} of {len(shown.latents):,} points{how}"

    def export_map(self, path: str | Path) -> None:
        path = Path(path)
        try:
            with atomic_output_path(path, suffix=path.suffix) as temp:
                self.map.export_image(str(temp), self.map_export_title())
        except OSError as error:
            self._say_problem(f"Cannot write {path} ({error.strerror or error}): choose a folder you can write to.")
            return
        self.status_label.setText(f"Saved {path}")

    def export_coordinates(self, path: str | Path) -> None:
        from vaegui.latent.export import save_coordinates

        shown = self.explorer.shown
        if shown is None:
            return
        try:
            save_coordinates(path, shown.latents, shown.projection, self.explorer.loaded.class_names,
                             rows=self.verbs.verbs.rows_shown())  # what the filter keeps
        except VaeguiError as error:
            self._say_problem(str(error))
            return
        self.status_label.setText(f"Saved {path} ({METHOD_LABELS[shown.method]} coordinates)")

    def _say_problem(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    # ---- state for the window and the tests ----------------------------------------------

    def is_busy(self) -> bool:
        return self.explorer.is_busy()

    def shutdown(self) -> None:
        """Cancel encoding/projection and wait briefly (under two seconds) for the workers to stop."""
        self.explorer.shutdown()
        self.verbs.verbs.shutdown()
        self.runner.shutdown()
