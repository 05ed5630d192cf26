"""Start the Qt application, and end it within moments of the window closing."""

from __future__ import annotations

import os
import sys
import time

from vaegui.bundled import icon_file

# After the window has closed, work still running in the window's threads gets this long to end; what cannot be
# interrupted (a model loading in the Explorer, TensorFlow importing there) is then abandoned with the process.
EXIT_WAIT_S = 1.0


def app_icon():
    """vaegui's window icon (an SVG shipped in vaegui.resources)."""
    from PySide6.QtGui import QIcon

    return QIcon(str(icon_file()))


def run_app(run_folder: str | None = None, dataset: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from vaegui.compat import collect_garbage_on_the_gui_thread
    from vaegui.gui.main_window import MainWindow
    from vaegui.gui.window_geometry import show_on_screen

    app = QApplication.instance() or QApplication(sys.argv[:1])
    collector = collect_garbage_on_the_gui_thread()  # kept until the app ends (vaegui/compat.py, (e))
    app.setApplicationName("vaegui")
    app.setWindowIcon(app_icon())
    window = MainWindow(dataset=dataset, run_folder=run_folder)
    close_on_ctrl_c(window)
    # The trainer (TensorFlow loads in it, seconds) starts once the window is up.
    window.started.connect(window.load_tensorflow)
    show_on_screen(window)  # maximized on a screen smaller than the window's own size
    code = app.exec()
    del collector
    return end_quickly(code)


def close_on_ctrl_c(window) -> None:
    """Ctrl-C in the terminal closes `window` as its close button does (its training stops at the next batch, or goes
    on when the person chose to keep it), instead of a KeyboardInterrupt raised inside whatever Qt slot runs then.

    Python runs the handler at the next Python code Qt's event loop calls (the Training tab's timer ticks every
    second); the close itself is posted, so it never runs in the middle of that code.
    """
    import signal

    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGINT, lambda number, frame: QTimer.singleShot(0, window.close))


def end_quickly(code: int) -> int:
    """Return `code` once the window's threads are idle, or end the process now if they are not within EXIT_WAIT_S.

    Qt's thread pools wait for their threads when they are destroyed, and a model loading or TensorFlow
    importing cannot be interrupted: waiting for them would keep a closed app alive for seconds. They hold
    nothing a person needs (the run folders are the trainers', which end on their own), so they are
    abandoned; the settings are written first.
    """
    from PySide6.QtCore import QThreadPool

    from vaegui.gui.common.job_runner import busy_threads
    from vaegui.gui.common.wording import app_settings

    deadline = time.monotonic() + EXIT_WAIT_S
    while busy_threads() + QThreadPool.globalInstance().activeThreadCount() and time.monotonic() < deadline:
        time.sleep(0.02)
    if busy_threads() + QThreadPool.globalInstance().activeThreadCount() == 0:
        return code
    app_settings().sync()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
