"""A label of wrapped text that keeps the height its lines need at its present width, for splitters and layouts."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget


class WrappedLabel(QLabel):
    """Wrapped text whose minimum height is its lines' height at its width: a layout alone asks for them at the
    narrowest width, and a splitter then squeezed the widgets below it over one another (presenter mode)."""

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setWordWrap(True)

    def _fit_height(self) -> None:
        if self.width() > 0:
            minimum = self.minimumHeight()
            if minimum:
                # QLabel's heightForWidth is never below its minimum height: after presenter mode's bigger lines the
                # lessons under the Compare maps kept their height, squeezing the maps.
                self.setMinimumHeight(0)
            needed = self.heightForWidth(self.width()) if self.text() else 0
            self.setMinimumHeight(needed)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        super().setText(text)
        self._fit_height()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_height()

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()
