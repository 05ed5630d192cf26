"""Range filters on each point's copy error, KL and mean spread (log_var): a two-handled slider per value, spanning
the values of the map shown; moving a handle filters at once, both handles at the ends filter nothing. A value not
worked out yet shows a note in its slider's place."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget
from superqt import QLabeledDoubleRangeSlider

from vaegui.app.map_filter import RANGE_NAMES, FilterModel, point_values
from vaegui.gui.common.wording import wording
from vaegui.palette import HINT_STYLE
from vaegui.words import tip, word

SLIDER_WIDTH = 320


class RangePanel(QWidget):
    """Drives the filters of one map, or of several (the Compare tab's two sides share the ranges)."""

    def __init__(self, filters: list[FilterModel], parent: QWidget | None = None):
        super().__init__(parent)
        self.filters = filters
        self.sliders: dict[str, QLabeledDoubleRangeSlider] = {}
        self.notes: dict[str, QLabel] = {}
        self._spans: dict[str, tuple[float, float]] = {}
        layout = QGridLayout(self)
        words = wording()
        for row, name in enumerate(RANGE_NAMES):
            label = words.label(QLabel(), f"range_{name}")
            label.setToolTip(tip("ranges"))
            slider = QLabeledDoubleRangeSlider(Qt.Orientation.Horizontal)
            slider.setMinimumWidth(SLIDER_WIDTH)
            slider.setDecimals(3)
            slider.valueChanged.connect(lambda values, name=name: self._moved(name, values))
            note = QLabel("")
            note.setStyleSheet(HINT_STYLE)
            layout.addWidget(label, row, 0)
            # The note takes the slider's place while there is nothing to slide over (a disabled slider said
            # "0.000 — 99.000", values no picture has).
            layout.addWidget(slider, row, 1)
            layout.addWidget(note, row, 1)
            self.sliders[name], self.notes[name] = slider, note
        # A map may not have worked out every picture's copy error yet (a decoder pass over all of them): the
        # person can ask for it here; it runs on the model's lane, off the GUI thread.
        self.compute_errors = QPushButton("Work it out")
        self.compute_errors.setToolTip("Decode every picture of the map once to know its copy error (a few seconds "
                                       "for many pictures; the window stays usable).")
        self.compute_errors.clicked.connect(self.ask_errors)
        self.compute_errors.hide()
        layout.addWidget(self.compute_errors, RANGE_NAMES.index("error"), 2)
        reset = QPushButton("Every value")
        reset.setToolTip("Both handles of every slider back at the ends: no range filter.")
        reset.clicked.connect(self.reset)
        layout.addWidget(reset, len(RANGE_NAMES), 1, Qt.AlignmentFlag.AlignLeft)
        for model in filters:
            model.explorer.map_changed.connect(self.render)
        self.render()

    def render(self) -> None:
        """Each slider spans the values of the maps shown; a value not computed yet is said so."""
        for name, slider in self.sliders.items():
            spans = []
            for model in self.filters:
                latents = model.latents()
                values = None if latents is None else point_values(latents, name)
                if values is not None and len(values) and np.isfinite(values).any():
                    spans.append((float(np.nanmin(values)), float(np.nanmax(values))))
            self.notes[name].setText("" if spans else word("range_not_computed", wording().expert))
            self.notes[name].setVisible(not spans)
            slider.setVisible(bool(spans))
            if name == "error":
                self.compute_errors.setVisible(not spans and any(hasattr(m.explorer, "want_errors")
                                                                 for m in self.filters))
            if not spans:
                continue
            low, high = min(s[0] for s in spans), max(s[1] for s in spans)
            if high <= low:
                high = low + 1e-6
            self._spans[name] = (low, high)
            current = self.filters[0].ranges.get(name)
            slider.blockSignals(True)
            slider.setRange(low, high)
            slider.setSingleStep((high - low) / 200)
            slider.setValue((max(low, current.low), min(high, current.high)) if current is not None else (low, high))
            slider.blockSignals(False)

    def _moved(self, name: str, values) -> None:
        low, high = (float(v) for v in values)
        span = self._spans.get(name)
        whole = span is not None and low <= span[0] + 1e-9 and high >= span[1] - 1e-9
        for model in self.filters:
            model.set_range(name, None if whole else low, None if whole else high)

    def ask_errors(self) -> None:
        for model in self.filters:
            want = getattr(model.explorer, "want_errors", None)
            if want is not None:
                want()

    def reset(self) -> None:
        for model in self.filters:
            for name in RANGE_NAMES:
                if name in model.ranges:
                    model.set_range(name, None, None)
        self.render()
