"""Screenshot of the Explorer tab: trains the app's default run, opens it in the real main window, selects a point."""

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

TARGET = "explorer.png"
EPOCHS = int(os.environ.get("EPOCHS", "0")) or None  # None: the default run's own
TIMEOUT_S = 300
CLASS = 7  # the selected point's class: a sneaker in Fashion-MNIST, a 7 in the digits


def train_default_run(folder: Path) -> Path:
    """The Training tab's default run (the best dataset available offline), trained headless as `vaegui train`."""
    from vaegui.gui.training.settings_form import gui_defaults
    from vaegui.runs import Run
    from vaegui.training import TrainingSession

    config = gui_defaults()
    config.training.epochs = EPOCHS or config.training.epochs
    run = Run.create(folder, config)
    TrainingSession(run, run.load_dataset()).run()
    return folder


def main() -> int:
    folder = train_default_run(Path(tempfile.mkdtemp(prefix="vaegui-screenshot-")) / "first-run")
    from vaegui.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(run_folder=str(folder))  # what `vaegui gui RUN` does
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()
    tab = window.explorer_tab
    window.tabs.setCurrentWidget(tab)
    started = time.monotonic()
    result = {"code": 1, "step": 0}

    def poll() -> None:
        if time.monotonic() - started > TIMEOUT_S:
            print("Timed out waiting for the explorer", file=sys.stderr)
            app.quit()
            return
        if tab.is_busy() or tab.explorer.shown is None:
            QTimer.singleShot(200, poll)
            return
        if result["step"] == 0:
            result["step"] = 1
            # A typical, well-reconstructed sample near the middle of its class cluster.
            latents = tab.explorer.shown.latents
            labels, mu = latents.labels, latents.mu
            centre = np.median(mu[labels == CLASS], axis=0)
            row = int(np.argmin(np.where(labels == CLASS, np.linalg.norm(mu - centre, axis=1), np.inf)))
            tab.selection.select_row(row)
            tab.selection.sample_posterior()
            QTimer.singleShot(500, poll)
            return
        save_and_quit(app, window, TARGET, result)

    QTimer.singleShot(200, poll)
    app.exec()
    return result["code"]


import numpy as np  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
