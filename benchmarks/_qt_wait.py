"""Waiting in Qt's own event loop, for the benchmarks that drive real windows."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QTimer


def wait_for(condition: Callable[[], bool], timeout_s: float = 1800) -> None:
    """Run Qt's own event loop, as the app does, until `condition()` holds.

    A Python loop of processEvents() and short sleeps would take the GIL a thousand times a second
    and slow the training thread down; the app never does that, so neither may its benchmarks.
    """
    if condition():
        return
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    # The deadline first: a condition that raises (PySide only prints it) must not hang the benchmark.
    poll.timeout.connect(lambda: (time.monotonic() > deadline or condition()) and loop.quit())
    poll.start()
    loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError("the benchmark waited too long")
