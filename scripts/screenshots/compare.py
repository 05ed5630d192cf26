"""Screenshot of the Compare tab: trains the AE vs tiny-KL VAE pair on digits, compares them in the real main window,
picks an image and decodes random points in both."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from _grab import save_and_quit  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TARGET = "compare.png"
EPOCHS = int(os.environ.get("EPOCHS", "30"))
TIMEOUT_S = 300


def train_pair(runs_root: Path):
    """The experiment of the Experiments menu, on the app's default settings for digits (z_dim 2, 30 epochs)."""
    from vaegui.config import DataConfig, RunConfig, TrainingConfig
    from vaegui.training.experiments import plan_ae_vs_tiny_kl, train_experiment

    config = RunConfig(DataConfig("digits"), training=TrainingConfig(epochs=EPOCHS, seed=0))
    return train_experiment(plan_ae_vs_tiny_kl(config), runs_root, say=print).runs


def main() -> int:
    runs_root = Path(tempfile.mkdtemp(prefix="vaegui-screenshot-")) / "runs"
    first, second = train_pair(runs_root)
    from vaegui.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(dataset="digits")
    window.state.runs_root = window.training_tab.runs_root = runs_root
    window.resize(1500, 980)
    window.show()
    window.load_tensorflow()
    tab = window.compare_tab
    window.tabs.setCurrentWidget(tab)
    started = time.monotonic()
    result = {"code": 1, "step": 0}

    def poll() -> None:
        if time.monotonic() - started > TIMEOUT_S:
            print("Timed out waiting for the comparison", file=sys.stderr)
            app.quit()
            return
        step = result["step"]
        if step == 0:
            if window.state.trainer_ready_now:
                result["step"] = 1
                window.state.compare_requested.emit(first, second)  # what the Runs dialog's Compare does
            QTimer.singleShot(200, poll)
            return
        explorers = tab.comparison.explorers.values()
        if tab.is_busy() or any(explorer.shown is None for explorer in explorers):
            QTimer.singleShot(200, poll)
            return
        if step == 1:
            result["step"] = 2
            # A typical 3 of the test images, near the middle of its cluster on the left map.
            tab.comparison.set_split("test")
            QTimer.singleShot(200, poll)
            return
        if step == 2:
            result["step"] = 3
            latents = tab.comparison.explorers["a"].shown.latents
            labels, mu = latents.labels, latents.mu
            centre = np.median(mu[labels == 3], axis=0)
            row = int(np.argmin(np.where(labels == 3, np.linalg.norm(mu - centre, axis=1), np.inf)))
            tab.comparison.selections["a"].select_row(row)
            tab.comparison.sample_prior()
            QTimer.singleShot(500, poll)
            return
        save_and_quit(app, window, TARGET, result)

    QTimer.singleShot(200, poll)
    app.exec()
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
