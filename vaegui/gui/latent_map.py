"""The latent map: every sample drawn as one image, KD-tree picking, hover thumbnails, click/drag to decode."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from vaegui.compat import write_svg
from vaegui.gui.image_tiles import array_to_pixmap
from vaegui.gui.point_raster import PointRaster
from vaegui.latent.picking import PointPicker

PICK_RADIUS_PX = 7
POINT_SIZE_PX = 5


class _MapViewBox(pg.ViewBox):
    """Left click picks or decodes, left drag decodes continuously; Shift/middle drag pans, wheel/right drag zooms."""

    left_clicked = Signal(float, float)
    left_dragged = Signal(float, float, bool)  # x, y, drag finished

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            point = self.mapSceneToView(ev.scenePos())
            self.left_clicked.emit(point.x(), point.y())
        else:
            super().mouseClickEvent(ev)

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802
        if ev.button() == Qt.MouseButton.LeftButton and not ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            ev.accept()
            point = self.mapSceneToView(ev.scenePos())
            self.left_dragged.emit(point.x(), point.y(), ev.isFinish())
        else:
            super().mouseDragEvent(ev, axis)  # Shift + left or middle drag pans, right drag zooms


class _GridLines:
    """Grid lines at the axes' ticks, as two line items in opaque greys.

    pyqtgraph's own grid (showGrid) extends the axes' tick lines over the plot and costs ~8 ms a frame
    here (1000×750, pyqtgraph 0.14): half the 16 ms frame budget; these two items cost ~1 ms.
    """

    SHADES = ("#303030", "#222222")  # major, minor ticks, on the #161616 background

    def __init__(self, plot_item: pg.PlotItem):
        self.plot_item = plot_item
        self.levels = [pg.PlotCurveItem(pen=pg.mkPen(shade, width=1), connect="pairs") for shade in self.SHADES]
        for level in self.levels:
            level.setZValue(-10)
            plot_item.addItem(level, ignoreBounds=True)
        plot_item.getViewBox().sigRangeChanged.connect(self.update)

    def update(self, *_args) -> None:
        (x0, x1), (y0, y1) = self.plot_item.getViewBox().viewRange()
        bottom, left = self.plot_item.getAxis("bottom"), self.plot_item.getAxis("left")
        x_levels = bottom.tickValues(x0, x1, max(1.0, bottom.width()))
        y_levels = left.tickValues(y0, y1, max(1.0, left.height()))
        for level, curve in enumerate(self.levels):
            xs = np.asarray(x_levels[level][1] if level < len(x_levels) else [], float)
            ys = np.asarray(y_levels[level][1] if level < len(y_levels) else [], float)
            segments_x = np.concatenate([np.repeat(xs, 2), np.tile([x0, x1], len(ys))])
            segments_y = np.concatenate([np.tile([y0, y1], len(xs)), np.repeat(ys, 2)])
            curve.setData(segments_x, segments_y)


class LatentMap(QWidget):
    """Scatter of projected latent vectors, coloured by category, with overlays for the selection and samples."""

    point_clicked = Signal(int)  # row
    points_changed = Signal()  # new points, colours or coordinates were drawn
    location_clicked = Signal(float, float)
    location_dragged = Signal(float, float)
    hovered = Signal(object)  # row or None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        pg.setConfigOptions(antialias=False)
        self.view_box = _MapViewBox()
        self.plot_widget = pg.PlotWidget(viewBox=self.view_box, background="#161616")
        self.plot_item = self.plot_widget.getPlotItem()
        self.grid = _GridLines(self.plot_item)
        self.plot_item.hideButtons()
        self.plot_item.setMenuEnabled(False)
        self.points = PointRaster(POINT_SIZE_PX)
        self.plot_item.addItem(self.points)
        self.ellipses = [pg.PlotCurveItem(pen=pg.mkPen("#ffffff", width=1.5, style=s)) for s in (Qt.PenStyle.SolidLine,
                                                                                               Qt.PenStyle.DashLine)]
        # The posterior's centre (mu) and a line to the point on the map (z, a draw from it when mu-only is off).
        self.posterior_centre = pg.ScatterPlotItem(pxMode=True, size=11, symbol="+", pen=pg.mkPen("#ffffff", width=2),
                                                   brush=None)
        self.posterior_link = pg.PlotCurveItem(pen=pg.mkPen("#ffffff", width=1, style=Qt.PenStyle.DotLine))
        self.samples = pg.ScatterPlotItem(pxMode=True, size=7, symbol="x", pen=pg.mkPen("#ffffff"), brush=None)
        self.path = pg.PlotDataItem(pen=pg.mkPen("#ffd54f", width=2), symbol="o", symbolSize=6,
                                    symbolBrush="#ffd54f", symbolPen=None)
        self.selection = pg.ScatterPlotItem(pxMode=True, size=15, symbol="o", pen=pg.mkPen("#ffffff", width=2),
                                            brush=None)
        self.location = pg.ScatterPlotItem(pxMode=True, size=16, symbol="+", pen=pg.mkPen("#ffd54f", width=2.5),
                                           brush=None)
        for item in self._overlays():
            item.setZValue(10)
            self.plot_item.addItem(item)
        self.legend = pg.LegendItem(offset=(-10, 10), labelTextColor="#dddddd", brush=pg.mkBrush(24, 24, 24),
                                    pen=pg.mkPen("#444444"))
        self.legend.setParentItem(self.plot_item.getViewBox())
        self.thumbnail = QLabel(self.plot_widget)
        self.thumbnail.setStyleSheet("background: #000; border: 1px solid #aaa; color: #ddd; padding: 2px;")
        self.thumbnail.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.thumbnail.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)

        self.coords = np.zeros((0, 2), np.float32)
        self.categories = np.zeros(0, np.int64)
        self.colours: list[str] = []
        self.symbols: np.ndarray | None = None
        self._picker: PointPicker | None = None
        self.thumbnail_for: Callable[[int], tuple[np.ndarray, str]] | None = None
        self.hover_row: int | None = None

        self.view_box.left_clicked.connect(self._on_left_click)
        self.view_box.left_dragged.connect(self._on_left_drag)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)

    # ---- data ----------------------------------------------------------------------------

    def set_points(
        self,
        coords: np.ndarray,
        categories: np.ndarray,
        colours: list[str],
        names: list[str],
        symbols: np.ndarray | None = None,
        symbol_names: dict[str, str] | None = None,
    ) -> None:
        """Show `coords` coloured by `categories` (indices into `colours`), with a legend of `names`;
        `symbols` gives each point a pyqtgraph symbol ('o', 't', ...) named in the legend by `symbol_names`."""
        self.categories = np.asarray(categories, np.int64)
        self.colours = [QColor(colour).name() for colour in colours]
        self.symbols = None if symbols is None else np.asarray(symbols)
        self.coords = np.asarray(coords, np.float32)
        self._picker = None
        self.points.set_points(self.coords, self.categories, self.colours, self.symbols)
        self.legend.clear()
        for colour, name in zip(colours, names):
            if not name:
                continue
            self.legend.addItem(pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(colour), size=9, symbol="o"), name)
        for symbol, name in (symbol_names or {}).items():
            self.legend.addItem(pg.ScatterPlotItem(pen=pg.mkPen("#dddddd"), brush=None, size=9, symbol=symbol), name)
        self.view_box.enableAutoRange()
        self.points_changed.emit()

    def update_coords(self, coords: np.ndarray) -> None:
        """Move the points (e.g. a t-SNE layout forming) keeping their colours."""
        self.coords = np.asarray(coords, np.float32)
        self._picker = None
        self.points.set_coords(self.coords)
        self.points_changed.emit()

    def clear(self) -> None:
        self.set_points(np.zeros((0, 2), np.float32), np.zeros(0, np.int64), [], [])
        self.clear_overlays()

    def point_count(self) -> int:
        return len(self.coords)

    def point_brush_colours(self) -> list[str]:
        """The colour each drawn point has, as '#rrggbb' (what a person sees)."""
        return np.asarray(self.colours, dtype=object)[self.categories].tolist() if len(self.categories) else []

    def point_symbols(self) -> np.ndarray:
        """The pyqtgraph symbol each drawn point has ('o' circle, 't' triangle, ...)."""
        return np.full(len(self.coords), "o") if self.symbols is None else self.symbols

    # ---- overlays ------------------------------------------------------------------------

    def show_selection(self, x: float | None, y: float | None = None) -> None:
        self.selection.setData([] if x is None else [x], [] if x is None else [y])

    def show_location(self, x: float | None, y: float | None = None) -> None:
        self.location.setData([] if x is None else [x], [] if x is None else [y])

    def show_sigma_ellipse(
        self, centre: np.ndarray | None, sigma: np.ndarray | None = None, sample: np.ndarray | None = None
    ) -> None:
        """The 1σ and 2σ contours of the posterior N(mu, sigma²) around `centre`, its centre marked,
        and a line from the centre to `sample` (the point drawn from it) when that is elsewhere."""
        angles = np.linspace(0, 2 * np.pi, 120)
        for scale, ellipse in zip((1.0, 2.0), self.ellipses):
            if centre is None:
                ellipse.setData([], [])
            else:
                ellipse.setData(centre[0] + scale * sigma[0] * np.cos(angles),
                                centre[1] + scale * sigma[1] * np.sin(angles))
        self.posterior_centre.setData(pos=np.zeros((0, 2)) if centre is None else [np.asarray(centre)[:2]])
        if centre is None or sample is None or np.allclose(sample, centre):
            self.posterior_link.setData([], [])
        else:
            self.posterior_link.setData([centre[0], sample[0]], [centre[1], sample[1]])

    def show_samples(self, points: np.ndarray | None) -> None:
        self.samples.setData(pos=np.zeros((0, 2)) if points is None else np.asarray(points)[:, :2])

    def show_path(self, points: np.ndarray | None) -> None:
        if points is None:
            self.path.setData([], [])
        else:
            self.path.setData(np.asarray(points)[:, 0], np.asarray(points)[:, 1])

    def clear_overlays(self) -> None:
        self.show_selection(None)
        self.show_location(None)
        self.show_sigma_ellipse(None)
        self.show_samples(None)
        self.show_path(None)

    # ---- picking -------------------------------------------------------------------------

    def pick(self, x: float, y: float) -> int | None:
        """Row of the point under (x, y) within a few screen pixels, by KD-tree."""
        if len(self.coords) == 0:
            return None
        if self._picker is None:
            self._picker = PointPicker(self.coords)
        pixel_width, pixel_height = self.view_box.viewPixelSize()
        return self._picker.nearest(x, y, PICK_RADIUS_PX * pixel_width, PICK_RADIUS_PX * pixel_height)

    def _on_left_click(self, x: float, y: float) -> None:
        row = self.pick(x, y)
        if row is None:
            self.location_clicked.emit(x, y)
        else:
            self.point_clicked.emit(row)

    def _on_left_drag(self, x: float, y: float, _finished: bool) -> None:
        self.location_dragged.emit(x, y)

    def _on_mouse_moved(self, scene_pos) -> None:
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            self._hide_thumbnail()
            return
        point = self.view_box.mapSceneToView(scene_pos)
        row = self.pick(point.x(), point.y())
        if row is None or self.thumbnail_for is None:
            self._hide_thumbnail()
            return
        if row != self.hover_row:
            self.hover_row = row
            image, caption = self.thumbnail_for(row)
            pixmap = array_to_pixmap(image, 72)
            self.thumbnail.setPixmap(pixmap)
            self.thumbnail.setToolTip(caption)
            self.thumbnail.adjustSize()
            self.hovered.emit(row)
        widget_pos = self.plot_widget.mapFromScene(scene_pos)
        self._place_thumbnail(QPoint(int(widget_pos.x()), int(widget_pos.y())))

    def _place_thumbnail(self, cursor: QPoint) -> None:
        x, y = cursor.x() + 16, cursor.y() + 16
        if x + self.thumbnail.width() > self.plot_widget.width():
            x = cursor.x() - 16 - self.thumbnail.width()
        if y + self.thumbnail.height() > self.plot_widget.height():
            y = cursor.y() - 16 - self.thumbnail.height()
        self.thumbnail.move(x, y)
        self.thumbnail.show()
        self.thumbnail.raise_()

    def _hide_thumbnail(self) -> None:
        if self.hover_row is not None:
            self.hover_row = None
            self.hovered.emit(None)
        self.thumbnail.hide()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._hide_thumbnail()
        super().leaveEvent(event)

    def _overlays(self) -> list:
        return [*self.ellipses, self.posterior_link, self.posterior_centre, self.samples, self.path, self.selection,
                self.location]

    # ---- export --------------------------------------------------------------------------

    def export_image(self, path: str) -> None:
        """PNG (twice the screen size, by pyqtgraph's ImageExporter) or SVG (by Qt's SVG generator)."""
        with self._points_as_scatter() as scatter:
            if path.lower().endswith(".svg"):
                self._export_svg(path, scatter)
            else:
                from pyqtgraph.exporters import ImageExporter

                exporter = ImageExporter(self.plot_item)
                exporter.parameters()["width"] = max(800, int(self.plot_item.width() * 2))
                exporter.export(path)

    @contextmanager
    def _points_as_scatter(self):
        """The points as a scatter item while exporting: the screen image would be scaled up, not redrawn."""
        brushes = np.empty(len(self.colours), dtype=object)
        brushes[:] = [pg.mkBrush(colour) for colour in self.colours]  # one shared brush per category
        scatter = pg.ScatterPlotItem(pxMode=True, pen=None, size=POINT_SIZE_PX, antialias=False)
        scatter.setData(x=self.coords[:, 0], y=self.coords[:, 1], brush=brushes[self.categories],
                        symbol=self.point_symbols())
        self.points.hide()
        self.plot_item.addItem(scatter, ignoreBounds=True)
        try:
            yield scatter
        finally:
            self.plot_item.removeItem(scatter)
            self.points.show()

    def _export_svg(self, path: str, scatter: pg.ScatterPlotItem) -> None:
        # Through Qt's SVG generator: pyqtgraph's SVGExporter fails on these plots (see vaegui.compat.write_svg).
        # Export mode makes the scatter draw each point as a vector symbol, not a cached pixmap.
        view = self.plot_widget
        size = view.viewport().size()
        self.thumbnail.hide()
        scatter.setExportMode(True, {"antialias": False})
        try:
            write_svg(path, size.width(), size.height(), "vaegui latent map", view.render)
        finally:
            scatter.setExportMode(False)
