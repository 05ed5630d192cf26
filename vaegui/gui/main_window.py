"""The main window: Training and Explorer tabs, and the background TensorFlow import."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QTabWidget

from vaegui.gui.app_state import AppState, import_tensorflow
from vaegui.gui.compare_tab import CompareTab
from vaegui.gui.experiments_menu import ExperimentsMenu
from vaegui.gui.explorer_tab import ExplorerTab
from vaegui.gui.run_library import remember_run
from vaegui.gui.training_tab import TrainingTab
from vaegui.gui.workers import TaskWorker, start_worker


class MainWindow(QMainWindow):
    def __init__(self, dataset: str | None = None, run_folder: str | None = None):
        super().__init__()
        self.setWindowTitle("vaegui — Variational Autoencoder trainer and latent explorer")
        self.resize(1280, 820)
        self.state = AppState()
        self.tabs = QTabWidget()
        self.training_tab = TrainingTab(self.state, dataset=dataset)
        self.explorer_tab = ExplorerTab(self.state)
        self.tabs.addTab(self.training_tab, "Training")
        self.tabs.addTab(self.explorer_tab, "Explorer")
        self.compare_tab = CompareTab(self.state)
        self.tabs.addTab(self.compare_tab, "Compare")
        self.state.run_opened.connect(lambda folder, _epochs: remember_run(folder))  # listed in the Runs dialog
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage("Loading TensorFlow…")
        self.state.tensorflow_ready.connect(lambda device: self.statusBar().showMessage(f"Ready — {device}"))
        self.state.tensorflow_failed.connect(self.statusBar().showMessage)
        self._build_file_menu()
        self.experiments = ExperimentsMenu(self)
        if run_folder:
            self.training_tab.open_run(run_folder)

    def _build_file_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        actions = self.training_tab.actions  # the same actions as the tab's buttons: enabled alike
        for action in (actions.open_run, actions.overlay, None, actions.export_curves, actions.export_history, None):
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)

    def load_tensorflow(self) -> None:
        """Import TensorFlow in a worker so the window is up and responsive first."""
        worker = TaskWorker(import_tensorflow)
        worker.finished.connect(self._on_tensorflow_loaded)
        worker.failed.connect(self.state.tensorflow_failed.emit)
        self._tensorflow_thread = start_worker(worker, self)

    def _on_tensorflow_loaded(self, device: str) -> None:
        self.state.tensorflow_loaded = True
        self.state.device = device
        self.state.tensorflow_ready.emit(device)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # The window goes at once; the waits below then happen out of sight.
        self.hide()
        # Each tab stops its workers (training saves its last completed epoch) before Qt tears down.
        for tab in (self.training_tab, self.explorer_tab, self.compare_tab):
            tab.shutdown()
        thread = getattr(self, "_tensorflow_thread", None)
        try:
            if thread is not None and thread.isRunning():
                # The worker's finished -> thread.quit hop is queued to this (blocked) thread, so ask
                # for the quit here, then wait out the import: it cannot be interrupted, and a QThread
                # destroyed while running aborts the process.
                thread.quit()
                thread.wait(120_000)
        except RuntimeError:
            pass  # already deleted after finishing
        super().closeEvent(event)
