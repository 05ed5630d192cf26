"""The Training tab's Details: what the trainer process wrote on its stderr (TensorFlow's own lines, a crash's last
words), rendering the Training model's log; hidden until asked for."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from vaegui.app.training_model import LOG_LINES_SHOWN, TrainingModel
from vaegui.gui.common.wording import wording


class TrainerDetails(QWidget):
    def __init__(self, model: TrainingModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.toggle = wording().label(QToolButton(), "trainer_details")
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(LOG_LINES_SHOWN)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setMaximumHeight(160)
        self.text.hide()
        self.toggle.toggled.connect(self._show)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.text)
        self._shown_lines = 0
        model.log_changed.connect(self._on_log)

    def _show(self, on: bool) -> None:
        self.text.setVisible(on)
        if on:
            self._render_all()

    def _render_all(self) -> None:
        self.text.setPlainText("\n".join(self.model.log) or "The trainer has written nothing yet.")
        self._shown_lines = len(self.model.log)

    def _on_log(self) -> None:
        if not self.text.isVisible():
            return  # drawn when shown
        if self._shown_lines == 0:
            self._render_all()
        else:
            self.text.appendPlainText(self.model.log[-1])
            self._shown_lines += 1

    def lines(self) -> list[str]:
        return list(self.model.log)
