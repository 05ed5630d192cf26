"""Screenshot of a reopened run: a run trained headless, opened with `vaegui gui RUN`, epoch slider mid-way."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _grab import save_and_quit  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TARGET = "reopened.png"
EPOCHS = int(os.environ.get("EPOCHS", "12"))
TIMEOUT_S = 300


def train_headless(folder: Path) -> Path:
    """What `vaegui train --dataset digits --z-dim 2 --epochs N` does."""
    from vaegui.config import RunConfig
    from vaegui.runs import Run
    from vaegui.training import TrainingSession

    config = RunConfig()
    config.training.epochs = EPOCHS
    run = Run.create(folder, config)
    TrainingSession(run, run.load_dataset()).run()
    return folder


def main() -> int:
    folder = train_headless(Path(tempfile.mkdtemp(prefix="vaegui-screenshot-")) / "digits-reopened")
    from vaegui.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(run_folder=str(folder))
    window.resize(1440, 900)
    window.show()
    window.load_tensorflow()
    tab = window.training_tab
    started = time.monotonic()
    result = {"code": 1}

    def poll() -> None:
        if time.monotonic() - started > TIMEOUT_S:
            print("Timed out waiting for the run", file=sys.stderr)
            app.quit()
            return
        if tab.run is None or not tab.model.epochs:
            QTimer.singleShot(200, poll)
            return
        tab.epoch_slider.setValue(EPOCHS // 2)  # scrubbed back: the map as it was half-way
        save_and_quit(app, window, TARGET, result)

    QTimer.singleShot(200, poll)
    app.exec()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
