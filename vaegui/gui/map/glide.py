"""Points gliding from one map to the next (a new epoch's map, aligned to the one before) instead of jumping."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QElapsedTimer, QObject, QTimer

GLIDE_MS = 450  # long enough to follow a point with the eye, short enough not to wait for
FRAME_MS = 30


class Glide(QObject):
    """Moves points from `start` to `end` over GLIDE_MS through `step(coords)`; a new glide or stop ends the last."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._advance)
        self._clock = QElapsedTimer()
        self._start = self._end = None
        self._step: Callable[[np.ndarray], None] | None = None

    def start(self, start: np.ndarray, end: np.ndarray, step: Callable[[np.ndarray], None]) -> None:
        self._start, self._end, self._step = np.asarray(start, np.float32), np.asarray(end, np.float32), step
        self._clock.start()
        self._timer.start()
        step(self._start)

    def running(self) -> bool:
        return self._timer.isActive()

    def stop(self) -> None:
        self._timer.stop()

    def _advance(self) -> None:
        done = min(1.0, self._clock.elapsed() / GLIDE_MS)
        eased = done * done * (3 - 2 * done)  # smooth start and stop
        self._step(self._start + (self._end - self._start) * np.float32(eased))
        if done >= 1.0:
            self._timer.stop()
