"""Screenshot of the Training tab's welcome: the real main window at 1280×800 as a first-time user sees it."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _grab import save_and_quit  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vaegui.gui.main_window import MainWindow  # noqa: E402

TIMEOUT_MS = 180_000


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()  # the defaults: the best dataset available offline
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()
    result = {"code": 1}

    def grab() -> None:
        save_and_quit(app, window, "welcome.png", result)

    # Once Train is live, as the person would see it a few seconds after launch.
    window.state.trainer_ready.connect(lambda _device: QTimer.singleShot(300, grab))
    window.state.trainer_failed.connect(lambda _message: QTimer.singleShot(300, grab))
    QTimer.singleShot(TIMEOUT_MS, app.quit)
    app.exec()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
