"""The question before opening a model file that holds code: No is the default, so Enter does not run the code."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.gui.explorer.explorer_tab_helpers import WAIT_MS, _new_tab


def test_enter_answers_no_to_a_file_that_holds_code(qtbot, tmp_path):
    from tests.latent.test_foreign_model import _seed_pair

    _seed_pair(tmp_path, sampling="lambda")  # the seed article's Lambda: Python code Keras would run
    seen = {}

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, press_enter)
            return
        seen["default"] = box.standardButton(box.defaultButton())
        QTest.keyClick(box, Qt.Key.Key_Return)

    tab = _new_tab(qtbot)
    QTimer.singleShot(50, press_enter)
    tab.open_foreign_model(tmp_path / "encoder.keras", tmp_path / "decoder.keras", "digits")
    qtbot.waitUntil(lambda: "default" in seen and not tab.is_busy(), timeout=WAIT_MS)
    assert seen["default"] == QMessageBox.StandardButton.No
    assert tab.explorer.loaded is None and "Not opened" in tab.message_label.text()
