"""Screenshot of presenter mode: the real main window at 1280×800 (full screen on such a screen), a run open in the
Explorer, a point chosen."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _grab import once_the_explorer_shows_the_run, run_until_saved, save_and_quit, window_on_a_digits_run  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402


def main() -> int:
    app, window, result = window_on_a_digits_run("vaegui-presenter-")

    def when_shown() -> None:
        explorer = window.explorer_tab
        window.tabs.setCurrentWidget(explorer)
        explorer.selection.select_row(3)
        window.presenter.set_active(True)
        # The virtual screen is larger than 1280×800: the window keeps that size, as full screen on such a screen.
        window.showNormal()
        window.resize(1280, 800)
        QTimer.singleShot(800, lambda: save_and_quit(app, window, "presenter.png", result))

    once_the_explorer_shows_the_run(window, when_shown)
    return run_until_saved(app, result)


if __name__ == "__main__":
    sys.exit(main())
