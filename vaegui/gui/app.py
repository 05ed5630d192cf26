"""Start the Qt application."""

from __future__ import annotations

import sys
from pathlib import Path

# The repository's resources/ folder (icons, example configs); absent in a bare wheel, where Qt's default icon is used.
RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def run_app(run_folder: str | None = None, dataset: str | None = None) -> int:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from vaegui.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("vaegui")
    icon = RESOURCES / "vaegui.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    window = MainWindow(dataset=dataset, run_folder=run_folder)
    window.show()
    window.load_tensorflow()
    return app.exec()
