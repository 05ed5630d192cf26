"""Runs whose images moved, and runs another program is training, met in the real tabs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np

from tests.gui.explorer.explorer_tab_helpers import _new_tab, _wait_idle
from tests.gui.training.training_tab_helpers import WAIT_MS
from tests.runs.test_run_dataset_location import save_digits, train


def _moved_run(tmp_path, digits):
    data = save_digits(tmp_path / "data" / "digits.npz", digits)
    run = train(tmp_path / "R", data, epochs=1)
    moved = tmp_path / "archive" / "digits.npz"
    moved.parent.mkdir()
    data.rename(moved)
    return run, moved


def test_the_explorer_asks_where_moved_images_are_and_checks_them(qtbot, tmp_path, digits, monkeypatch):
    import vaegui.gui.explorer.explorer_tab as explorer_tab

    run, moved = _moved_run(tmp_path, digits)
    asked = []
    monkeypatch.setattr(explorer_tab, "ask_moved_dataset", lambda parent, problem: asked.append(problem) or moved)
    tab = _new_tab(qtbot)
    tab.open_run_folder(run.folder)
    _wait_idle(qtbot, tab)
    assert asked and "digits.npz" in asked[0]
    assert len(tab.explorer.shown.latents) == len(digits.train)
    stored = json.loads((run.folder / "config.json").read_text())["data"]["dataset"]
    assert stored == str(moved)  # the run reads its images from their new place from now on


def test_continue_training_asks_where_moved_images_are_then_trains(qtbot, tab, tmp_path, digits, monkeypatch):
    import vaegui.gui.explorer.explorer_dialogs as dialogs

    run, moved = _moved_run(tmp_path, digits)
    monkeypatch.setattr(dialogs, "ask_moved_dataset", lambda parent, problem: moved)
    tab.open_run(run.folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    tab.form.epochs_box.setValue(2)
    assert tab.continue_training()
    qtbot.waitUntil(lambda: tab.model.epochs_completed == 2 and tab.mode == "idle", timeout=WAIT_MS)
    assert json.loads((run.folder / "config.json").read_text())["data"]["dataset"] == str(moved)


HOLD = textwrap.dedent("""
    import sys, time
    from vaegui.runs.lock import RunFolderLock
    with RunFolderLock(sys.argv[1], command="vaegui train (a test)"):
        print("held", flush=True)
        time.sleep(120)
""")


def test_a_run_another_program_trains_is_followed_read_only(qtbot, tab, tmp_path, digits):
    run = train(tmp_path / "R", save_digits(tmp_path / "digits.npz", digits), epochs=1)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(run.folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        tab.open_run(run.folder)
        qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
        tab.form.epochs_box.setValue(3)
        assert not tab.continue_button.isEnabled()
        assert f"process {holder.pid}" in tab.status_label.text() and "read-only" in tab.status_label.text()
        assert tab.mode == "following" and not tab.stop_button.isEnabled()
        assert tab.loss_plot.epochs_drawn() == [1] and np.isfinite(tab.model.history[0]["loss"])
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
