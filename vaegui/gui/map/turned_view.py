"""A 3-D map on the flat LatentMap: its points projected through a Turntable, drawn far to near, turned by dragging."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from vaegui.app.turntable import Turntable
from vaegui.gui.map.latent_map import LatentMap

VIEW_MARGIN = 1.08  # the view holds the map's sphere with this much room around it


class TurnedView:
    """Projects a 3-D map's coordinates for the LatentMap and turns them as the left mouse button drags."""

    def __init__(self, latent_map: LatentMap, on_turned: Callable[[], None]):
        self.map, self.on_turned = latent_map, on_turned
        self.turntable = Turntable()
        self.coords: np.ndarray | None = None  # (N, 3) of the map shown, while it is a 3-D one
        self.radius = 1.0
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
        self.on_turned()
