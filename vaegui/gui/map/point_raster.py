"""The latent map's points drawn as one image at screen resolution, so a frame costs the same for 2k or 200k points."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer, Signal
from PySide6.QtGui import QColor, QImage

from vaegui.gui.common.job_runner import QtJobRunner
from vaegui.gui.map.depth_layers import depth_layers, far_to_near, shaded
from vaegui.gui.map.raster_stamp import rasterize, symbol_footprint

# The image covers the view and this much of its width/height again on each side, so panning up to that far
# only moves an image that is already drawn; beyond it the points are drawn again at once.
MARGIN = 0.5
# Zooming scales the drawn image (points grow or shrink) until the view rests or the scale is this far off.
ZOOM_TOLERANCE = 1.5
REFINE_AFTER_MS = 120  # "the view rests": no pan or zoom for this long
MAX_COLOURS = 255  # index 0 of the image is "no point"


_footprint = functools.lru_cache(maxsize=64)(symbol_footprint)


# What a point's emphasis says: drawn as it is, dimmed (outside the group, or filtered out), or not drawn at all.
NORMAL, DIMMED, HIDDEN = 0, 1, 2
DIM_SHARE = 0.22  # a dimmed point's colour: this much of its own, the rest the map's background
BACKGROUND_RGB = (0x16, 0x16, 0x16)


@dataclass(frozen=True)
class _Points:
    """What is drawn, immutable so that the drawing thread can read it while the GUI moves on."""

    coords: np.ndarray  # (N, 2) float32
    colour_index: np.ndarray  # (N,) uint8: row of `colour_table` - 1
    colour_table: tuple[int, ...]  # ARGB, entry 0 transparent (no point)
    symbols: tuple[str, ...]  # pyqtgraph symbol names
    symbol_of: np.ndarray | None  # (N,) int8 index into `symbols`, None: all the first
    emphasis: np.ndarray | None = None  # (N,) uint8 NORMAL / DIMMED / HIDDEN; None: all NORMAL
    depth: np.ndarray | None = None  # (N,) a 3-D view's distance into the screen: far points first, and dimmer

    def row_colours(self) -> np.ndarray:
        """(N + 1,) uint32 ARGB: entry 0 "no point", then each point's colour as its emphasis says."""
        table = np.array(self.colour_table, np.uint32)
        index = self.colour_index.astype(np.intp) + 1
        if self.emphasis is not None:
            # One look-up in the table and its dimmed copy after it; hidden points take entry 0, "no point".
            table = np.concatenate([table, _dimmed(table)])
            index += (self.emphasis == DIMMED) * (len(table) // 2)
            index[self.emphasis == HIDDEN] = 0
        colours = np.empty(len(self.coords) + 1, np.uint32)
        colours[0] = 0
        np.take(table, index, out=colours[1:])
        layers = depth_layers(self.depth, len(self.coords))
        if layers is not None:  # a turned 3-D map: the farther a point, the dimmer
            colours[1:] = shaded(colours[1:], layers)
        return colours

    def drawing_order(self) -> np.ndarray | None:
        """Rows in the order they are stamped (later on top): dimmed ones first, hidden ones left out; on a turned
        3-D map far layers before near ones."""
        order = None if self.emphasis is None else np.concatenate([np.flatnonzero(self.emphasis == DIMMED),
                                                                   np.flatnonzero(self.emphasis == NORMAL)])
        return far_to_near(order, depth_layers(self.depth, len(self.coords)), len(self.coords))

def dimmed_colour(colour: str) -> str:
    """'#rrggbb' of `colour` dimmed as the map draws a dimmed point."""
    rgb = np.array(QColor(colour).getRgb()[:3], np.float64)
    return QColor(*(int(v) for v in np.rint(np.array(BACKGROUND_RGB) + DIM_SHARE * (rgb - BACKGROUND_RGB)))).name()


def _dimmed(table: np.ndarray) -> np.ndarray:
    """Each ARGB colour of `table` mixed towards the map's background, opaque (entry 0 stays transparent)."""
    channels = np.stack([(table >> shift) & 0xFF for shift in (16, 8, 0)], axis=1).astype(np.float64)
    mixed = np.rint(np.array(BACKGROUND_RGB) + DIM_SHARE * (channels - BACKGROUND_RGB)).astype(np.uint32)
    out = (np.uint32(0xFF) << np.uint32(24)) | (mixed[:, 0] << np.uint32(16)) | (mixed[:, 1] << np.uint32(8)) \
        | mixed[:, 2]
    out[0] = 0
    return out.astype(np.uint32)


@dataclass(frozen=True)
class _Request:
    """One image to draw: the points and where the screen's pixels lie (whole pixels, margins included)."""

    points: _Points
    scale: tuple[float, float]  # screen pixels per data unit (y negative: the map's y points up)
    offset: tuple[float, float]  # screen position of data (0, 0) minus the image's top-left corner
    device_pixel_ratio: float
    footprints: tuple[np.ndarray, ...]  # one per symbol, at the symbol size in device pixels
    width: int  # image size in device pixels
    height: int
    rect: QRectF  # the data rectangle the image covers
    pixel_size: tuple[float, float]  # data units per screen pixel
    number: int


@dataclass(frozen=True)
class _Drawn:
    """A finished image and the data rectangle it covers."""

    rect: QRectF
    pixel_size: tuple[float, float]
    image: QImage
    number: int
    seconds: float  # time it took to draw
    points: _Points  # what it shows
    rows: np.ndarray  # (height, width) uint32: which point shows at each pixel (row + 1, 0: none)
    pixels: np.ndarray  # the ARGB pixels `image` reads (QImage does not own them)

    def recoloured(self, points: _Points, window: QRectF | None = None) -> _Drawn:
        """The same pixels with `points`' colours (another emphasis): one table look-up, no stamping; only the
        pixels showing `window` (data coordinates; the view) when given, the margins waiting for the next image."""
        colours = points.row_colours()
        height, width = self.rows.shape
        rows, columns = slice(0, height), slice(0, width)
        if window is not None:
            rect = self.rect  # data coordinates, y up: the image's row 0 is its top, rect.bottom()
            columns = slice(*np.clip([int(np.floor((window.left() - rect.left()) / rect.width() * width)),
                                      int(np.ceil((window.right() - rect.left()) / rect.width() * width))], 0, width))
            rows = slice(*np.clip([int(np.floor((rect.bottom() - window.bottom()) / rect.height() * height)),
                                   int(np.ceil((rect.bottom() - window.top()) / rect.height() * height))], 0, height))
        # In place: this image is replaced by the one made here, and no other thread reads its pixels.
        pixels = self.pixels
        pixels[rows, columns] = colours[self.rows[rows, columns]]
        pixels, image = _argb_image(pixels, self.image.devicePixelRatio())
        return replace(self, image=image, points=points, pixels=pixels)


def _argb_image(pixels: np.ndarray, device_pixel_ratio: float) -> tuple[np.ndarray, QImage]:
    pixels = np.ascontiguousarray(pixels, np.uint32)
    height, width = pixels.shape
    # The colours are opaque or fully transparent: ARGB and premultiplied ARGB are the same numbers.
    image = QImage(pixels.data, width, height, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(device_pixel_ratio)  # its pixels are the screen's, not the scene's
    return pixels, image


def _draw(request: _Request) -> _Drawn:
    """The image for `request` (any thread: numpy and QImage only)."""
    started = time.perf_counter()
    points = request.points
    order = points.drawing_order()
    coords, symbol_of = points.coords, points.symbol_of
    rows = np.arange(len(coords), dtype=np.uint32)
    if order is not None:
        coords, rows = coords[order], order.astype(np.uint32)
        symbol_of = None if symbol_of is None else symbol_of[order]
    scale, offset = np.array(request.scale, np.float32), np.array(request.offset, np.float32)
    pixels = (coords * scale + offset) * np.float32(request.device_pixel_ratio)
    # Each pixel keeps the row of the point on top there, so another emphasis only needs new colours.
    row_image = rasterize(pixels, rows, list(request.footprints), symbol_of, request.width, request.height,
                          dtype=np.uint32)
    argb, image = _argb_image(points.row_colours()[row_image], request.device_pixel_ratio)
    return _Drawn(request.rect, request.pixel_size, image, request.number, time.perf_counter() - started, points,
                  row_image, argb)


class PointRaster(pg.GraphicsObject):
    """Every point of the map in one image, drawn again off the GUI thread when the view rests or runs out of margin.

    A scatter item paints each point on every frame (51 ms a pan frame at 70k points here); this item
    paints one image, so a pan or zoom frame costs a few milliseconds at any point count. The picture is
    the same: each point is stamped with the pixels pyqtgraph's own symbol covers at that size.
    """

    drawn = Signal(object)  # a _Drawn: a new image is on screen (GUI thread)

    def __init__(self, size_px: int):
        super().__init__()
        self.size_px = size_px
        self._points = _Points(np.zeros((0, 2), np.float32), np.zeros(0, np.uint8), (0,),
                               ("o",), None)
        self._bounds: tuple[np.ndarray, np.ndarray] | None = None
        self._drawn: _Drawn | None = None
        self._requested = 0  # number of the latest request; the image on screen answers request _drawn.number
        self._refine = QTimer()
        self._refine.setSingleShot(True)
        self._refine.setInterval(REFINE_AFTER_MS)
        self._refine.timeout.connect(self._request_image)
        # Drawn off the GUI thread, one image at a time; requests it had no time for are dropped for the latest.
        self._runner = QtJobRunner(self)
        self._lane = self._runner.new_lane("map drawing")
        self._waiting: _Request | None = None
        self._drawing = False

    @property
    def coords(self) -> np.ndarray:
        return self._points.coords

    def set_points(self, coords: np.ndarray, categories: np.ndarray, colours: list[str],
                   symbols: np.ndarray | None) -> None:
        """Points at `coords` with colour `colours[categories[i]]` and pyqtgraph symbol `symbols[i]` (or all 'o')."""
        unique_colours = list(dict.fromkeys(QColor(colour).name() for colour in colours))
        table_index = {colour: i for i, colour in enumerate(unique_colours)}
        category_to_colour = np.array([table_index[QColor(c).name()] % MAX_COLOURS for c in colours], np.uint8)
        if symbols is None or np.ndim(symbols) == 0:
            names, symbol_of = ["o" if symbols is None else str(symbols)], None
        else:
            names, symbol_of = np.unique(np.asarray(symbols).astype(str), return_inverse=True)
            symbol_of = symbol_of.astype(np.int8)
        self._points = _Points(
            self._points.coords, category_to_colour[np.asarray(categories, np.int64)],
            (0, *(QColor(colour).rgba() for colour in unique_colours[:MAX_COLOURS])),
            tuple(str(name) for name in names), symbol_of,
        )
        self.set_coords(coords)

    def set_coords(self, coords: np.ndarray, depth: np.ndarray | None = None) -> None:
        """Move the points, keeping colours and symbols (a forming t-SNE layout, a 3-D map turned: `depth`)."""
        self._points = replace(self._points, coords=np.asarray(coords, np.float32), depth=depth)
        # pyqtgraph asks for the bounds on every frame. Column by column: min(axis=0) of (N, 2) strides and is slower.
        columns = (self.coords[:, 0], self.coords[:, 1])
        self._bounds = None if len(self.coords) == 0 else (
            np.array([column.min() for column in columns]), np.array([column.max() for column in columns]))
        self.informViewBoundsChanged()
        self._request_image()

    def set_emphasis(self, emphasis: np.ndarray | None) -> None:
        """Dim or hide points (NORMAL / DIMMED / HIDDEN per row; None: all NORMAL).

        The image on screen is recoloured at once from the row each pixel shows (a table look-up, one frame);
        the image drawn again after it puts the points kept above the dimmed ones and shows what hidden ones
        covered."""
        if emphasis is not None:
            emphasis = np.asarray(emphasis, np.uint8)
            if emphasis.shape != (len(self.coords),):
                raise ValueError(f"emphasis for {emphasis.shape} points, but {len(self.coords)} are drawn")
            if not emphasis.any():
                emphasis = None
        if emphasis is None and self._points.emphasis is None:
            return
        self._points = replace(self._points, emphasis=emphasis)
        drawn, view = self._drawn, self.getViewBox()
        if drawn is not None and drawn.points.coords is self._points.coords:
            self._drawn = drawn.recoloured(self._points, view.viewRect() if isinstance(view, pg.ViewBox) else None)
            self.update()
        self._request_image()

    @property
    def emphasis(self) -> np.ndarray | None:
        return self._points.emphasis

    def set_size_px(self, size_px: int) -> None:
        """Draw the points this many screen pixels wide (presenter mode's bigger dots)."""
        self.size_px = size_px
        self._request_image()

    def is_drawing(self) -> bool:
        """True until the image on screen shows the latest points and view."""
        return self._drawn is None and len(self.coords) > 0 or (
            self._drawn is not None and self._drawn.number < self._requested)

    def is_settled(self) -> bool:
        """Drawn for the view as it is, at its scale: no image to wait for, none planned for when the view rests."""
        return not self.is_drawing() and not self._refine.isActive()

    def covers(self, rect: QRectF) -> bool:
        """Whether the image on screen covers `rect` (data coordinates): no blank strip where points should be."""
        return len(self.coords) == 0 or self._drawn is not None and self._drawn.rect.contains(rect)

    # ---- following the view -------------------------------------------------------------

    def viewRangeChanged(self) -> None:  # noqa: N802 (pyqtgraph's hook)
        self._follow_view()

    def viewTransformChanged(self) -> None:  # noqa: N802
        self._follow_view()

    def _follow_view(self) -> None:
        """Keep the image while it still shows the view well; ask for a new one when it cannot."""
        self.prepareGeometryChange()  # the item covers the view, wherever that goes
        view = self.getViewBox()
        if len(self.coords) == 0 or not isinstance(view, pg.ViewBox) or view.width() < 1 or view.height() < 1:
            return
        drawn, view_rect, pixel_size = self._drawn, view.viewRect(), view.viewPixelSize()
        if drawn is None or not drawn.rect.contains(view_rect):
            self._request_image()  # blank margins would show
            return
        scale = max(abs(np.log(drawn.pixel_size[axis] / pixel_size[axis])) for axis in (0, 1))
        if scale > np.log(ZOOM_TOLERANCE):
            self._request_image()
        elif scale > 1e-3 or drawn.rect.center() != view_rect.center():
            self._refine.start()  # sharpen and re-centre once the view rests

    def _request_image(self) -> None:
        self._refine.stop()
        request = self._make_request()
        if request is None:
            self._drawn = None
            self.update()
            return
        self._requested = request.number
        self._waiting = request
        if not self._drawing:
            self._draw_next()

    def _draw_next(self) -> None:
        request, self._waiting = self._waiting, None
        self._drawing = request is not None
        if request is not None:
            self._runner.submit(lambda report, cancel: _draw(request), lane=self._lane, on_done=self._on_drawn,
                                on_failed=lambda message: self._draw_next(), on_cancelled=lambda: None)

    def _on_drawn(self, drawn: _Drawn) -> None:
        self._show(drawn)
        self.drawn.emit(drawn)
        self._draw_next()

    def _make_request(self) -> _Request | None:
        view = self.getViewBox()
        to_screen = self.deviceTransform_()  # data to screen pixels; None until shown
        if len(self.coords) == 0 or to_screen is None or not isinstance(view, pg.ViewBox):
            return None
        # Whole screen pixels, so that the image's pixels are the screen's and points stay crisp.
        view_on_screen = to_screen.mapRect(view.viewRect())
        margin_x, margin_y = MARGIN * view_on_screen.width(), MARGIN * view_on_screen.height()
        left, top = np.floor(view_on_screen.left() - margin_x), np.floor(view_on_screen.top() - margin_y)
        right, bottom = np.ceil(view_on_screen.right() + margin_x), np.ceil(view_on_screen.bottom() + margin_y)
        ratio = self._device_pixel_ratio()
        rect = to_screen.inverted()[0].mapRect(QRectF(left, top, right - left, bottom - top))
        size = max(1, round(self.size_px * ratio))  # as pyqtgraph's symbols: size_px screen pixels, sharp on HiDPI
        footprints = tuple(_footprint(symbol, size) for symbol in self._points.symbols)
        # The view only scales and shifts: screen x = m11·x + dx, screen y = m22·y + dy.
        return _Request(
            self._points, (to_screen.m11(), to_screen.m22()), (to_screen.dx() - left, to_screen.dy() - top),
            ratio, footprints, max(1, int((right - left) * ratio)), max(1, int((bottom - top) * ratio)), rect,
            view.viewPixelSize(), self._requested + 1,
        )

    def _device_pixel_ratio(self) -> float:
        scene = self.scene()
        views = scene.views() if scene is not None else []
        return float(views[0].devicePixelRatioF()) if views else 1.0

    def _show(self, drawn: _Drawn) -> None:
        if self._drawn is None or drawn.number > self._drawn.number:
            self._drawn = drawn
            self.update()

    # ---- what pyqtgraph asks of an item --------------------------------------------------

    def dataBounds(self, axis: int, frac: float = 1.0, orthoRange=None):  # noqa: N802
        """The points' extent (auto-range), not the image's, which grows with the view."""
        if self._bounds is None:
            return (None, None)
        return float(self._bounds[0][axis]), float(self._bounds[1][axis])

    def pixelPadding(self) -> float:  # noqa: N802
        return self.size_px / 2 + 1

    def boundingRect(self) -> QRectF:  # noqa: N802
        view = self.getViewBox()
        return view.viewRect() if isinstance(view, pg.ViewBox) else QRectF()

    def paint(self, painter, *args) -> None:
        drawn = self._drawn
        if drawn is None or len(self.coords) == 0:
            return
        # Drawn in screen coordinates: the image's rows already run downwards, as the screen's do.
        on_screen = painter.transform().mapRect(drawn.rect)
        painter.save()
        painter.resetTransform()
        if abs(on_screen.width() - drawn.image.width() / self._device_pixel_ratio()) < 0.5:
            painter.drawImage(on_screen.topLeft().toPoint(), drawn.image)  # a pan: one pixel-exact copy
        else:
            painter.drawImage(on_screen, drawn.image)  # a zoom in progress: scaled until the view rests
        painter.restore()
