"""Screenshot of the Training tab: the real main window at 1280×800 trains its default run, then grabs itself."""

from __future__ import annotations

import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _grab import save_and_quit  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from vaegui.gui.main_window import MainWindow  # noqa: E402

TARGET = "training.png"
EPOCHS = int(os.environ.get("EPOCHS", "0")) or None  # None: the form's default, as a first-time user sees it
TIMEOUT_S = 300


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()  # the defaults: the best dataset available offline, as a first-time user trains
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()
    tab = window.training_tab
    tab.runs_root = tempfile.mkdtemp(prefix="vaegui-screenshot-")
    if EPOCHS:
        tab.form.epochs_box.setValue(EPOCHS)
    epochs = tab.form.epochs_box.value()
    started = time.monotonic()
    result = {"code": 1}

    def poll() -> None:
        if time.monotonic() - started > TIMEOUT_S:
            print("Timed out waiting for training", file=sys.stderr)
            app.quit()
            return
        if tab.mode == "idle" and window.state.trainer_ready_now and tab.run is None:
            tab.start_training()
        elif (
            tab.mode == "idle"
            and tab.run is not None
            and tab.model.epochs_completed >= epochs
            and not tab.learning_views_pending()
        ):
            save_and_quit(app, window, TARGET, result)
            return
        QTimer.singleShot(200, poll)

    QTimer.singleShot(200, poll)
    app.exec()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
