"""The main window: Training, Explorer and Compare tabs (the last two built once the window shows), the trainer
started in the background, and a close that waits for nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QSizePolicy, QTabWidget, QWidget

from vaegui.gui.app_state import AppState
from vaegui.gui.common.elided_label import ElidedLabel
from vaegui.gui.compare.experiments_menu import ExperimentsMenu
from vaegui.gui.runs.run_library import remember_run
from vaegui.gui.training.training_tab import TrainingTab
from vaegui.gui.window_geometry import fit_to_screen
from vaegui.gui.window_menus import build_help_menu, build_view_menu
from vaegui.words import tip, word

if TYPE_CHECKING:
    from vaegui.gui.compare.compare_tab import CompareTab
    from vaegui.gui.demo.presenter_mode import PresenterMode
    from vaegui.gui.demo.tour import GuidedTour
    from vaegui.gui.explorer.explorer_tab import ExplorerTab

FIRST_PAINT_WAIT_MS = 1000
DEVICE_LINE_PX = 380  # the trainer's state in the status bar: "Starting the trainer (TensorFlow)…" fits


class MainWindow(QMainWindow):
    # The window has painted, the Explorer is built and the run given on the command line is open.
    started = Signal()

    def __init__(self, dataset: str | None = None, run_folder: str | None = None):
        super().__init__()
        self.setWindowTitle("vaegui — Variational Autoencoder trainer and latent explorer")
        fit_to_screen(self)  # never larger than the screen; show_on_screen maximizes it on a small one
        self.state = AppState()
        self.tabs = QTabWidget()
        self.training_tab = TrainingTab(self.state, dataset=dataset)
        # The Explorer is built after the first paint, an empty page standing in for it until then: its
        # modules and widgets are a large share of the start, for a tab nobody sees at first
        # (benchmarks/startup_time.py).
        self._explorer_page, self._compare_page = QWidget(), QWidget()
        self._explorer_tab: ExplorerTab | None = None
        self._compare_tab: CompareTab | None = None
        self._run_folder = run_folder
        self._painted = self._started = False
        self.tabs.addTab(self.training_tab, "Training")
        self.tabs.addTab(self._explorer_page, "Explorer")
        self.tabs.addTab(self._compare_page, "Compare")
        self.state.run_opened.connect(lambda folder, _epochs: remember_run(folder))  # listed in the Runs dialog
        self.setCentralWidget(self.tabs)
        # The trainer's state stays in view on the right: a passing message (showMessage) was wiped for good by the
        # first menu item the pointer crossed, which shows its tip there.
        # Elided: a trainer's long failure message never widens the window.
        self.device_label = ElidedLabel("Starting the trainer (TensorFlow) in the background…")
        self.device_label.setMinimumWidth(DEVICE_LINE_PX)
        # Its own Ignored width left the status bar placing it at the window's right edge, 1 px of it on screen.
        self.device_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.statusBar().addPermanentWidget(self.device_label)
        self.state.trainer_ready.connect(self._on_trainer_ready)  # a method: Qt disconnects it when the window goes
        self.state.trainer_failed.connect(self._on_trainer_failed)
        self._tour: GuidedTour | None = None
        self._presenter: PresenterMode | None = None
        self._build_file_menu()
        self.expert_labels_action, self.presenter_action = build_view_menu(self)
        self.experiments = ExperimentsMenu(self)
        self.tour_action, self.glossary_action = build_help_menu(self)

    @property
    def tour(self) -> GuidedTour:
        """The guided tour (Help → Tour…), made when first asked for."""
        if self._tour is None:
            # Started first: the tour follows the Explorer's pages, and a start made from inside its making would
            # offer a second tour on a first launch.
            self._finish_start()
        if self._tour is None:  # (the start's offer may have made it)
            from vaegui.gui.demo.tour import GuidedTour

            self._tour = GuidedTour(self)
        return self._tour

    @property
    def presenter(self) -> PresenterMode:
        """Presenter mode (View → Presenter mode), made when first asked for."""
        if self._presenter is None:
            from vaegui.gui.demo.presenter_mode import PresenterMode

            self._presenter = PresenterMode(self)
            self._presenter.toggled.connect(self.presenter_action.setChecked)
        return self._presenter

    @property
    def explorer_tab(self) -> ExplorerTab:
        """The Explorer tab: built after the window's first paint, or sooner when asked for."""
        self._finish_start()
        return self._explorer_tab

    @property
    def compare_tab(self) -> CompareTab:
        """The Compare tab: built with the Explorer, after the first paint."""
        self._finish_start()
        return self._compare_tab

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        # A window shown but not drawn (on another desktop, say) gets no paint: the start goes on anyway.
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self, self._finish_start)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self._finish_start)  # after this paint reaches the screen

    def _finish_start(self) -> None:
        if self._started:
            return
        self._started = True
        self.training_tab.build_plots()  # its curves and epoch views (pyqtgraph), not seen before a run
        from vaegui.gui.compare.compare_tab import CompareTab
        from vaegui.gui.explorer.explorer_tab import ExplorerTab

        explorer = self._explorer_tab = self._replace_page(self._explorer_page, ExplorerTab(self.state), "Explorer")
        self._compare_tab = self._replace_page(self._compare_page, CompareTab(self.state), "Compare")
        self._compare_tab.preset_requested.connect(self.experiments.ae_vs_tiny_kl.trigger)
        if not explorer.isVisible():
            # The Explorer learns it is off screen from a hide event (then it does not load runs while
            # training, which would compete for the CPU); Qt sends none to a page hidden before it was
            # ever shown in a window already on screen.
            QApplication.sendEvent(explorer, QHideEvent())
        # After the Explorer exists, so that it follows the run too.
        if self._run_folder:
            self.training_tab.open_run(self._run_folder)
        else:
            self.training_tab.show_background_training()  # one this app left training when it closed
        self.started.emit()
        if self.isVisible():
            from vaegui.gui.demo.tour import offer_tour_once

            offer_tour_once(self)

    def _replace_page(self, stand_in: QWidget, tab: QWidget, title: str) -> QWidget:
        current, index = self.tabs.currentIndex(), self.tabs.indexOf(stand_in)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, title)
        self.tabs.setCurrentIndex(current)
        stand_in.deleteLater()
        return tab

    def _build_file_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        actions = self.training_tab.actions  # the same actions as the tab's buttons: enabled alike
        for action in (actions.open_run, actions.overlay, None, actions.export_curves, actions.export_history,
                       actions.export_movie, None, actions.keep_training, None):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        pictures = QAction(word("encode_pictures"), self)
        pictures.setStatusTip(tip("encode_pictures"))
        pictures.triggered.connect(self._encode_pictures)
        menu.addAction(pictures)
        menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)

    def _on_trainer_ready(self, device: str) -> None:
        # What stays true while it trains too ("Ready — CPU" read wrong beside a training under way).
        self.device_label.setText(f"Trains on {device}")

    def _encode_pictures(self) -> None:
        """Your own pictures on the Compare tab's two maps when it is shown, else on the Explorer's map."""
        if self.tabs.currentWidget() is self.compare_tab:
            self.compare_tab.ask_pictures()
            return
        self.tabs.setCurrentWidget(self.explorer_tab)
        self.explorer_tab.ask_pictures()

    def _on_trainer_failed(self, message: str) -> None:
        self.device_label.setText(message)
        self.experiments.ae_vs_tiny_kl.setEnabled(False)  # its runs train in a trainer too

    def load_tensorflow(self) -> None:
        """Start the trainer process now: TensorFlow loads there, in the background, so Train does not wait for it.
        The window's own process loads TensorFlow only when the Explorer decodes."""
        self.state.start_trainer()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # The window goes at once, and nothing is waited for: a training is told to stop at its next batch (or to go
        # on alone), jobs are cancelled; what cannot be interrupted is left to the end of the process (run_app).
        self.hide()
        self._started = True  # a window closed within its first second starts nothing more
        for tab in (self.training_tab, self._explorer_tab, self._compare_tab):
            if tab is not None:
                tab.shutdown()
        self.state.shutdown()
        super().closeEvent(event)
