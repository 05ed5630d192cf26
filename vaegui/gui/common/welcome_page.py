"""A tab's page before it has anything to show: a title, a few sentences and the buttons that get it going."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


def welcome_page(title: str, text: str, buttons: list[QPushButton], width: int = 560) -> QWidget:
    page = QWidget()
    heading = QLabel(title)
    heading.setStyleSheet("font-size: 20px; font-weight: 600;")
    body = QLabel(text)
    body.setWordWrap(True)
    # A wrapped label placed with an alignment gets its one-line size hint, not the height its lines need: fixed
    # width and height, or its first line is drawn under the title.
    body.setFixedWidth(width)
    body.setMinimumHeight(body.heightForWidth(width))
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
