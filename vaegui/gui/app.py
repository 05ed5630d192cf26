"""Start the Qt application."""

from __future__ import annotations

import sys


def run_app(run_folder: str | None = None, dataset: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from vaegui.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("vaegui")
    window = MainWindow(dataset=dataset, run_folder=run_folder)
    window.show()
    window.load_tensorflow()
    return app.exec()
