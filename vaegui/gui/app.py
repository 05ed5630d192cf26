"""Start the Qt application."""

from __future__ import annotations

import sys

from vaegui.bundled import icon_file


def app_icon():
    """vaegui's window icon (an SVG shipped in vaegui.resources)."""
    from PySide6.QtGui import QIcon

    return QIcon(str(icon_file()))


def run_app(run_folder: str | None = None, dataset: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from vaegui.gui.main_window import MainWindow
    from vaegui.gui.window_geometry import show_on_screen

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("vaegui")
    app.setWindowIcon(app_icon())
    window = MainWindow(dataset=dataset, run_folder=run_folder)
    # TensorFlow's import (seconds, and it holds the GIL for long stretches) starts once the window is up.
    window.started.connect(window.load_tensorflow)
    show_on_screen(window)  # maximized on a screen smaller than the window's own size
    return app.exec()
