"""Screenshot of the guided tour: the real main window at 1280×800, a run open, the tour at its mu-only step."""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _grab import save_and_quit  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vaegui.gui.main_window import MainWindow  # noqa: E402

TIMEOUT_MS = 300_000
STEP = "mu_only"


def main() -> int:
    from vaegui.cli import main as vaegui_main

    folder = os.path.join(tempfile.mkdtemp(prefix="vaegui-tour-"), "digits-z2")
    vaegui_main(["train", "--dataset", "digits", "--epochs", "15", "--z-dim", "2", "--out", folder, "--quiet"])
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(dataset="digits", run_folder=folder)
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()
    result = {"code": 1}

    def when_shown() -> None:
        explorer = window.explorer_tab
        if explorer.explorer.shown is None or explorer.is_busy():
            QTimer.singleShot(200, when_shown)
            return
        tour = window.tour
        tour.show_step(next(i for i, step in enumerate(tour.steps) if step.key == STEP))
        QTimer.singleShot(500, lambda: save_and_quit(app, window, "tour.png", result))

    window.state.tensorflow_ready.connect(lambda _device: QTimer.singleShot(500, when_shown))
    QTimer.singleShot(TIMEOUT_MS, app.quit)
    app.exec()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
