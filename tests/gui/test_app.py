"""The application: its window icon (the shipped SVG, drawn by Qt), and Ctrl-C in its terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def test_window_icon_is_the_shipped_svg(qtbot):
    from vaegui.bundled import icon_file
    from vaegui.gui.app import app_icon

    assert icon_file().name == "vaegui.svg" and icon_file().is_file()
    pixmap = app_icon().pixmap(64, 64)
    assert not pixmap.isNull() and pixmap.width() == 64
    image = pixmap.toImage()
    assert len({image.pixel(x, y) for x in range(0, 64, 4) for y in range(0, 64, 4)}) > 1  # drawn, not blank


def test_ctrl_c_in_the_terminal_closes_the_app_as_its_close_button_does(tmp_path):
    """`vaegui` started from a terminal: Ctrl-C (SIGINT) ends it within moments, without a traceback, and its
    trainer with it; it used to print a KeyboardInterrupt traceback from a Qt slot and run on."""
    from tests.robustness.conftest import QUIET_TF

    env = {**os.environ, **QUIET_TF, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    app = subprocess.Popen([sys.executable, "-m", "vaegui.cli", "gui", "--dataset", "digits"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        children = Path(f"/proc/{app.pid}/task/{app.pid}/children")
        deadline = time.monotonic() + 120
        while not children.read_text().split() and time.monotonic() < deadline:
            time.sleep(0.1)  # the window is up once it has started its trainer (after its first paint)
        trainer = int(children.read_text().split()[0])
        app.send_signal(signal.SIGINT)
        _, stderr = app.communicate(timeout=15)
    finally:
        app.kill()
    assert app.returncode == 0 and "Traceback" not in stderr, stderr[-3000:]
    deadline = time.monotonic() + 15
    while Path(f"/proc/{trainer}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{trainer}").exists()  # the warm trainer held nothing: it ended with the app
