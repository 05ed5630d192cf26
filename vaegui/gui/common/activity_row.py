"""The row under a tab's controls: what is happening (a status line), its progress and Cancel, or a redraw button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from vaegui.gui.common.elided_label import ElidedLabel


class ActivityRow(QWidget):
    """Renders an activity, (text, fraction done or None) or None when idle; keeps its height whatever it shows."""

    def __init__(self, redraw_text: str, cancel: Callable[[], None], redraw: Callable[[], None]):
        super().__init__()
        # One line that ends in "…" when long, the whole of it in the tooltip: a status line never widens the window.
        self.status_label = ElidedLabel("")
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedWidth(220)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(cancel)
        self.redraw_button = QPushButton(redraw_text)
        self.redraw_button.clicked.connect(redraw)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in ((self.status_label, 1), (self.redraw_button, 0), (self.progress_bar, 0),
                                (self.cancel_button, 0)):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)  # the row keeps its height: nothing below jumps
            widget.setSizePolicy(policy)
            layout.addWidget(widget, stretch)

    def render(self, activity: tuple[str, float | None] | None, can_redraw: bool) -> None:
        busy = activity is not None
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.redraw_button.setVisible(not busy and can_redraw)
        if busy:
            text, fraction = activity
            self.progress_bar.setRange(0, 0 if fraction is None else 1000)
            if fraction is not None:
                self.progress_bar.setValue(int(fraction * 1000))
            self.status_label.setText(text)
