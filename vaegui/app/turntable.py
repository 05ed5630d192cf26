"""How a 3-D map is turned for the screen, Qt-free: a turn about the upright axis and a tilt, and the projection of
the map's points onto the screen that follows from them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RADIANS_PER_PIXEL = np.radians(0.5)  # a drag across a 720-pixel map turns it once around
START_TURN, START_TILT = np.radians(30.0), np.radians(20.0)  # seen a little from the side and above: depth shows


@dataclass
class Turntable:
    """`turn` about the screen's upright axis, then `tilt` about its horizontal one; the map turns about `centre`."""

    turn: float = START_TURN
    tilt: float = START_TILT
    centre: np.ndarray | None = None

    def rotation(self) -> np.ndarray:
        """(3, 3): rows are the screen's right, up and into-the-screen directions in the map's coordinates."""
        ct, st = np.cos(self.turn), np.sin(self.turn)
        cl, sl = np.cos(self.tilt), np.sin(self.tilt)
        about_up = np.array([[ct, 0.0, st], [0.0, 1.0, 0.0], [-st, 0.0, ct]])
        about_right = np.array([[1.0, 0.0, 0.0], [0.0, cl, -sl], [0.0, sl, cl]])
        return about_right @ about_up

    def project(self, coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(screen x and y (N, 2), depth into the screen (N,)) of 3-D map coordinates; the map's centre at (0, 0)."""
        coords = np.asarray(coords, np.float32)
        centre = np.zeros(3, np.float32) if self.centre is None else self.centre.astype(np.float32)
        rotation = self.rotation().astype(np.float32)
        # Column by column: a 3 × 3 product through BLAS costs a hundred times more at 70,000 points, each turn.
        x, y, z = (coords[:, axis] - centre[axis] for axis in range(3))
        screen = np.empty((len(coords), 2), np.float32)
        screen[:, 0] = rotation[0, 0] * x + rotation[0, 1] * y + rotation[0, 2] * z
        screen[:, 1] = rotation[1, 0] * x + rotation[1, 1] * y + rotation[1, 2] * z
        return screen, rotation[2, 0] * x + rotation[2, 1] * y + rotation[2, 2] * z

    def drag(self, dx_pixels: float, dy_pixels: float) -> None:
        """A drag across the screen turns the map with it; up and down tilt it, never past looking straight down."""
        self.turn = float((self.turn + dx_pixels * RADIANS_PER_PIXEL) % (2 * np.pi))
        self.tilt = float(np.clip(self.tilt + dy_pixels * RADIANS_PER_PIXEL, -np.pi / 2, np.pi / 2))

    def reset(self) -> None:
        self.turn, self.tilt = START_TURN, START_TILT

    def centre_on(self, coords: np.ndarray) -> float:
        """Turn about the middle of `coords`; returns the radius that holds them all, whatever the turn."""
        coords = np.asarray(coords, np.float64)
        if len(coords) == 0:
            self.centre = np.zeros(3)
            return 1.0
        self.centre = np.median(coords, axis=0)
        # Nearly all points in view at every turn; a few strays may leave it rather than shrink the rest to a dot.
        return float(np.sqrt(np.quantile(np.sum(np.square(coords - self.centre), axis=1), 0.998))) or 1.0
