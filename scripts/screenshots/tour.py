"""Screenshot of the guided tour: the real main window at 1280×800, a run open, the tour at its mu-only step."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _grab import once_the_explorer_shows_the_run, run_until_saved, save_and_quit, window_on_a_digits_run  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402

STEP = "mu_only"


def main() -> int:
    app, window, result = window_on_a_digits_run("vaegui-tour-")

    def when_shown() -> None:
        tour = window.tour
        tour.show_step(next(i for i, step in enumerate(tour.steps) if step.key == STEP))
        QTimer.singleShot(500, lambda: save_and_quit(app, window, "tour.png", result))

    once_the_explorer_shows_the_run(window, when_shown)
    return run_until_saved(app, result)


if __name__ == "__main__":
    sys.exit(main())
