"""Which corner of the map the key of marks takes: of the corners the class legend leaves free, the one that hides
the fewest points (as matplotlib's `legend(loc="best")`), so that the key covers as little of the map as it can.
Bottom left, where it always was, unless another corner hides clearly fewer."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer

from vaegui.gui.map.point_raster import HIDDEN

MARGIN_PX = 10  # the key's offset from its corner (pyqtgraph's LegendItem offset)
# pyqtgraph's legend offsets: positive from the left or top edge, negative from the right or bottom one.
OFFSETS = {"bottom-left": (MARGIN_PX, -MARGIN_PX), "bottom-right": (-MARGIN_PX, -MARGIN_PX),
           "top-left": (MARGIN_PX, MARGIN_PX)}
# Moved only for a clear gain, so that it does not hop between corners as the view moves a little.
MOVE_IF_FEWER_BY = 3
MOVE_IF_AT_MOST = 2 / 3
SETTLE_MS = 250  # after the view last moved (a drag or the wheel) or the points changed


def corner_rect(corner: str, size: tuple[float, float], view: tuple[float, float]) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in the view's pixels of a box of `size` (width, height) in `corner` of a view of
    `view` (width, height)."""
    width, height = size
    left = MARGIN_PX if corner.endswith("left") else view[0] - MARGIN_PX - width
    top = MARGIN_PX if corner.startswith("top") else view[1] - MARGIN_PX - height
    return left, top, left + width, top + height


def points_inside(pixels: np.ndarray, rect: tuple[float, float, float, float]) -> int:
    left, top, right, bottom = rect
    x, y = pixels[:, 0], pixels[:, 1]
    return int(np.count_nonzero((x >= left) & (x <= right) & (y >= top) & (y <= bottom)))


def _meet(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def quietest_corner(pixels: np.ndarray, key_size: tuple[float, float], view: tuple[float, float],
                    legend: tuple[float, float, float, float] | None, current: str) -> str:
    """The corner for the key: `pixels` (N, 2) the points' places in the view's pixels (y down), `legend` the class
    legend's box (None: none). A corner that would meet the legend is not taken: the legend would make room for the
    key there, and the map refit for the legend's new shape. With every corner taken (a legend across the map),
    bottom left, where the legend leaves the key its height (LatentMap._fit_legend)."""
    free = [corner for corner in OFFSETS if legend is None or not _meet(corner_rect(corner, key_size, view), legend)]
    if not free:
        return "bottom-left"
    counts = {corner: points_inside(pixels, corner_rect(corner, key_size, view)) for corner in free}
    best = min(counts, key=counts.get)  # on a tie, the first: bottom left
    here = counts.get(current)
    if here is None or (counts[best] <= here - MOVE_IF_FEWER_BY and counts[best] <= MOVE_IF_AT_MOST * here):
        return best
    return current


class KeyPlacer(QObject):
    """Puts `latent_map`'s key in the quietest corner once the points or the view have settled."""

    def __init__(self, latent_map):
        super().__init__(latent_map)
        self._map = latent_map
        self.corner = "bottom-left"
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.place)
        latent_map.view_box.sigRangeChanged.connect(self._settle.start)
        latent_map.points_changed.connect(self._settle.start)
        latent_map.key.geometryChanged.connect(self._settle.start)  # shown, or other marks in it

    def place(self) -> None:
        latent_map = self._map
        key, view_box = latent_map.key, latent_map.view_box
        if not key.isVisible() or not key.items or not len(latent_map.coords):
            return
        (x0, x1), (y0, y1) = view_box.viewRange()
        view = (view_box.width(), view_box.height())
        if x1 <= x0 or y1 <= y0 or min(view) <= 0:
            return
        coords = latent_map.coords
        emphasis = latent_map.points.emphasis
        if emphasis is not None and len(emphasis) == len(coords):
            coords = coords[emphasis != HIDDEN]  # a hidden class is not hidden again by the key
        pixels = np.column_stack([(coords[:, 0] - x0) / (x1 - x0) * view[0], (y1 - coords[:, 1]) / (y1 - y0) * view[1]])
        corner = quietest_corner(pixels, (key.width(), key.height()), view, self._legend_box(view), self.corner)
        if corner != self.corner:
            self.corner = corner
            key.setOffset(OFFSETS[corner])
            latent_map.keys_moved.emit()

    def _legend_box(self, view: tuple[float, float]) -> tuple[float, float, float, float] | None:
        """The class legend's box (top right) as it is laid out when it leaves the key no room: where the key
        may go must not depend on the room the legend leaves it (they would chase each other)."""
        legend = self._map.legend
        if not legend.isVisible() or not legend.items:
            return None
        return corner_rect("top-right", legend.size_with(legend.columns_for_map(self._map.plot_widget.height())), view)
