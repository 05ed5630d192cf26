"""The window closed at bad moments exits cleanly; bad run folders and settings show their message in the GUI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.robustness.conftest import QUIET_TF
from vaegui.gui.app_state import AppState, import_tensorflow
from vaegui.runs import Run, run_folder_holder

WAIT_MS = 120_000

# One process, four windows, each closed while something is busy; then the app ends as run_app ends it. A QThread
# destroyed while running aborts the process (Qt 6) or prints "QThread: Destroyed while thread is still running".
CLOSE_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from vaegui.gui.app import end_quickly
    from vaegui.gui.common.job_runner import busy_threads
    from vaegui.gui.main_window import MainWindow

    app = QApplication([])
    run_folder, runs_root = Path(sys.argv[1]), Path(sys.argv[2])

    def wait_until(condition, seconds=120):
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                sys.exit(f"timed out waiting for {condition}")
            app.processEvents()
            time.sleep(0.01)

    def close(window, what):
        started = time.monotonic()
        window.close()
        hidden = time.monotonic() - started
        assert not window.isVisible()
        window.deleteLater()
        app.processEvents()
        print(f"closed during {what} in {hidden:.3f} s", flush=True)

    # 1. While the trainer is still loading TensorFlow.
    window = MainWindow(dataset="digits")
    window.show()
    window.load_tensorflow()
    close(window, "the trainer's start")

    # 2. While TensorFlow is imported for the Explorer, then a run folder and its model load there.
    window = MainWindow(dataset="digits")
    window.show()
    window.explorer_tab.open_run_folder(run_folder)
    close(window, "a file load")
    # The app would end here; this test goes on in the same process, so what was abandoned ends first.
    wait_until(lambda: busy_threads() == 0)

    # 3. While t-SNE runs in the Explorer.
    window = MainWindow(dataset="digits")
    window.show()
    explorer = window.explorer_tab
    window.tabs.setCurrentWidget(explorer)
    explorer.explorer.tsne_iterations = 100_000
    explorer.open_run_folder(run_folder)
    wait_until(lambda: not explorer.is_busy() and explorer.explorer.shown is not None)
    explorer.controls.choose(explorer.method_combo, "tsne")
    wait_until(lambda: explorer.explorer.forming is not None)
    close(window, "a projection")

    # 4. While training, mid-epoch, and the run loads in the Explorer; then the app ends as run_app ends it.
    window = MainWindow(dataset="digits")
    window.show()
    tab = window.training_tab
    tab.runs_root = runs_root
    form = tab.form
    form.conv_filters_edit.setText("4,8")
    form.dense_units_box.setValue(8)
    form.epochs_box.setValue(1000)
    form.batch_size_box.setValue(8)
    assert tab.start_training()
    wait_until(lambda: tab.model.epochs_completed >= 1, seconds=240)
    print("trainer", tab.follower.trainer.pid, tab.run.folder, flush=True)
    window.explorer_tab.open_run_folder(run_folder)
    assert window.explorer_tab.is_busy()
    close(window, "training and a file load")
    app.quit()
    sys.exit(end_quickly(0))
    """
)


def test_closing_the_window_while_work_runs_hides_it_at_once_and_ends_the_app(trained_run, tmp_path):
    app = subprocess.Popen(
        [sys.executable, "-c", CLOSE_SCRIPT, str(trained_run), str(tmp_path / "runs")], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, **QUIET_TF, "QT_QPA_PLATFORM": "offscreen"},
    )
    lines, last_close = [], None
    for line in app.stdout:  # read as it comes: the time from the last close to the process's end is measured
        lines.append(line.strip())
        if line.startswith("closed during training"):
            last_close = time.monotonic()
    code, stderr = app.wait(timeout=300), app.stderr.read()
    exited_after = time.monotonic() - last_close if last_close is not None else None
    assert code == 0, "\n".join(lines) + stderr
    closes = [line for line in lines if line.startswith("closed during")]
    assert [line.split(" in ")[0] for line in closes] == [
        "closed during the trainer's start",
        "closed during a file load",
        "closed during a projection",
        "closed during training and a file load",
    ]
    # The window goes at once whatever runs; the process ends soon after (what cannot be interrupted is abandoned).
    hidden = [float(line.split(" in ")[1].removesuffix(" s")) for line in closes]
    assert max(hidden) < 0.5 and exited_after < 2.0, (closes, exited_after)
    for crash in ("QThread: Destroyed", "Traceback", "Something went wrong", "Fatal", "Segmentation", "Aborted"):
        assert crash not in stderr, stderr
    # The trainer was told to stop: it ends on its own at its next batch, keeping its last completed epoch.
    _, pid, folder = next(line for line in lines if line.startswith("trainer ")).split(" ", 2)
    deadline = time.monotonic() + 60
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{pid}").exists()
    run = Run.open(folder)
    assert run.epochs_completed >= 1 and len(run.history) == run.epochs_completed
    assert run_folder_holder(folder) is None


@pytest.fixture(scope="module")
def tensorflow_device() -> str:
    return import_tensorflow()


def test_explorer_shows_why_a_damaged_run_cannot_be_explored(qtbot, trained_run, tensorflow_device):
    from vaegui.gui.explorer.explorer_tab import ExplorerTab

    weights = trained_run / "checkpoints" / "epoch-00002.weights.h5"
    weights.write_bytes(b"")
    tab = ExplorerTab(AppState())
    qtbot.addWidget(tab)
    tab.show()
    tab.open_run_folder(trained_run)
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=WAIT_MS)
    assert tab.message_label.isVisible()
    assert tab.message_label.text() == (
        f"The weights file {weights} is empty (0 bytes): it was damaged; the checkpoint of epoch 1 is intact: "
        f"continue from it with vaegui train --resume {trained_run} --rollback 1, or retrain the run."
    )


def test_explorer_names_the_bad_setting_of_a_run_folder(qtbot, trained_run):
    from vaegui.gui.explorer.explorer_tab import ExplorerTab

    config = trained_run / "config.json"
    config.write_text(config.read_text().replace('"z_dim": 2', '"z_dim": "two"'))
    tab = ExplorerTab(AppState())
    qtbot.addWidget(tab)
    tab.show()
    tab.open_run_folder(trained_run)
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=WAIT_MS)
    assert tab.message_label.isVisible()
    assert tab.message_label.text() == (
        f"The run in {trained_run} cannot be opened. Settings file {config}: setting 'model.z_dim' has the wrong "
        "type ('two'); expected a whole number."
    )


@pytest.fixture
def training_tab(qtbot, tmp_path, tensorflow_device):
    from vaegui.gui.training.training_tab import TrainingTab

    state = AppState()
    tab = TrainingTab(state, dataset="digits")
    qtbot.addWidget(tab)
    tab.runs_root = tmp_path / "runs"
    state.tensorflow_loaded, state.device = True, tensorflow_device
    state.tensorflow_ready.emit(tensorflow_device)
    form = tab.form
    form.conv_filters_edit.setText("4,8")
    form.dense_units_box.setValue(8)
    form.z_dim_box.setValue(2)
    form.epochs_box.setValue(2)
    form.batch_size_box.setValue(64)
    form.seed_edit.setText("1")
    tab.show()
    yield tab
    tab.shutdown()


def test_training_tab_refuses_a_batch_larger_than_the_data(qtbot, training_tab):
    from vaegui.gui.training.training_tab import IDLE

    training_tab.form.batch_size_box.setValue(5000)
    qtbot.mouseClick(training_tab.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: training_tab.mode == IDLE and not training_tab.is_training(), timeout=WAIT_MS)
    assert training_tab.error_label.isVisible()
    assert (
        "Batch size 5000 is larger than the training set (1617 images): choose a batch size of at most 1617."
        in training_tab.error_label.text()
    )


def test_training_tab_says_why_nan_stopped_training_and_keeps_the_run(qtbot, training_tab, trained_run):
    from vaegui.gui.training.training_tab import IDLE

    before = (trained_run / "state.json").read_text()
    training_tab.open_run(trained_run)
    qtbot.waitUntil(lambda: training_tab.run is not None, timeout=WAIT_MS)
    training_tab.form.epochs_box.setValue(4)
    training_tab.form.learning_rate_edit.setText("10")
    assert training_tab.continue_training()
    qtbot.waitUntil(lambda: training_tab.mode == IDLE and not training_tab.is_training(), timeout=WAIT_MS)
    text = training_tab.error_label.text()
    assert training_tab.error_label.isVisible()
    assert "The loss became NaN or infinite at epoch 3" in text
    assert "the weights of epoch 2 are kept. Lower the learning rate (now 10, try 1) and continue training." in text
    assert (trained_run / "state.json").read_text() == before


def test_training_tab_says_how_many_image_files_it_skipped(qtbot, training_tab, tmp_path):
    from tests.robustness.test_data_corpus import messy_folder
    from vaegui.gui.training.training_tab import IDLE

    folder = messy_folder(tmp_path / "messy")
    training_tab.form.set_dataset(str(folder))
    training_tab.form.image_size_box.setValue(16)
    training_tab.form.batch_size_box.setValue(4)
    training_tab.form.epochs_box.setValue(1)
    qtbot.mouseClick(training_tab.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: training_tab.mode == IDLE and not training_tab.is_training(), timeout=WAIT_MS)
    assert not training_tab.error_label.isVisible(), training_tab.error_label.text()
    assert training_tab.model.epochs_completed == 1
    assert "Skipped 3 file(s) that could not be read as images; using the other 22 (cut-short.png: " in (
        training_tab.status_label.text()
    )
