"""Cold start: launch → window shown and launch → Train live for `vaegui gui`, beside a bare Qt window as the floor.

Usage: python benchmarks/startup_time.py [--launches 5]

Each launch is a fresh process (offscreen Qt). The child reports, on its stdout, the wall-clock time
(time.time()) of the window's first paint, of the moment every tab is built (MainWindow.started: the
Explorer is built after the first paint) and of the moment TensorFlow is loaded and Train becomes
live; the parent subtracts the time it took just before spawning the process, so a figure includes the
interpreter's own start. `vaegui gui` runs through the real entry point (vaegui.cli.main); the probe only
watches the window's events. The floor is `QApplication([]); QWidget().show()`, watched the same way.
Launches alternate between the two, so both see the same machine load, after one uncounted launch of each
(a user's second and later launches: bytecode compiled, files in the disk cache). Target: window shown ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Reports the first Paint event of any widget in `window` as "SHOWN <time> <CPU seconds of the process so far>".
PAINT_PROBE = textwrap.dedent(
    """
    import time
    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def __init__(self, window):
            super().__init__(window)
            self.window = window
            self.seen = False

        def eventFilter(self, obj, event):
            if self.seen or event.type() != QEvent.Type.Paint or not obj.isWidgetType():
                return False
            if obj.window() is self.window:
                self.seen = True
                print(f"SHOWN {time.time()!r} {time.process_time()!r}", flush=True)
            return False

    def watch_first_paint(app, window):
        app.installEventFilter(FirstPaint(window))
    """
)

# vaegui.cli first, as the `vaegui` script does; the probe's Qt imports come after it, as in the real start.
VAEGUI_CHILD = "from vaegui import cli\n" + PAINT_PROBE + textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from vaegui.gui import main_window

    original_show = main_window.MainWindow.show

    def show(window):
        watch_first_paint(QApplication.instance(), window)
        window.started.connect(lambda: print(f"BUILT {time.time()!r} {time.process_time()!r}", flush=True))
        # Connected after the tabs' own slots, so Train is already enabled when this one runs.
        window.state.trainer_ready.connect(lambda device: live(window))
        window.state.trainer_failed.connect(lambda message: print(f"FAILED {message}", flush=True))
        original_show(window)

    def live(window):
        print(f"LIVE {time.time()!r} {time.process_time()!r}", flush=True)
        QTimer.singleShot(0, window.close)

    main_window.MainWindow.show = show
    sys.exit(cli.main(["gui"]))
    """
)

FLOOR_CHILD = PAINT_PROBE + textwrap.dedent(
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    window = QWidget()
    watch_first_paint(app, window)
    window.show()
    QTimer.singleShot(50, app.quit)
    app.exec()
    """
)


def launch(code: str, timeout: float) -> dict[str, tuple[float, float]]:
    """Each event the child reports: (seconds from spawn, CPU seconds the child had used by then)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    # As on a user's machine: compiled modules are kept (__pycache__) and reused from the second launch on.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )
    events = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in ("SHOWN", "BUILT", "LIVE"):
            wall, cpu = map(float, value.split())
            events[name] = (wall - started, cpu)
        elif name == "FAILED":
            raise SystemExit(f"TensorFlow failed to load: {value}")
    if done.returncode != 0 or "SHOWN" not in events:
        raise SystemExit(f"launch failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per launch")
    args = parser.parse_args()
    # One launch of each first, not counted: it compiles vaegui's modules to bytecode and fills the disk cache.
    launch(FLOOR_CHILD, args.timeout)
    launch(VAEGUI_CHILD, args.timeout)
    shown, built, live, floor = [], [], [], []
    for number in range(1, args.launches + 1):
        floor.append(launch(FLOOR_CHILD, args.timeout)["SHOWN"])
        events = launch(VAEGUI_CHILD, args.timeout)
        shown.append(events["SHOWN"])
        built.append(events["BUILT"])
        live.append(events["LIVE"])
        print(
            f"launch {number}: floor shown {floor[-1][0]:.2f} s, vaegui shown {shown[-1][0]:.2f} s "
            f"(CPU {shown[-1][1]:.2f} s), every tab built {built[-1][0]:.2f} s, "
            f"Train live {live[-1][0]:.2f} s (CPU {live[-1][1]:.2f} s)",
            flush=True,
        )

    def figures(events: list[tuple[float, float]]) -> str:
        walls = [wall for wall, _ in events]
        cpu = statistics.median(cpu for _, cpu in events)
        return (
            f"{statistics.median(walls):.2f} s (median of {len(walls)}, {min(walls):.2f}–{max(walls):.2f}; "
            f"CPU {cpu:.2f} s)"
        )

    # CPU seconds vary far less than wall time on a shared machine: they say whether a change helped.
    print(f"SUMMARY launch → window shown {figures(shown)}, target ≤ 0.5 s")
    print(f"SUMMARY launch → every tab built (the Explorer's, after the first paint) {figures(built)}")
    print(f"SUMMARY launch → Train live {figures(live)}")
    print(f"SUMMARY floor, bare Qt window shown {figures(floor)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
