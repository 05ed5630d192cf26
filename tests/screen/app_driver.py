"""The real app on an X screen, walked through a demo's states: `python -m tests.screen.app_driver WALK [ARGS...]`
starts vaegui as `vaegui gui ARGS` does and, at each state of WALK (tests/screen/walks.py), saves a screenshot, prints
what each window holds (tests/screen/widget_fit.py) on one line and waits for the test process to read the X server
and answer on stdin."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

MARK = "@@vaegui-screen@@"
STARTED = time.monotonic()
SETTLE_MS = 300  # the window manager's answer to a resize or a new window, and the repaint after it


class Driver:
    """What a walk uses: waits that keep the app running, real clicks and pointer moves, and `state` to stop at a
    state for the test process."""

    def __init__(self, shots: Path, prefix: str):
        self.shots, self.prefix = shots, prefix
        self.count = 0
        self._answers: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_answers, daemon=True).start()

    def _read_answers(self) -> None:
        for line in sys.stdin:
            self._answers.put(line.strip())
        self._answers.put("eof")

    # ---- waiting ------------------------------------------------------------------------------

    def wait(self, ms: int) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        # An event loop of its own, not QTest.qWait: its exec lets go of Python's lock while it waits, so the app's
        # threads (TensorFlow's import, training) go on meanwhile.
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_until(self, predicate: Callable[[], object], what: str, timeout: float = 60.0) -> None:
        started = time.monotonic()
        while not predicate():
            if time.monotonic() > started + timeout:
                raise TimeoutError(f"waited {timeout:.0f} s for {what}")
            self.wait(25)
        log(f"waited {time.monotonic() - started:.1f} s for {what}")

    # ---- the person's hands -------------------------------------------------------------------

    def click(self, widget) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        assert widget.isVisible() and widget.isEnabled(), (
            f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r} cannot be clicked now "
            f"(visible {widget.isVisible()}, enabled {widget.isEnabled()})")
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.wait(30)

    def pointer(self, widget, x: int, y: int, click: bool = False) -> None:
        """The X pointer moved to (x, y) of `widget` (and clicked), as a mouse does: through the X server."""
        from PySide6.QtCore import QPoint

        where = widget.mapToGlobal(QPoint(int(x), int(y)))
        # pyqtgraph drops a move that comes within 10 ms of the one before; a hand is never that quick.
        self.wait(20)
        command = ["xdotool", "mousemove", "--sync", str(where.x()), str(where.y())]
        subprocess.run(command + (["click", "1"] if click else []), check=True, timeout=10)
        self.wait(60)

    # ---- stopping at a state ------------------------------------------------------------------

    def state(self, name: str, **facts) -> None:
        """Let the window settle, save the screen, say what the windows hold, and wait for the test's answer."""
        from PySide6.QtGui import QGuiApplication

        from tests.screen.widget_fit import window_report, windows

        log(f"state {name}")
        self.wait(SETTLE_MS)
        self.count += 1
        shot = self.shots / f"{self.prefix}-{self.count:02d}-{name}.png"
        QGuiApplication.primaryScreen().grabWindow(0).save(str(shot))
        report = {"kind": "state", "name": name, "screenshot": str(shot), "facts": facts,
                  "windows": [window_report(window) for window in windows()]}
        say(report)
        while True:
            try:
                answer = self._answers.get_nowait()
                break
            except queue.Empty:
                self.wait(20)
        if answer == "eof":
            raise SystemExit("the test process went away")


def log(text: str) -> None:
    """A line in the app's log (the test's failure message names it): where a slow walk spent its time."""
    print(f"[screen {time.monotonic() - STARTED:6.1f} s] {text}", file=sys.stderr, flush=True)


def say(message: dict) -> None:
    sys.stdout.write(f"{MARK} {json.dumps(message)}\n")
    sys.stdout.flush()


def main_window():
    from PySide6.QtWidgets import QApplication

    from vaegui.gui.main_window import MainWindow

    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
    return found[0] if found else None


def run_walk(walk_name: str, driver: Driver) -> None:
    from PySide6.QtWidgets import QApplication

    from tests.screen.walks import WALKS

    try:
        driver.wait_until(lambda: main_window() is not None and main_window().isVisible(), "the main window", 30)
        # The window starts itself after its first paint (the Explorer, the tour's offer): a walk touching the
        # Explorer or the tour sooner would start it early, before the screen shows anything, as no person can.
        driver.wait_until(lambda: main_window()._started, "the window's start after its first paint", 30)
        WALKS[walk_name](driver, main_window())
        say({"kind": "done"})
    except BaseException as error:  # noqa: BLE001 (the test process reports it)
        say({"kind": "error", "message": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()})
    finally:
        for window in QApplication.topLevelWidgets():
            window.close()
        QApplication.quit()


def main(argv: list[str]) -> int:
    walk_name, gui_args = argv[0], argv[1:]
    shots = Path(os.environ.get("VAEGUI_SCREEN_SHOTS", "."))
    if shutil.which("xdotool") is None:
        raise SystemExit("xdotool is not installed")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from vaegui.cli import main as vaegui_main

    app = QApplication(sys.argv[:1])  # `vaegui gui` takes the application that exists
    driver = Driver(shots, os.environ.get("VAEGUI_SCREEN_PREFIX", walk_name))
    QTimer.singleShot(0, lambda: run_walk(walk_name, driver))
    code = vaegui_main(["gui", *gui_args])
    del app
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
