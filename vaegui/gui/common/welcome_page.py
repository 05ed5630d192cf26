"""A tab's page before it has anything to show: a title, a few sentences and the buttons that get it going."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class ColumnText(QLabel):
    """Wrapped text in a column of fixed width, as tall as its lines: also after its font changes (presenter mode's
    bigger text), when the same words need more lines.

    A wrapped label placed with an alignment gets its one-line size hint, not the height its lines need: a fixed
    width and a minimum height, or its first line is drawn under the title."""

    def __init__(self, text: str, width: int):
        super().__init__(text)
        self.setWordWrap(True)
        self.setFixedWidth(width)
        self._fit_height()

    def _fit_height(self) -> None:
        self.setMinimumHeight(self.heightForWidth(self.width()))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()


def welcome_page(title: str, text: str, buttons: list[QPushButton], width: int = 560) -> QWidget:
    page = QWidget()
    heading = QLabel(title)
    heading.setStyleSheet("font-size: 20px; font-weight: 600;")
    body = ColumnText(text, width)
    row = QHBoxLayout()
    row.addStretch(1)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    for widget in (heading, body):
        layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addLayout(row)
    layout.addStretch(2)
    return page
