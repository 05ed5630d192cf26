"""Explorer tab (placeholder until the explorer issue lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vaegui.gui.app_state import AppState


class ExplorerTab(QWidget):
    def __init__(self, state: AppState):
        super().__init__()
        self.state = state
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Explorer tab"))

    def shutdown(self) -> None:
        """Stop background work before the window closes (within about two seconds)."""
