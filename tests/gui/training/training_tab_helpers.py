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
