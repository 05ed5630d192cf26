"""A window nobody touches takes no CPU: on a demo laptop it would take it from the trainer, and from the person's
other programs. A legend that refitted itself forever once redrew the Training tab ~140 times a second."""

from __future__ import annotations

import shutil
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

REST_S = 1.0


class PaintCounter(QObject):
    """Counts the paint events of every widget of the application."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_window_at_rest_on_each_tab_draws_nothing_and_takes_no_cpu(qtbot, window, tiny_run, device, tmp_path):
    folder = shutil.copytree(tiny_run.folder, tmp_path / "run")
    window.training_tab.open_run(folder)
    explorer = window.explorer_tab.explorer
    # The run read, its epoch views drawn, and the Explorer's map made (it loads the run in the background).
    qtbot.waitUntil(lambda: window.training_tab.run is not None and not window.training_tab.learning_views_pending()
                    and explorer.shown is not None and not explorer.is_busy(), timeout=60_000)
    counter = PaintCounter()
    QApplication.instance().installEventFilter(counter)
    try:
        for tab in (window.training_tab, window.explorer_tab, window.compare_tab, window.training_tab):
            window.tabs.setCurrentWidget(tab)
            qtbot.wait(500)  # shown, laid out, its first paints done
            counter.count = 0
            cpu, wall = time.process_time(), time.monotonic()
            qtbot.wait(int(REST_S * 1000))
            cpu, wall = time.process_time() - cpu, time.monotonic() - wall
            name = window.tabs.tabText(window.tabs.currentIndex())
            assert counter.count <= 2, f"the {name} tab at rest was painted {counter.count} times in {wall:.1f} s"
            assert cpu < 0.1 * wall, f"the {name} tab at rest took {cpu:.2f} CPU seconds in {wall:.1f} s"
    finally:
        QApplication.instance().removeEventFilter(counter)
