"""The latent map's mouse: click to pick or decode, drag to decode, Shift-drag a box, Ctrl-drag a lasso (as in
Apple's Embedding Atlas: Shift-drag a rectangle, Shift+Cmd-drag a lasso; Qt's Ctrl is the Mac's Cmd), double-click
to fit; right-drag or middle-drag moves the view, the wheel zooms."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal

DECODE, BOX, LASSO = "decode", "box", "lasso"
TOOLS = (DECODE, BOX, LASSO)


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
