"""`vaegui gui RUN` in a fresh process: the window shows before TensorFlow loads, then the run opens in the Explorer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from tests.conftest import train_tiny_run
from tests.robustness.conftest import QUIET_TF
from vaegui.data import offline_dataset_names

# MainWindow.show is wrapped to record what the app looks like at the moment the window appears;
# everything else is the real command line entry point, event loop and background import.
START_SCRIPT = textwrap.dedent(
    """
    import gc, json, sys, time
    from PySide6.QtCore import QTimer
    from vaegui import cli
    from vaegui.gui import main_window

    report, windows = {}, []
    started = time.perf_counter()
    original_show = main_window.MainWindow.show

    def show(window):
        report["tensorflow_imported_at_show"] = "tensorflow" in sys.modules or "keras" in sys.modules
        report["train_button_at_show"] = window.training_tab.train_button.text()
        report["train_enabled_at_show"] = window.training_tab.train_button.isEnabled()
        report["dataset_at_show"] = window.training_tab.form.dataset()
        report["frozen_objects_at_show"] = gc.get_freeze_count()
        windows.append(window)
        original_show(window)
        QTimer.singleShot(20, poll)

    def poll():
        window = windows[0]
        explorer = window.explorer_tab
        if explorer.explorer.shown is not None or time.perf_counter() - started > 150:
            report["train_button_ready"] = window.training_tab.train_button.text()
            report["train_enabled_ready"] = window.training_tab.train_button.isEnabled()
            report["explorer_source"] = explorer.source_label.text()
            report["explorer_points"] = explorer.map.point_count()
            report["explorer_method"] = explorer.method_combo.currentData()
            report["frozen_objects_ready"] = gc.get_freeze_count()
            window.close()
            return
        QTimer.singleShot(20, poll)

    main_window.MainWindow.show = show
    code = cli.main(["gui", sys.argv[1]])
    print("REPORT " + json.dumps(report), flush=True)
    sys.exit(code)
    """
)


def test_vaegui_gui_run_shows_the_window_before_tensorflow_then_opens_the_run(tmp_path):
    run = train_tiny_run(tmp_path / "z2-run", z_dim=2)
    env = {**os.environ, **QUIET_TF, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", START_SCRIPT, str(run.folder)], capture_output=True, text=True, timeout=240, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("REPORT "))
    report = json.loads(line.removeprefix("REPORT "))
    # The window is up before TensorFlow is even imported; Train can be pressed at once (the trainer process loads
    # TensorFlow meanwhile, and training starts once it is in).
    assert report["tensorflow_imported_at_show"] is False
    assert report["train_button_at_show"] == "Train"
    assert report["train_enabled_at_show"] is True
    assert report["dataset_at_show"] == offline_dataset_names()[0]  # the default until the run is read
    # Once it is in, Train is live and the run given on the command line is on the Explorer's map.
    assert report["train_button_ready"] == "Train" and report["train_enabled_ready"] is True
    assert "z2-run" in report["explorer_source"] and "z_dim 2" in report["explorer_source"]
    assert report["explorer_method"] == "direct"
    assert report["explorer_points"] == len(run.load_dataset().train)
    # TensorFlow's objects (imported here for the Explorer's decoding) are frozen out of the garbage collector's full
    # passes (each one held the GIL for a long moment, freezing the window).
    assert report["frozen_objects_at_show"] == 0
    assert report["frozen_objects_ready"] > 100_000
    assert "Traceback" not in done.stderr
