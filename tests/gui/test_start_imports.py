"""The first paint needs no heavy import (SciPy, scikit-learn, TensorFlow, Keras, pyqtgraph, superqt and its qtpy); the
Explorer and the Training tab's plots are built after it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# A fresh process, as `vaegui gui` starts (vaegui.cli first); no TensorFlow import is started.
SCRIPT = textwrap.dedent(
    """
    import json, sys
    from vaegui import cli  # noqa: F401
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    from vaegui.gui.main_window import MainWindow

    HEAVY = ("scipy", "sklearn", "tensorflow", "keras", "pyqtgraph", "superqt", "qtpy")
    report = {}

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and "at_paint" not in report:
                report["at_paint"] = sorted(m for m in HEAVY if m in sys.modules)
                report["explorer_imported_at_paint"] = "vaegui.gui.explorer.explorer_tab" in sys.modules
                report["plots_built_at_paint"] = window.training_tab._plots_built
            return False

    def started():
        from vaegui.gui.explorer.explorer_tab import ExplorerTab

        report["explorer_in_its_tab"] = isinstance(window.tabs.widget(1), ExplorerTab)
        report["plots_built_at_start"] = window.training_tab._plots_built
        # Not on screen, so it does not load runs while training (it would compete for the CPU).
        report["explorer_looked_at"] = window.tabs.widget(1).explorer.visible
        window.tabs.setCurrentIndex(1)
        report["explorer_looked_at_when_chosen"] = window.tabs.widget(1).explorer.visible
        QTimer.singleShot(0, app.quit)

    app = QApplication([])
    probe = FirstPaint()
    app.installEventFilter(probe)
    window = MainWindow()
    window.started.connect(started)
    window.show()
    QTimer.singleShot(60_000, app.quit)
    app.exec()
    print("REPORT " + json.dumps(report), flush=True)
    """
)


def test_the_first_paint_needs_no_heavy_import_and_the_explorer_is_built_after_it():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("REPORT "))
    report = json.loads(line.removeprefix("REPORT "))
    assert report["at_paint"] == []
    assert report["explorer_imported_at_paint"] is False
    # pyqtgraph's import and the plots' set-up were half of the start: the welcome shows first, the plots come after.
    assert report["plots_built_at_paint"] is False and report["plots_built_at_start"] is True
    assert report["explorer_in_its_tab"] is True
    assert report["explorer_looked_at"] is False and report["explorer_looked_at_when_chosen"] is True


def test_a_window_shown_but_never_painted_still_builds_the_explorer(qtbot):
    import time

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from vaegui.gui.explorer.explorer_tab import ExplorerTab
    from vaegui.gui.main_window import FIRST_PAINT_WAIT_MS, MainWindow

    window = MainWindow()
    qtbot.addWidget(window)

    class SwallowPaints(QObject):  # as on a desktop the user is not looking at: shown, never drawn
        def eventFilter(self, obj, event):
            return event.type() == QEvent.Type.Paint and obj.isWidgetType() and obj.window() is window

    blocker = SwallowPaints()
    QApplication.instance().installEventFilter(blocker)
    try:
        shown_at = time.perf_counter()
        with qtbot.waitSignal(window.started, timeout=10 * FIRST_PAINT_WAIT_MS):
            window.show()
        waited = time.perf_counter() - shown_at
    finally:
        QApplication.instance().removeEventFilter(blocker)
    assert waited >= 0.9 * FIRST_PAINT_WAIT_MS / 1000
    assert window.tabs.widget(1) is window.explorer_tab and isinstance(window.explorer_tab, ExplorerTab)
    assert not window.explorer_tab.explorer.visible
