"""Presenter mode: bigger text, thicker lines and markers, expert controls hidden, full screen; leaving undoes it."""

from __future__ import annotations

import re

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPen
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from vaegui.app.presenter import PresenterSettings
from vaegui.gui.common.wording import wording
from vaegui.gui.map.map_overlays import set_legend_text_size
from vaegui.gui.map.point_raster import PointRaster

FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)(px|pt)")


class PresenterMode(QObject):
    """Applies PresenterSettings to `window` while on, and puts back what it changed when turned off.

    Plots keep drawing while the mode is on (new epochs, a new map, a title rewritten): their new or redrawn
    curves, dots and titles are enlarged as they appear, each scene being looked over once its changes are in."""

    toggled = Signal(bool)

    def __init__(self, window: QMainWindow, settings: PresenterSettings | None = None):
        super().__init__(window)
        self.window = window
        self.settings = settings or PresenterSettings()
        self.active = False
        self._app_font: QFont | None = None
        self._sheets: dict[QWidget, str] = {}  # widget → its own style sheet, before font sizes were scaled
        self._hidden: list[QWidget] = []
        self._was_maximized = False
        self._side_sizes: tuple[int, list[int]] | None = None  # the Explorer side panel's width before
        self._items: dict[object, tuple] = {}  # plot item → (what it had, what presenter mode gave it)
        self._scenes: list = []
        self._rescan = QTimer(self)
        self._rescan.setSingleShot(True)
        self._rescan.timeout.connect(self._scale_plots)

    def set_active(self, on: bool) -> None:
        on = bool(on)
        if on == self.active:
            return
        self.active = on
        if on:
            self._enter()
        else:
            self._leave()
        self.toggled.emit(on)

    # ---- entering and leaving ------------------------------------------------------------

    def _enter(self) -> None:
        settings, window = self.settings, self.window
        window.explorer_tab  # noqa: B018 (built now, if not yet, so that it is enlarged too)
        window.setProperty("presenting", True)  # read by layouts that split the room by mode (the Compare page)
        app = QApplication.instance()
        self._app_font = QFont(app.font())
        bigger = QFont(self._app_font)
        bigger.setPointSizeF(settings.font_size(self._app_font.pointSizeF()))
        app.setFont(bigger)
        # A widget with a style sheet keeps the font it had when the sheet was set: each sheet is set again, its
        # own font sizes scaled too.
        for widget in [window, *window.findChildren(QWidget)]:
            sheet = widget.styleSheet()
            if sheet:
                self._sheets[widget] = sheet
                widget.setStyleSheet("")
                widget.setStyleSheet(FONT_SIZE.sub(lambda m: f"font-size: {settings.font_size(float(m[1])):g}{m[2]}",
                                                   sheet))
        if settings.hide_expert_controls:
            self._hidden = [w for w in wording().expert_controls() if not w.isHidden()]
            for widget in self._hidden:
                widget.hide()
        self._scenes = [view.scene() for view in window.findChildren(pg.GraphicsView)]
        for scene in self._scenes:
            scene.changed.connect(self._on_scene_changed)
        self._scale_plots()
        QTimer.singleShot(0, self, self._widen_side_panel)  # once the bigger fonts have reached the layouts
        if settings.full_screen:
            self._was_maximized = window.isMaximized()
            window.showFullScreen()

    def _widen_side_panel(self) -> None:
        if self.active and self._side_sizes is None:
            self._side_sizes = self.window.explorer_tab.widen_side_panel()

    def _leave(self) -> None:
        window = self.window
        window.setProperty("presenting", False)
        if self._side_sizes is not None:
            window.explorer_tab.restore_side_panel(self._side_sizes)
            self._side_sizes = None
        if window.isFullScreen():
            window.showMaximized() if self._was_maximized else window.showNormal()
        for scene in self._scenes:
            if shiboken6.isValid(scene):
                scene.changed.disconnect(self._on_scene_changed)
        self._scenes = []
        self._rescan.stop()
        for item, (original, given) in self._items.items():
            if shiboken6.isValid(item) and _current(item) == given:  # not redrawn since: put back what it had
                _apply(item, original)
        self._items.clear()
        for widget in self._hidden:
            if shiboken6.isValid(widget):
                widget.show()
        self._hidden = []
        QApplication.instance().setFont(self._app_font)
        for widget, sheet in self._sheets.items():
            if shiboken6.isValid(widget):
                widget.setStyleSheet("")
                widget.setStyleSheet(sheet)
        self._sheets.clear()
        QTimer.singleShot(0, self, self._refit_views)  # once the smaller titles have reached the plots' layouts

    def _refit_views(self) -> None:
        """Each plot fills its view again. pyqtgraph sizes a view's plot only when the view is resized: a plot on a
        tab not shown grew with presenter mode's titles and kept that size after it (a walk saw the Training tab's
        KL bars run off its right edge)."""
        for view in self.window.findChildren(pg.GraphicsView):
            pg.GraphicsView.resizeEvent(view, None)  # its plot's geometry set to the view's size again

    # ---- the plots -----------------------------------------------------------------------

    def _on_scene_changed(self, _regions) -> None:
        if self.active and not self._rescan.isActive():
            self._rescan.start(0)  # once the scene's changes are painted, not during them

    def _scale_plots(self) -> None:
        """Enlarge every plot item that presenter mode has not enlarged yet, or that its view has redrawn since."""
        for scene in self._scenes:
            if not shiboken6.isValid(scene):
                continue
            for item in scene.items():
                current = _current(item)
                if current is None or isinstance(item.parentItem(), (pg.PlotDataItem, pg.LegendItem)):
                    continue  # not a kind presenter mode enlarges, drawn by its PlotDataItem, or a key's entry (the
                    # keys are sized to one line above their plot)
                known = self._items.get(item)
                if known is not None and known[1] == current:
                    continue
                given = self._enlarged(item, current)
                _apply(item, given)
                self._items[item] = (current, _current(item))

    def _enlarged(self, item, current: tuple) -> tuple:
        settings = self.settings
        if isinstance(item, PointRaster):
            return (round(settings.marker_size(current[0])),)
        if isinstance(item, pg.AxisItem):  # a fixed width grows with its numbers, or they run into its name
            return settings.font_size(current[0]), (settings.font_size(current[1]) if current[1] else None)
        if isinstance(item, pg.LegendItem):
            return (f"{settings.font_size(float(current[0][:-2])):g}pt",)
        if isinstance(item, pg.LabelItem):
            return (f"{settings.title_size(float(current[0][:-2])):g}pt",) if current[0] else current
        pen, size = current
        wider = QPen(pen) if pen is not None else None
        if wider is not None and wider.style() != Qt.PenStyle.NoPen:
            wider.setWidthF(settings.line_width(pen.widthF()))
        return wider, (settings.marker_size(size) if size is not None else None)


def _current(item) -> tuple | None:
    """What presenter mode changes in `item`, as it is now: None for items it leaves alone."""
    if isinstance(item, PointRaster):
        return (item.size_px,)
    if isinstance(item, pg.AxisItem):
        # Its name's size (the numbers follow the application's font) and the width a view fixed it to, if any.
        return item.label.font().pointSizeF(), getattr(item, "fixedWidth", None)
    if isinstance(item, pg.LegendItem):  # a key or a class legend: its entries' text (pyqtgraph's default 9pt)
        return (item.opts.get("labelTextSize") or "9pt",)
    if isinstance(item, pg.LabelItem):
        size = item.opts.get("size") or ""
        return (size if size.endswith("pt") else "",)
    if isinstance(item, pg.PlotDataItem):
        return _pen(item.opts["pen"]), item.opts["symbolSize"] if item.opts["symbol"] is not None else None
    if isinstance(item, pg.PlotCurveItem):
        return _pen(item.opts["pen"]), None
    if isinstance(item, pg.ScatterPlotItem):
        return _pen(item.opts["pen"]), item.opts["size"]
    return None


def _pen(pen) -> QPen | None:
    return None if pen is None else pg.mkPen(pen)


def _apply(item, values: tuple) -> None:
    if isinstance(item, PointRaster):
        item.set_size_px(values[0])
    elif isinstance(item, pg.AxisItem):
        font = item.label.font()
        font.setPointSizeF(values[0])
        item.label.setFont(font)
        if values[1]:
            item.setWidth(round(values[1]))
        item._updateLabel()  # pyqtgraph's: places the name again and resizes the axis to it
    elif isinstance(item, pg.LegendItem):
        set_legend_text_size(item, values[0])
    elif isinstance(item, pg.LabelItem):
        if values[0]:
            item.setText(item.text, size=values[0])
    elif isinstance(item, pg.PlotDataItem):
        pen, size = values
        item.setPen(pen)
        if size is not None:
            item.setSymbolSize(size)
    elif isinstance(item, pg.PlotCurveItem):
        item.setPen(values[0])
    elif isinstance(item, pg.ScatterPlotItem):
        pen, size = values
        if pen is not None:
            item.setPen(pen)
        item.setSize(size)
