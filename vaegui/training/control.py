"""Pause and stop for one training: set from any thread, obeyed by the training loop at the next batch."""

from __future__ import annotations

import threading
import time


class TrainingControl:
    """The one place a training's pause and stop requests live (the session obeys it, the GUI sets it)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def pause(self) -> None:
        if not self._stop.is_set():
            self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # a paused training must wake up to stop

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def wait_while_paused(self) -> float:
        """Block while paused (called by the training loop between batches); returns the seconds it waited."""
        if self._running.is_set():
            return 0.0
        started = time.perf_counter()
        while not self._running.wait(0.05):
            pass
        return time.perf_counter() - started
