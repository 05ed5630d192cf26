"""Draws the map's extra layers (vaegui.app.map_layers): density contours, names of crowded regions, the prior's
circles, and decoded pictures behind the points, asked again for the visible part when the view rests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from vaegui.app.map_layers import MapLayers

CONTOUR_PENS = (("#ffffff", 1.6, 200), ("#ffffff", 1.2, 150), ("#ffffff", 1.0, 105))  # 50 %, 80 %, 95 % lines
RING_COLOUR = "#ff8a65"
BACKGROUND_OPACITY = 0.55
TILE_PX = 56  # a decoded picture behind the points is about this many screen pixels wide
LATTICE_LIMITS = (4, 28)  # pictures across and down
REST_MS = 350  # the view rests this long before the pictures behind it are decoded again
LABEL_SCALE = 1.15  # region names: this much larger than the window's text (presenter mode enlarges both)


class RegionName(pg.TextItem):
    """A region's name on the map: a click on it makes the region the group, never decodes the place under it."""

    def __init__(self, text: str, detail: str, on_click: Callable[[], None]):
        super().__init__(text, color="#ffffff", anchor=(0.5, 0.5), fill=pg.mkBrush(0, 0, 0, 170),
                         border=pg.mkPen("#777777"))
        self.on_click = on_click
        self.setToolTip(f"{detail} · click: make this region the group")

    def hoverEvent(self, ev) -> None:  # noqa: N802 (pyqtgraph's name)
        if not ev.isExit():
            ev.acceptClicks(Qt.MouseButton.LeftButton)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802
        ev.accept()
        if ev.button() == Qt.MouseButton.LeftButton and not ev.double():
            self.on_click()


class MapLayersView(QObject):
    def __init__(self, latent_map, layers: MapLayers, on_region_clicked: Callable[[int], None]):
        super().__init__(latent_map)
        self.map, self.layers, self.on_region_clicked = latent_map, layers, on_region_clicked
        plot_item = latent_map.plot_item
        self.contours = []
        for colour, width, alpha in CONTOUR_PENS:
            pen = pg.mkPen(pg.mkColor(colour), width=width)
            pen.setColor(pg.mkColor(*pg.mkColor(colour).getRgb()[:3], alpha))
            self.contours.append(pg.PlotCurveItem(pen=pen, connect="pairs"))
        self.rings = [pg.PlotCurveItem(pen=pg.mkPen(RING_COLOUR, width=w, style=s)) for w, s in
                      ((1.8, Qt.PenStyle.SolidLine), (1.4, Qt.PenStyle.DashLine), (1.2, Qt.PenStyle.DotLine))]
        for item in (*self.contours, *self.rings):
            item.setZValue(6)
            plot_item.addItem(item, ignoreBounds=True)
        self.background = pg.ImageItem()
        self.background.setZValue(-5)  # behind the points, above the grid lines
        self.background.setOpacity(BACKGROUND_OPACITY)
        plot_item.addItem(self.background, ignoreBounds=True)
        self.names: list[RegionName] = []
        self._drawn_regions = None
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self.ask_background)
        latent_map.view_box.sigRangeChanged.connect(lambda *_: self._rest.start())
        # Names that would cover one another: the larger region's shows; zooming in makes room for the others.
        latent_map.view_box.sigRangeChanged.connect(lambda *_: QTimer.singleShot(0, self, self.declutter))
        # Nor under the class legend or the key, which hid a name or cut it in half ("nkle boot · Sandal").
        latent_map.keys_moved.connect(lambda: QTimer.singleShot(0, self, self.declutter))
        latent_map.installEventFilter(self)
        layers.changed.connect(self.render)

    # ---- drawing ------------------------------------------------------------------------------

    def render(self) -> None:
        layers = self.layers
        contours = layers.contours if layers.shown["contours"] else None
        for index, curve in enumerate(self.contours):
            segments = None if contours is None or index >= len(contours.segments) else contours.segments[index]
            if segments is None or not len(segments):
                curve.setData([], [])
            else:
                curve.setData(segments[:, :, 0].ravel(), segments[:, :, 1].ravel())
        rings = layers.rings if layers.shown["prior"] else None
        for index, curve in enumerate(self.rings):
            if rings is None:
                curve.setData([], [])
            else:
                outline = rings.outline(index)
                curve.setData(outline[:, 0], outline[:, 1])
        self._render_names()
        self._render_background()
        if layers.shown["background"] and layers.background is None and "background" not in layers.busy:
            self.ask_background()
        self.map.refresh_key()

    def _render_names(self) -> None:
        regions = self.layers.regions if self.layers.shown["labels"] else None
        if regions is self._drawn_regions and (regions is None or len(self.names) == len(regions.labels)):
            return
        for name in self.names:
            self.map.plot_item.removeItem(name)
        self.names = []
        self._drawn_regions = regions
        if regions is None:
            return
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * LABEL_SCALE)
        font.setBold(True)
        for label in regions.labels:
            name = RegionName(label.text, label.detail, lambda c=label.cluster: self.on_region_clicked(c))
            name.setFont(font)
            name.setPos(label.x, label.y)
            name.setZValue(15)
            self.map.plot_item.addItem(name, ignoreBounds=True)
            self.names.append(name)
        QTimer.singleShot(0, self, self.declutter)

    def declutter(self) -> None:
        """Show each name unless it would cover a name of a larger region (the names come largest first), the class
        legend or the key."""
        if not self.names:
            return
        keys = self.map.key_rects()
        placed = []
        for name in self.names:
            rect = name.sceneBoundingRect()
            visible = not any(rect.intersects(other) for other in (*placed, *keys))
            name.setVisible(visible)
            if visible:
                placed.append(rect)

    def _render_background(self) -> None:
        background = self.layers.background if self.layers.shown["background"] else None
        if background is None:
            self.background.clear()
            self.background.hide()
            return
        picture = background.picture[::-1].transpose(1, 0, 2)  # x first, bottom row first: pyqtgraph's order
        if picture.shape[2] == 1:
            picture = picture[..., 0]
        self.background.setImage(np.ascontiguousarray(picture), levels=(0.0, 1.0))
        x0, y0, x1, y1 = background.lattice.rect
        self.background.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.background.show()

    def ask_background(self) -> None:
        """Ask for the pictures behind the visible part of the map, about TILE_PX pixels each."""
        if not self.layers.shown["background"]:
            return
        view_box = self.map.view_box
        (x0, x1), (y0, y1) = view_box.viewRange()
        width, height = max(view_box.width(), 1.0), max(view_box.height(), 1.0)
        columns = int(np.clip(round(width / TILE_PX), *LATTICE_LIMITS))
        rows = int(np.clip(round(height / TILE_PX), *LATTICE_LIMITS))
        self.layers.request_background((x0, y0, x1, y1), columns, rows)

    def marks(self) -> list[tuple[pg.GraphicsObject, str]]:
        """The key's entries for the layers drawn now."""
        marks = []
        if self.layers.shown["contours"] and self.layers.contours is not None:
            marks.append((self.contours[0], "key_contours"))
        if self.layers.shown["prior"] and self.layers.rings is not None:
            marks.append((self.rings[0], "key_prior_rings"))
        if self.names:
            marks.append((pg.ScatterPlotItem(pen=pg.mkPen("#777777"), brush=pg.mkBrush(0, 0, 0), size=10, symbol="s"),
                          "key_regions"))
        if self.background.isVisible() and self.layers.background is not None:
            marks.append((pg.ScatterPlotItem(pen=None, brush=pg.mkBrush("#777777"), size=10, symbol="s"),
                          "key_background"))
        return marks

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.FontChange and self.names:  # presenter mode: the names grow with the text
            self._drawn_regions = None
            self._render_names()
        return False
