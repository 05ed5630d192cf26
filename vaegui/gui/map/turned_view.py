"""A 3-D map on the flat LatentMap: its points projected through a Turntable, drawn far to near, turned by dragging."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg

from vaegui.app.turntable import Turntable
from vaegui.gui.map.latent_map import LatentMap

VIEW_MARGIN = 1.08  # the view holds the map's sphere with this much room around it
AXIS_COLOUR, AXIS_LABEL_FILL = "#d0d0d0", (17, 17, 17, 200)


class TurnedView:
    """Projects a 3-D map's coordinates for the LatentMap and turns them as the left mouse button drags."""

    def __init__(self, latent_map: LatentMap, on_turned: Callable[[], None]):
        self.map, self.on_turned = latent_map, on_turned
        self.turntable = Turntable()
        self.coords: np.ndarray | None = None  # (N, 3) of the map shown, while it is a 3-D one
        self.radius = 1.0
        self.axis_names: tuple[str, str, str] = ("1", "2", "3")
        # The map's own three axes through its centre, turned with it: which way is which while it turns.
        self.axes = [pg.PlotCurveItem(pen=pg.mkPen(AXIS_COLOUR, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine))
                     for _ in range(3)]
        self.axis_labels = [pg.TextItem(color=AXIS_COLOUR, fill=pg.mkBrush(*AXIS_LABEL_FILL), anchor=(0.5, 0.5))
                            for _ in range(3)]
        for item in (*self.axes, *self.axis_labels):
            item.setZValue(9)  # over the points, under the chosen point's ring
            latent_map.plot_item.addItem(item, ignoreBounds=True)
            item.hide()
        latent_map.view_box.turned.connect(self._turned)

    @property
    def active(self) -> bool:
        return self.coords is not None

    def show(self, coords: np.ndarray, *, new_map: bool) -> tuple[np.ndarray, np.ndarray]:
        """(screen coordinates, depth) of `coords`, from now on turned by dragging; a new map is centred and framed."""
        first = self.coords is None
        self.coords = np.asarray(coords, np.float32)
        if new_map or first:
            self.radius = self.turntable.centre_on(self.coords)
        self.map.view_box.turning = True
        self.map.view_box.setAspectLocked(True)
        self._draw_axes()
        return self.turntable.project(self.coords)

    def frame(self) -> None:
        """The whole sphere the map turns in, in view whatever its turn (the view does not zoom while turning)."""
        reach = self.radius * VIEW_MARGIN
        self.map.view_box.setRange(xRange=(-reach, reach), yRange=(-reach, reach), padding=0)

    def hide(self) -> None:
        if self.coords is not None:
            self.coords = None
            self.map.view_box.turning = False
            self.map.view_box.setAspectLocked(False)
            for item in (*self.axes, *self.axis_labels):
                item.hide()

    def _draw_axes(self) -> None:
        """Each of the map's axes as a dashed line through its centre, named at its positive end."""
        centre = self.turntable.centre if self.turntable.centre is not None else np.zeros(3)
        for axis, (line, label, name) in enumerate(zip(self.axes, self.axis_labels, self.axis_names)):
            ends = np.repeat(centre[None], 2, axis=0).astype(np.float32)
            ends[0, axis] -= self.radius * 0.9
            ends[1, axis] += self.radius * 0.9
            (x0, y0), (x1, y1) = self.turntable.project(ends)[0]
            line.setData([x0, x1], [y0, y1])
            label.setText(name)
            label.setPos(x1 * 1.06, y1 * 1.06)
            line.show()
            label.show()

    def project(self, coords: np.ndarray) -> np.ndarray:
        """Screen coordinates of 3-D map coordinates (the person's pictures, the chosen point) as the map is turned."""
        coords = np.atleast_2d(np.asarray(coords, np.float32))
        if self.coords is None or coords.shape[1] != 3:
            return coords[:, :2]
        return self.turntable.project(coords)[0]

    def reset(self) -> None:
        """Face the map's front again (the turn it was first shown at)."""
        if self.coords is not None:
            self.turntable.reset()
            self._redraw()

    def _turned(self, dx: float, dy: float, _finished: bool) -> None:
        if self.coords is None:
            return
        self.turntable.drag(dx, dy)
        self._redraw()

    def _redraw(self) -> None:
        xy, depth = self.turntable.project(self.coords)
        self.map.update_coords(xy, depth)
        self._draw_axes()
        self.on_turned()
