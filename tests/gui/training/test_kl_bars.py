"""The KL bars' dimension names stay readable at any z_dim: thinned to every 2nd, 4th… where they would run together."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QWidget

from vaegui.gui.training.kl_bars import KLBars


def _names_and_gaps(bars: KLBars) -> tuple[list[str], list[float], int]:
    """The names on the axis, the pixels between neighbouring ones, and the widest name's pixels."""
    axis = bars.plot_item.getAxis("bottom")
    ticks = list(axis._tickLevels[0])
    view = bars.plot_item.getViewBox()
    xs = [view.mapViewToScene(QPointF(position, 0)).x() for position, _ in ticks]
    metrics = QFontMetrics(axis.style["tickFont"] or axis.font())
    widest = max(metrics.horizontalAdvance(name) for _, name in ticks)
    return [name for _, name in ticks], list(np.diff(xs)), widest


@pytest.mark.parametrize("z_dim", [2, 16, 64])
def test_the_dimension_names_never_run_together(qtbot, z_dim):
    holder = QWidget()  # pyqtgraph's PlotWidget.close, which qtbot calls on the widgets it holds, crashes
    qtbot.addWidget(holder)
    bars = KLBars(holder)
    bars.resize(330, 200)  # the KL bars' room in the Training tab at 1280×800
    holder.show()
    bars.show_values(3, np.linspace(0.1, 2.0, z_dim), np.ones(z_dim))
    qtbot.wait(50)
    names, gaps, widest = _names_and_gaps(bars)
    assert names[0] == "z1" and len(names) >= min(z_dim, 4)
    assert min(gaps) >= widest + 4, (names, min(gaps), widest)  # z10 to z16 ran together at z_dim 16
    if z_dim == 2:
        assert names == ["z1", "z2"]
    # Wider, more names fit again.
    bars.resize(900, 200)
    qtbot.wait(50)
    wider, gaps, widest = _names_and_gaps(bars)
    assert len(wider) >= len(names) and min(gaps) >= widest + 4
