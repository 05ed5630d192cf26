"""The lasso or box being drawn on the map, and the outline of the group it made, as dashed lines."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from vaegui.gui.map.map_view_box import BOX, LASSO

GESTURE_PEN = pg.mkPen("#ffffff", width=1.5, style=Qt.PenStyle.DashLine)
OUTLINE_PEN = pg.mkPen("#ffd54f", width=1.5, style=Qt.PenStyle.DashLine)


def box_outline(corners: np.ndarray) -> np.ndarray:
    (x0, y0), (x1, y1) = corners
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]], np.float64)


class ShapeGesture:
    """Follows a box or lasso drag (MapViewBox.shape_dragged) and, when it ends, calls `on_box(corner_a, corner_b)`
    or `on_lasso(vertices)` with map coordinates."""

    def __init__(self, plot_item: pg.PlotItem, on_box: Callable, on_lasso: Callable):
        self.on_box, self.on_lasso = on_box, on_lasso
        self.drawing = pg.PlotCurveItem(pen=GESTURE_PEN)  # the shape under the mouse
        self.outline = pg.PlotCurveItem(pen=OUTLINE_PEN)  # the group's shape, once made
        for item in (self.drawing, self.outline):
            item.setZValue(20)
            plot_item.addItem(item, ignoreBounds=True)
        self.kind: str | None = None
        self.points: list[tuple[float, float]] = []

    def follow(self, kind: str, x: float, y: float, finished: bool) -> None:
        if self.kind != kind or not self.points:
            self.kind, self.points = kind, []
        self.points.append((x, y))
        shape = self._shape()
        if shape is not None:
            self.drawing.setData(shape[:, 0], shape[:, 1])
        if not finished:
            return
        self.drawing.setData([], [])
        kind, points = self.kind, np.array(self.points, np.float64)
        self.kind, self.points = None, []
        if kind == BOX and len(points) >= 2:
            self.on_box(tuple(points[0]), tuple(points[-1]))
        elif kind == LASSO and len(points) >= 3:
            self.on_lasso(points)

    def _shape(self) -> np.ndarray | None:
        points = np.array(self.points, np.float64)
        if self.kind == BOX and len(points) >= 2:
            return box_outline(np.array([points[0], points[-1]]))
        if self.kind == LASSO and len(points) >= 2:
            return np.vstack([points, points[:1]])  # closed, as the group will be
        return None

    def show_outline(self, shape: tuple[str, np.ndarray] | None) -> None:
        """The outline of the group's lasso or box (None: no outline)."""
        if shape is None:
            self.outline.setData([], [])
            return
        kind, points = shape
        closed = box_outline(points) if kind == "box" else np.vstack([points, points[:1]])
        self.outline.setData(closed[:, 0], closed[:, 1])
