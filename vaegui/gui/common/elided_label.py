"""A one-line label that never widens its window: a text longer than its room ends in "…", the whole of it in the
tooltip."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

# Room a status line keeps at least, so that a narrow window still shows its start.
MINIMUM_CHARACTERS = 12


class ElidedLabel(QLabel):
    """Plain text on one line: as much as fits, then "…"; hovering shows the whole text. Its size hint asks for the
    whole text (it takes spare room), its minimum for a few characters: a long status never sets the window's width.

    `text()` is the whole text. Tests and the real-screen check read `fullText` and the flag `elidedWithTooltip`."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setProperty("elidedWithTooltip", True)
        self._own_tooltip = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self.setProperty("fullText", text)
        self._update_tooltip()

    def setToolTip(self, tip: str) -> None:  # noqa: N802 (Qt's name)
        """A tooltip of its own, shown when the whole text fits (the whole text is shown when it does not)."""
        self._own_tooltip = tip
        self._update_tooltip()

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()

    def _update_tooltip(self) -> None:
        super().setToolTip(self.text() if self.text() and self.is_elided() else self._own_tooltip)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        width = metrics.averageCharWidth() * MINIMUM_CHARACTERS + margins.left() + margins.right()
        return QSize(width, metrics.height() + margins.top() + margins.bottom())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self.text()) + margins.left() + margins.right()
        return QSize(max(width, self.minimumSizeHint().width()), self.minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._update_tooltip()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # presenter mode: the same room holds less
            self._update_tooltip()
            self.updateGeometry()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        room = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room.width())
        self.style().drawItemText(painter, room, int(self.alignment()), self.palette(), self.isEnabled(), shown,
                                  self.foregroundRole())

