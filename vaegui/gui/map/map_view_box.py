"""The latent map's mouse: click to pick or decode, drag to decode, Shift-drag a box, Ctrl-drag a lasso (as in
Apple's Embedding Atlas: Shift-drag a rectangle, Shift+Cmd-drag a lasso; Qt's Ctrl is the Mac's Cmd), double-click
to fit; right-drag or middle-drag moves the view, the wheel zooms."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal

DECODE, BOX, LASSO = "decode", "box", "lasso"
TOOLS = (DECODE, BOX, LASSO)
MOST_ROOM_SHARE = 0.6  # of the view: a legend bigger than that is drawn over the points rather than squeeze them


def bounds_with_room(bounds: list, room_px: tuple[float, float], view_px: tuple[float, float]) -> list:
    """`bounds` ([[x0, x1], [y0, y1]], pyqtgraph's children bounds) widened so that the points, fitted, keep clear
    of a box `room_px` (width, height) in the view's top-right corner: to the right of them or above them, whichever
    takes less of the view (a tall one-column legend on a wide map: the right; a wide one on a short map: the top)."""
    (room_w, room_h), (view_w, view_h) = room_px, view_px
    if view_w <= 0 or view_h <= 0 or room_w <= 0 or room_h <= 0:
        return bounds
    axis, share = min((0, room_w / view_w), (1, room_h / view_h), key=lambda axis_share: axis_share[1])
    if bounds[axis] is None or share >= MOST_ROOM_SHARE:
        return bounds
    low, high = bounds[axis]
    widened = [list(b) if b is not None else None for b in bounds]
    # Padding added after this (pyqtgraph's) is a share of the widened range on both sides: it keeps the gap.
    widened[axis] = [low, high + (high - low) * share / (1 - share)]
    return widened


def drag_tool(tool: str, modifiers) -> str | None:
    """What a left drag does with these keys held: DECODE, BOX, LASSO, or None (the view moves).

    With the Decode tool (the default) Shift makes a box and Ctrl (or Shift+Ctrl) a lasso; with the Box or Lasso
    tool chosen, a plain drag selects and Shift-drag moves the view, as Embedding Atlas does."""
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    ctrl = bool(modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier))
    if ctrl:
        return LASSO
    if tool == DECODE:
        return BOX if shift else DECODE
    return None if shift else tool


class MapViewBox(pg.ViewBox):
    left_clicked = Signal(float, float)
    left_dragged = Signal(float, float, bool)  # x, y, drag finished
    toggle_clicked = Signal(float, float)  # Ctrl-click: a point into the group or out of it
    turned = Signal(float, float, bool)  # a 3-D map's plain left drag: screen pixels moved right and up, finished
    turning = False  # a 3-D map is shown: a plain left drag turns it instead of decoding
    shape_dragged = Signal(str, float, float, bool)  # BOX or LASSO, x, y, finished (the first call starts it)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tool = DECODE
        self._shape: str | None = None  # the box or lasso being drawn
        self.corner_room: Callable[[], tuple[float, float]] | None = None  # what the class legend needs, top right

    def childrenBounds(self, frac=None, orthoRange=(None, None), items=None):  # noqa: N802 (pyqtgraph's name)
        """What the view fits (its own fit as points come, Fit view, a double-click): the points, and room for the
        class legend in the top-right corner, so that it covers none of them."""
        bounds = super().childrenBounds(frac=frac, orthoRange=orthoRange, items=items)
        if self.corner_room is None:
            return bounds
        return bounds_with_room(bounds, self.corner_room(), (self.width(), self.height()))

    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(tool)
        self.tool = tool

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseClickEvent(ev)
            return
        ev.accept()
        point = self.mapSceneToView(ev.scenePos())
        if ev.double():
            return  # the map fits its view (LatentMap, from the scene: a mark under the mouse may take the click)
        if ev.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier):
            self.toggle_clicked.emit(point.x(), point.y())
        else:
            self.left_clicked.emit(point.x(), point.y())

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.RightButton:
            # A plain left drag decodes and Shift/Ctrl-drag select, so the view moves with the right button (a
            # laptop's two-finger drag) as well as the middle one; the wheel zooms.
            self._move_with(ev)
            return
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)  # the middle button moves the view
            return
        if ev.isStart():
            self._shape = drag_tool(self.tool, ev.modifiers())
        what = self._shape
        if what is None:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if what == DECODE and self.turning:
            moved = ev.scenePos() - ev.lastScenePos()
            self.turned.emit(moved.x(), -moved.y(), ev.isFinish())
            return
        if what == DECODE:
            point = self.mapSceneToView(ev.scenePos())
            self.left_dragged.emit(point.x(), point.y(), ev.isFinish())
            return
        if ev.isStart():
            start = self.mapSceneToView(ev.buttonDownScenePos())
            self.shape_dragged.emit(what, start.x(), start.y(), False)
        point = self.mapSceneToView(ev.scenePos())
        self.shape_dragged.emit(what, point.x(), point.y(), ev.isFinish())
        if ev.isFinish():
            self._shape = None

    def _move_with(self, ev) -> None:
        """Move the view so that the place under the mouse follows it (pyqtgraph's own pan, for another button)."""
        ev.accept()
        inverse = self.childGroup.transform().inverted()[0]
        step = inverse.map(ev.lastPos() - ev.pos()) - inverse.map(QPointF(0, 0))
        self._resetTarget()
        self.translateBy(x=step.x(), y=step.y())
        self.sigRangeChangedManually.emit(self.state["mouseEnabled"])
