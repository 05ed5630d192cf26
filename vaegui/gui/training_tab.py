"""Training tab (placeholder until the training-tab issue lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vaegui.gui.app_state import AppState


class TrainingTab(QWidget):
    def __init__(self, state: AppState, dataset: str | None = None):
        super().__init__()
        self.state = state
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Training tab — dataset: {dataset or 'digits'}"))

    def shutdown(self) -> None:
        """Stop background work before the window closes (within about two seconds)."""
