"""Screenshot of presenter mode: the real main window at 1280×800 (full screen on such a screen), a run open in the
Explorer, a point chosen."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _grab import once_the_explorer_shows_the_run, save_and_quit, train_digits_run  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vaegui.gui.main_window import MainWindow  # noqa: E402

TIMEOUT_MS = 300_000


def main() -> int:
    folder = train_digits_run("vaegui-presenter-")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(dataset="digits", run_folder=folder)
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()
    result = {"code": 1}

    def when_shown() -> None:
        explorer = window.explorer_tab
        window.tabs.setCurrentWidget(explorer)
        explorer.selection.select_row(3)
        window.presenter.set_active(True)
        # The virtual screen is larger than 1280×800: the window keeps that size, as full screen on such a screen.
        window.showNormal()
        window.resize(1280, 800)
        QTimer.singleShot(800, lambda: save_and_quit(app, window, "presenter.png", result))

    once_the_explorer_shows_the_run(window, when_shown)
    QTimer.singleShot(TIMEOUT_MS, app.quit)
    app.exec()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
