"""An upright axis writes no number over another: seen on the KL bars in presenter mode (a plot ~35 pixels tall,
text 1.5× larger), where "0.04" was written over "0.02". Taller axes keep pyqtgraph's own steps."""
from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFont, QFontMetrics

from vaegui.gui.common.plot_style import plain_axes


def _axis(qtbot, height: int, points: float):
    widget = pg.PlotWidget(axisItems=plain_axes())
    qtbot.addWidget(widget)
    widget.resize(300, height)
    widget.show()
    qtbot.waitExposed(widget)
    axis = widget.getPlotItem().getAxis("left")
    font = QFont()
    font.setPointSizeF(points)
    axis.setStyle(tickFont=font)
    widget.getPlotItem().setYRange(0, 0.05, padding=0)
    qtbot.wait(50)
    return widget, axis, QFontMetrics(font).height()


@pytest.mark.parametrize(("height", "points"), [(70, 14), (90, 14), (70, 9)])
def test_the_numbers_of_a_short_upright_axis_keep_apart(qtbot, height, points):
    _widget, axis, text_height = _axis(qtbot, height, points)
    length = axis.geometry().height()
    (major, values), *finer = axis.tickValues(0, 0.05, length)
    assert len([v for v in values if 0 <= v <= 0.05]) >= 2, values  # still numbers to read
    assert major * length / 0.05 >= text_height, (major, length, text_height)


def test_a_tall_axis_keeps_pyqtgraphs_steps(qtbot):
    _widget, axis, _ = _axis(qtbot, 500, 9)
    length = axis.geometry().height()
    assert axis.tickValues(0, 0.05, length) == pg.AxisItem.tickValues(axis, 0, 0.05, length)
    steps = [spacing for spacing, _ in pg.AxisItem.tickSpacing(axis, 0, 0.05, length)]
    assert [spacing for spacing, _ in axis.tickSpacing(0, 0.05, length)] == steps and len(steps) >= 2
