"""The latent map: every sample drawn as one image, KD-tree picking, hover thumbnails, click/drag to decode."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from vaegui.gui.common.image_tiles import array_to_pixmap
from vaegui.gui.common.plot_style import plain_axes, set_axis_label
from vaegui.gui.common.wording import wording
from vaegui.gui.map.class_legend import ClassLegend
from vaegui.gui.map.key_corner import KeyPlacer
from vaegui.gui.map.map_overlays import GridLines, MarkKey, MarkScatter, passes_clicks
from vaegui.gui.map.map_view_box import MapViewBox
from vaegui.gui.map.point_raster import HIDDEN, PointRaster
from vaegui.latent.picking import VisiblePointPicker
from vaegui.palette import DARK_HINT_TEXT, MAP_BACKGROUND

PICK_RADIUS_PX = 7
CORNER_PX = 16  # the legend's or the key's offset from its corner of the view (10), and the air around it
POINT_SIZE_PX = 5


class LatentMap(QWidget):
    """Scatter of projected latent vectors, coloured by category, with overlays for the selection and samples."""

    point_clicked = Signal(int)  # row
    point_toggled = Signal(int)  # Ctrl-click on a point: into the group or out of it
    double_clicked = Signal()  # the view was fitted; the double-click's first click is to be taken back
    points_changed = Signal()  # new points, colours or coordinates were drawn
    location_clicked = Signal(float, float)
    location_dragged = Signal(float, float)
    hovered = Signal(object)  # row or None
    keys_moved = Signal()  # the class legend or the key changed size or place (names on the map keep clear of them)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        pg.setConfigOptions(antialias=False)
        self.view_box = MapViewBox()
        self.plot_widget = pg.PlotWidget(viewBox=self.view_box, background=MAP_BACKGROUND, axisItems=plain_axes())
        self.plot_item = self.plot_widget.getPlotItem()
        self.grid = GridLines(self.plot_item)
        self.plot_item.hideButtons()
        self.plot_item.setMenuEnabled(False)
        self.points = PointRaster(POINT_SIZE_PX)
        self.plot_item.addItem(self.points)
        self.ellipses = [pg.PlotCurveItem(pen=pg.mkPen("#ffffff", width=1.5, style=s)) for s in (Qt.PenStyle.SolidLine,
                                                                                               Qt.PenStyle.DashLine)]
        # The posterior's centre (mu) and a line to the point on the map (z, a draw from it when mu-only is off).
        self.posterior_centre = MarkScatter(pxMode=True, size=11, symbol="+", pen=pg.mkPen("#ffffff", width=2),
                                            brush=None)
        self.posterior_link = pg.PlotCurveItem(pen=pg.mkPen("#ffffff", width=1, style=Qt.PenStyle.DotLine))
        self.samples = MarkScatter(pxMode=True, size=7, symbol="x", pen=pg.mkPen("#ffffff"), brush=None)
        self.path = passes_clicks(pg.PlotDataItem(pen=pg.mkPen("#ffd54f", width=2), symbol="o", symbolSize=6,
                                                  symbolBrush="#ffd54f", symbolPen=None))
        self.selection = MarkScatter(pxMode=True, size=15, symbol="o", pen=pg.mkPen("#ffffff", width=2),
                                     brush=None)
        self.location = MarkScatter(pxMode=True, size=16, symbol="+", pen=pg.mkPen("#ffd54f", width=2.5),
                                    brush=None)
        for item in self._overlays():
            item.setZValue(10)
            # The view fits the pictures, never the marks: a click that draws a wide cloud must not move the map.
            self.plot_item.addItem(item, ignoreBounds=True)
        self.legend = ClassLegend(offset=(-10, 10), labelTextColor="#dddddd", brush=pg.mkBrush(24, 24, 24),
                                  pen=pg.mkPen("#444444"))
        self.legend.setParentItem(self.plot_item.getViewBox())
        self.view_box.corner_room = self._legend_room
        self._room_fitted: tuple[float, float] | None = None  # the legend's room when the view last refitted for it
        self._legend_shown: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (colours, names) in the legend
        # The key: one entry for each kind of mark drawn now (selection, centre, samples…), in the corner where it
        # hides the fewest points.
        self.key = MarkKey()
        self.key.setParentItem(self.plot_item.getViewBox())
        self.key_placer = KeyPlacer(self)
        self.extra_marks: list[Callable[[], list]] = []  # more (item, term) entries for the key: layers, group
        self.symbol_names: dict[str, str] = {}
        self.samples_kind = "posterior"
        self.axis_names: tuple[str, str] = ("", "")
        self.thumbnail = QFrame(self.plot_widget)
        self.thumbnail.setStyleSheet("QFrame { background: #000; border: 1px solid #aaa; } "
                                     "QLabel { border: none; color: #ddd; font-size: 11px; }")
        self.thumbnail.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.thumbnail_image, self.thumbnail_caption = QLabel(), QLabel()
        self.thumbnail_caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        thumbnail_layout = QVBoxLayout(self.thumbnail)
        thumbnail_layout.setContentsMargins(3, 3, 3, 2)
        thumbnail_layout.setSpacing(1)
        thumbnail_layout.addWidget(self.thumbnail_image, 0, Qt.AlignmentFlag.AlignHCenter)
        thumbnail_layout.addWidget(self.thumbnail_caption)
        self.thumbnail.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)

        self.coords = np.zeros((0, 2), np.float32)
        self.categories = np.zeros(0, np.int64)
        self.colours: list[str] = []
        self.symbols: np.ndarray | None = None
        self._picker = VisiblePointPicker()
        self.thumbnail_for: Callable[[int], tuple[np.ndarray, str]] | None = None
        self.hover_row: int | None = None

        self.view_box.left_clicked.connect(self._on_left_click)
        self.view_box.toggle_clicked.connect(self._on_toggle_click)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_scene_click)
        self.view_box.left_dragged.connect(self._on_left_drag)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)
        wording().bind(self, lambda _expert: self._update_key())
        # Their text made bigger or smaller (presenter mode): the legend's columns fitted again, once it is laid out.
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.timeout.connect(self._fit_legend)
        for box in (self.legend, self.key):
            box.geometryChanged.connect(self._refit.start)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """The class legend in as many columns as the map's height needs: ten classes in one column ran off a map
        250 pixels tall (the Compare tab at 1280×800), hiding the last ones."""
        if not self.legend.items:
            self.keys_moved.emit()
            return
        columns = self.legend.columns_for_map(self.plot_widget.height())
        # The key of marks in the bottom-left corner (it takes another only where that one is free: KeyPlacer): where
        # the two would meet (a narrow map, presenter mode's bigger text), the legend leaves the key its height.
        # Elsewhere it keeps its shape, and the map its fit, when a click shows the key (a legend made a wide strip
        # above the key squashed the points on each click).
        if self.key.isVisible() and self.key.items and self.key_placer.corner == "bottom-left":
            key_right = CORNER_PX + self.key.boundingRect().width()
            if self.view_box.width() - CORNER_PX - self.legend.width_with(columns) < key_right:
                columns = self.legend.columns_for_map(self.plot_widget.height(), self.key.boundingRect().height() + 10)
        if columns != self.legend.columnCount:  # set once: trying counts on the legend would resize it without end
            self.legend.setColumnCount(columns)
        if self._legend_room() != self._room_fitted:  # its size changed (not each click that changes the key)
            self._room_fitted = self._legend_room()
            self.view_box.queueUpdateAutoRange()  # room made for it, while the view fits itself
        self.keys_moved.emit()

    def _legend_room(self) -> tuple[float, float]:
        """The class legend's width and height on screen with its offset from the corner and a little air."""
        if not self.legend.isVisible() or not self.legend.items:
            return 0.0, 0.0
        return self.legend.width() + CORNER_PX, self.legend.height() + CORNER_PX

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
        `symbols` gives each point a pyqtgraph symbol ('o', 't', ...) named in the key by `symbol_names` (a term
        of vaegui.words, or plain text)."""
        self.categories = np.asarray(categories, np.int64)
        self.colours = [QColor(colour).name() for colour in colours]
        self.symbols = None if symbols is None else np.asarray(symbols)
        self.coords = np.asarray(coords, np.float32)
        self._picker.reset()
        self.points.set_points(self.coords, self.categories, self.colours, self.symbols)
        legend = (tuple(self.colours), tuple(names))
        if legend != self._legend_shown:  # a map filling in is drawn hundreds of times with the same legend
            self._legend_shown = legend
            self.legend.set_entries([(category, colour, name) for category, (colour, name)
                                     in enumerate(zip(colours, names)) if name])
            self._fit_legend()
        self.symbol_names = dict(symbol_names or {})
        self._update_key()
        self.view_box.enableAutoRange()
        self.points_changed.emit()

    def set_emphasis(self, states: np.ndarray | None) -> None:
        """Dim or hide points: per row NORMAL, DIMMED or HIDDEN (vaegui.gui.map.point_raster); hidden ones cannot
        be picked either."""
        self.points.set_emphasis(states)
        self._picker.hide(None if self.points.emphasis is None else self.points.emphasis == HIDDEN)

    def update_coords(self, coords: np.ndarray, depth: np.ndarray | None = None) -> None:
        """Move the points (e.g. a t-SNE layout forming, a 3-D map turned: `depth`) keeping their colours."""
        self.coords = np.asarray(coords, np.float32)
        self._picker.reset()
        self.points.set_coords(self.coords, depth)
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
        self._update_key()

    def show_location(self, x: float | None, y: float | None = None) -> None:
        self.location.setData([] if x is None else [x], [] if x is None else [y])
        self._update_key()

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
        self._update_key()

    def show_samples(self, points: np.ndarray | None, kind: str = "posterior") -> None:
        """Decoded samples as ×: from the selected image's cloud (`kind` "posterior") or the prior ("prior")."""
        self.samples_kind = kind
        self.samples.setData(pos=np.zeros((0, 2)) if points is None else np.asarray(points)[:, :2])
        self._update_key()

    def show_path(self, points: np.ndarray | None) -> None:
        if points is None:
            self.path.setData([], [])
        else:
            self.path.setData(np.asarray(points)[:, 0], np.asarray(points)[:, 1])
        self._update_key()

    def set_axis_names(self, x_name: str, y_name: str) -> None:
        """What the map's axes are (z1 and z2, or main direction 1 and 2…); empty strings for none."""
        self.axis_names = (x_name, y_name)
        for side, name in (("bottom", x_name), ("left", y_name)):
            set_axis_label(self.plot_item, side, name, DARK_HINT_TEXT)
            self.plot_item.getAxis(side).showLabel(bool(name))

    # ---- the key ---------------------------------------------------------------------------

    def key_entries(self) -> list[str]:
        """The key's texts, one per kind of mark drawn now, in the chosen wording."""
        return self.key.entries()

    def _drawn_marks(self) -> list[tuple[pg.GraphicsObject, str]]:
        """(a mark to show as the sample, its term) for each kind of mark on the map now."""
        def drawn(item) -> bool:
            x, _ = item.getData()
            return x is not None and len(x) > 0

        marks = []
        if self.symbols is not None and len(self.coords):
            # Which symbols are drawn, worked out once per set of points (a click redraws the key several times).
            if getattr(self, "_symbol_marks", (None,))[0] is not self.symbols:
                self._symbol_marks = (self.symbols, [
                    (pg.ScatterPlotItem(pen=pg.mkPen("#dddddd"), brush=None, size=9, symbol=symbol), name)
                    for symbol, name in self.symbol_names.items() if symbol in set(np.unique(self.symbols))])
            marks += self._symbol_marks[1]
        for item, key in ((self.selection, "key_selection"), (self.posterior_centre, "key_centre"),
                          (self.posterior_link, "key_link"), (self.ellipses[0], "key_sigma1"),
                          (self.ellipses[1], "key_sigma2"),
                          (self.samples, f"key_{self.samples_kind}_samples"), (self.path, "key_path"),
                          (self.location, "key_location")):
            if drawn(item):
                marks.append((item, key))
        for source in self.extra_marks:
            marks.extend(source())
        return marks

    def refresh_key(self) -> None:
        """Show in the key what is drawn now (after a layer was drawn or taken away)."""
        self._update_key()

    def _update_key(self) -> None:
        self.key.show_marks(self._drawn_marks())
        self._fit_legend()  # it says keys_moved

    def key_rects(self) -> list:
        """The scene rectangles of the class legend and the key where they are drawn now."""
        return [box.sceneBoundingRect() for box in (self.legend, self.key) if box.isVisible() and box.items]

    def clear_overlays(self) -> None:
        self.show_selection(None)
        self.show_location(None)
        self.show_sigma_ellipse(None)
        self.show_samples(None)
        self.show_path(None)

    # ---- picking -------------------------------------------------------------------------

    def pick(self, x: float, y: float) -> int | None:
        """Row of the point under (x, y) within a few screen pixels, by KD-tree."""
        pixel_width, pixel_height = self.view_box.viewPixelSize()
        return self._picker.nearest(self.coords, x, y, PICK_RADIUS_PX * pixel_width, PICK_RADIUS_PX * pixel_height)

    def _on_left_click(self, x: float, y: float) -> None:
        row = self.pick(x, y)
        if row is None:
            self.location_clicked.emit(x, y)
        else:
            self.point_clicked.emit(row)

    def _on_scene_click(self, event) -> None:
        # A double-click only fits the view; its first click is taken back by whoever listens to double_clicked.
        # Clicks on the legend or the key never come here as double-clicks (they take Qt's double-click event).
        if event.double() and event.button() == Qt.MouseButton.LeftButton:
            self.view_box.autoRange()
            self.double_clicked.emit()

    def _on_toggle_click(self, x: float, y: float) -> None:
        row = self.pick(x, y)
        if row is not None:
            self.point_toggled.emit(row)

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
            thumbnail = self.thumbnail_for(row)
            if thumbnail is None:  # its picture is not loaded yet
                self._hide_thumbnail()
                return
            self.hover_row = row
            self.show_thumbnail(*thumbnail)
            self.hovered.emit(row)
        widget_pos = self.plot_widget.mapFromScene(scene_pos)
        self._place_thumbnail(QPoint(int(widget_pos.x()), int(widget_pos.y())))

    def show_thumbnail(self, image: np.ndarray, caption: str, scene_pos=None) -> None:
        """The hover frame with `image` and its caption (e.g. "train #402 · Sneaker": which picture this is)."""
        self.thumbnail_image.setPixmap(array_to_pixmap(image, 72))
        self.thumbnail_caption.setText(caption)
        self.thumbnail.setToolTip(caption)
        self.thumbnail.adjustSize()
        if scene_pos is not None:
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

    def export_image(self, path: str, title: str = "") -> None:
        """PNG or SVG of the map, with `title` above it and a legend to read (vaegui.gui.map.map_export)."""
        from vaegui.gui.map.map_export import export_map_image

        export_map_image(self, path, title)
