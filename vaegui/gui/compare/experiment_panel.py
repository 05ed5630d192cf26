"""The Compare tab's page while its experiment trains: which model trains now, its pass and its copy error as they
come, what is done, and what the comparison will show (the page was blank but for a thin progress bar)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from vaegui.gui.common.wrapped_label import WrappedLabel
from vaegui.gui.compare.experiment_worker import ExperimentProgress

WIDTH = 620


class ExperimentPanel(QWidget):
    """Renders the experiment's progress: `start(names)` when it starts, then `show_progress` at each report."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = WrappedLabel("")
        self.heading.setStyleSheet("font-size: 20px; font-weight: 600;")
        self.now = WrappedLabel("")  # the model training now, its pass and its copy error
        self.now.setStyleSheet("font-size: 15px;")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setFormat("%p%")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop after the current batch; the runs keep their completed passes (epochs)")
        bar_row = QHBoxLayout()
        bar_row.addWidget(self.bar, 1)
        bar_row.addWidget(self.cancel_button)
        self.done = WrappedLabel("")  # the models already trained
        self.next = WrappedLabel("")
        self.next.setStyleSheet("color: #444;")
        column = QWidget()
        column.setFixedWidth(WIDTH)
        inner = QVBoxLayout(column)
        for widget in (self.heading, self.now):
            inner.addWidget(widget)
        inner.addLayout(bar_row)
        for widget in (self.done, self.next):
            inner.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.names: list[str] = []
        self.losses: dict[int, float] = {}  # run index → its latest copy error (loss)

    def start(self, names: list[str], dataset: str) -> None:
        self.names, self.losses = list(names), {}
        self.heading.setText(f"Training {' and '.join(names)}" if len(names) > 1 else f"Training {names[0]}")
        self.now.setText(f"Starting: loading the pictures ({dataset}) and building the first model…")
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.done.setText("")
        self.next.setText("When both are trained, their maps appear here side by side, with random places decoded by "
                          "both: the difference a tidy map makes." if len(names) > 1 else
                          "When it is trained, it appears here beside the left run.")

    def show_status(self, text: str) -> None:
        self.now.setText(text)

    def show_progress(self, progress: ExperimentProgress) -> None:
        if progress.loss is not None:
            self.losses[progress.index] = progress.loss
        loss = self.losses.get(progress.index)
        words = f"Now training {progress.index + 1} of {progress.count}: <b>{progress.name}</b> · pass " \
                f"{progress.epoch} of {progress.epochs}"
        if loss is not None:
            words += f" · how wrong its copies are (loss): {loss:,.1f}"
        self.now.setText(words)
        self.bar.setValue(int(progress.fraction * 1000))
        finished = [f"{self.names[index]}: trained, loss {self.losses[index]:,.1f}" for index in range(progress.index)
                    if index < len(self.names) and index in self.losses]
        self.done.setText("<br>".join(finished))
