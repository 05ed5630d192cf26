"""The direction's panel: groups A and B, a slider walking the chosen picture from A's side towards B's with live
decoding, the walk as a strip, and saving or loading the direction."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from vaegui.app.direction_model import AMOUNT_RANGE, STRIP_AMOUNTS, DirectionModel
from vaegui.gui.common.image_tiles import ImageGrid, ImageTile
from vaegui.gui.common.wording import wording
from vaegui.palette import HINT_STYLE
from vaegui.words import tip

STEPS_PER_UNIT = 100  # slider steps per length of the direction


class DirectionPanel(QWidget):
    save_requested = Signal()
    load_requested = Signal()

    def __init__(self, direction: DirectionModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.direction = direction
        words = wording()
        self.prompt = words.label(QLabel(), "direction_prompt")
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet(HINT_STYLE)
        self.about = QLabel("")
        self.about.setWordWrap(True)
        self.start = QLabel("")
        self.start.setWordWrap(True)
        self.start.setStyleSheet(HINT_STYLE)
        self.use_button = words.label(QPushButton(), "direction_use")
        self.use_button.clicked.connect(direction.use_selection)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(int(AMOUNT_RANGE[0] * STEPS_PER_UNIT), int(AMOUNT_RANGE[1] * STEPS_PER_UNIT))
        self.slider.setToolTip(tip("direction_amount"))
        self.slider.valueChanged.connect(lambda value: direction.set_amount(value / STEPS_PER_UNIT))
        self.amount = QLabel("")
        self.picture = ImageTile("", 128)
        self.strip = ImageGrid(len(STRIP_AMOUNTS), len(STRIP_AMOUNTS), 40)
        self.strip.tile_clicked.connect(lambda i: self.slider.setValue(int(STRIP_AMOUNTS[i] * STEPS_PER_UNIT)))
        self.save_button = words.label(QPushButton(), "direction_save")
        self.load_button = words.label(QPushButton(), "direction_load")
        self.save_button.clicked.connect(self.save_requested)
        self.load_button.clicked.connect(self.load_requested)

        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.about)
        start_row = QHBoxLayout()
        start_row.addWidget(self.start, 1)
        start_row.addWidget(self.use_button)
        layout.addLayout(start_row)
        amount_row = QHBoxLayout()
        amount_row.addWidget(words.label(QLabel(), "direction_amount"))
        amount_row.addWidget(self.slider, 1)
        amount_row.addWidget(self.amount)
        layout.addLayout(amount_row)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(words.label(QLabel(), "direction_strip"))
        layout.addWidget(self.strip)
        files = QHBoxLayout()
        files.addWidget(self.save_button)
        files.addWidget(self.load_button)
        files.addStretch(1)
        layout.addLayout(files)
        layout.addStretch(1)
        direction.changed.connect(self.render)
        self.render()

    def render(self) -> None:
        direction = self.direction
        ready = direction.direction is not None
        self.prompt.setVisible(not ready)
        self.about.setText(f"<b>Direction</b> {direction.describe()}" if ready else "")
        self.start.setText(f"Walking from: {direction.start_title}" if direction.start is not None else "")
        for widget in (self.slider, self.use_button, self.save_button):
            widget.setEnabled(ready)
        value = int(round(direction.amount * STEPS_PER_UNIT))
        if self.slider.value() != value:
            self.slider.blockSignals(True)  # the model's amount, shown; not a new move to decode
            self.slider.setValue(value)
            self.slider.blockSignals(False)
        self.amount.setText(f"{direction.amount:+.2f}")
        self.picture.set_image(direction.image, "" if direction.image is None else
                               f"{direction.amount:+.2f} × (B − A)")
        self.strip.set_images(direction.strip, [f"{amount:+g} × (B − A)" for amount in STRIP_AMOUNTS])
