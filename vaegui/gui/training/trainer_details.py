"""The Training tab's Details: what the trainer process wrote on its stderr (TensorFlow's own lines, a crash's last
words), rendering the Training model's log in a window of its own, opened by the tab's Details button."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from vaegui.app.training_model import LOG_LINES_SHOWN, TrainingModel
from vaegui.gui.common.wording import wording
from vaegui.words import tip


class TrainerDetails(QDialog):
    """Not modal, and live: the lines arrive while it is open. `toggle` is the button that opens it."""

    def __init__(self, model: TrainingModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setWindowTitle("The trainer's messages")
        self.resize(820, 360)
        self.toggle = wording().label(QToolButton(), "trainer_details")
        self.toggle.setAutoRaise(True)
        self.toggle.clicked.connect(self.open_details)
        note = QLabel(tip("trainer_details"))
        note.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(LOG_LINES_SHOWN)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.text, 1)
        self._shown_lines = 0
        model.log_changed.connect(self._on_log)

    def open_details(self) -> None:
        self._render_all()
        self.show()
        self.raise_()

    def _render_all(self) -> None:
        self.text.setPlainText("\n".join(self.model.log) or "The trainer has written nothing yet.")
        self._shown_lines = len(self.model.log)

    def _on_log(self) -> None:
        if not self.isVisible():
            return  # drawn when opened
        if self._shown_lines == 0:
            self._render_all()
        else:
            self.text.appendPlainText(self.model.log[-1])
            self._shown_lines += 1

    def lines(self) -> list[str]:
        return list(self.model.log)
