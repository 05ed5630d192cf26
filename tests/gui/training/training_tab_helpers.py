"""The Training tab's test helpers: the digits' sizes, a patient wait, a click, what a run folder holds."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from PySide6.QtCore import Qt

from vaegui.app.training_model import IDLE
from vaegui.gui.training.training_tab import TrainingTab

TRAIN_IMAGES = 1617  # digits minus its 10 % test split
TEST_IMAGES = 180
WAIT_MS = 180_000  # the machine is slow and shared; each wait ends as soon as its condition holds


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_until_idle(qtbot, tab: TrainingTab) -> None:
    qtbot.waitUntil(lambda: tab.mode == IDLE and not tab.is_training(), timeout=WAIT_MS)


def saved_state(folder: Path) -> dict:
    return json.loads((folder / "state.json").read_text())


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def long_training_window(qtbot, runs_root: Path):
    """The main window as a person opens it, set to train tiny models for 1000 epochs into `runs_root`."""
    from tests.gui.conftest import set_tiny_settings
    from vaegui.gui.main_window import MainWindow

    window = MainWindow(dataset="digits")
    qtbot.addWidget(window)
    window.show()
    window.training_tab.runs_root = runs_root
    set_tiny_settings(window.training_tab, epochs=1000)
    return window
