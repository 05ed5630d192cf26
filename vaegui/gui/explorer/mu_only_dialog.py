"""The mu-only demonstration: three small maps of the same images, with what happened at each step."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QWidget

from vaegui.gui.common.plot_style import plain_axes
from vaegui.latent.mu_only_demo import MuOnlyDemo
from vaegui.palette import HINT_TEXT, MAP_BACKGROUND


class MuOnlyDialog(QDialog):
    def __init__(self, demo: MuOnlyDemo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Why mu-only rebuilds the encoder's predict function")
        layout = QGridLayout(self)
        intro = QLabel(
            "The encoder turns each image into a small cloud of possible points (centre mu, spread from log_var) and "
            "picks a random point z in it. mu-only shows each cloud's centre instead. The switch is a plain Python "
            "number (factor) inside the sampling layer, and Keras freezes such numbers into its compiled predict "
            f"function. Here, the same {len(demo.mu)} images, three times:")
        intro.setWordWrap(True)
        layout.addWidget(intro, 0, 0, 1, 3)
        axes = _axes(demo.mu)
        self.plots = []
        for column, step in enumerate(demo.steps):
            plot = pg.PlotWidget(background=MAP_BACKGROUND, axisItems=plain_axes())
            plot.setMinimumSize(240, 220)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.plot(*axes(demo.mu).T, pen=None, symbol="+", symbolSize=7, symbolPen="#888888")  # the centres
            plot.plot(*axes(step.z).T, pen=None, symbol="o", symbolSize=4, symbolBrush="#4fc3f7", symbolPen=None)
            self.plots.append(plot)
            verdict = "z = mu exactly" if step.equals_mu else f"z is {step.distance:.3g} away from mu on average"
            text = QLabel(f"<b>{step.title}</b><br>{step.explanation}<br><i>{verdict}</i>")
            text.setWordWrap(True)
            layout.addWidget(plot, 1, column)
            layout.addWidget(text, 2, column)
        key = QLabel("grey +: the cloud centres (mu) · blue dots: what the encoder returned (z)")
        key.setStyleSheet(f"color: {HINT_TEXT};")
        layout.addWidget(key, 3, 0, 1, 3)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons, 4, 0, 1, 3)


def _axes(mu: np.ndarray):
    """The same two directions for every step (mu's own, when z_dim > 2), so the pictures compare."""
    if mu.shape[1] <= 2:
        return lambda z: np.asarray(z[:, :2], np.float64)
    mean = mu.mean(axis=0)
    directions = np.linalg.svd(mu - mean, full_matrices=False)[2][:2]
    return lambda z: (np.asarray(z, np.float64) - mean) @ directions.T
