"""The window closed at bad moments exits cleanly; bad run folders and settings show their message in the GUI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import Qt

from tests.robustness.conftest import QUIET_TF
from vaegui.gui.app_state import AppState, import_tensorflow

WAIT_MS = 120_000

# One process, four windows, each closed while a worker is busy. A QThread destroyed while running
# aborts the process (Qt 6) or prints "QThread: Destroyed while thread is still running"; either fails.
CLOSE_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from PySide6.QtCore import QCoreApplication
    from vaegui.gui.main_window import MainWindow
    from vaegui.runs import Run

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
        assert not window.isVisible()
        window.deleteLater()
        for _ in range(20):
            app.processEvents()
        QCoreApplication.sendPostedEvents(None, 0)
        print(f"closed during {what} in {time.monotonic() - started:.2f} s", flush=True)

    # 1. While TensorFlow is still being imported in its worker.
    window = MainWindow(dataset="digits")
    window.show()
    window.load_tensorflow()
    close(window, "the TensorFlow import")

    # 2. While a run folder and its model load in the Explorer (a file load).
    window = MainWindow(dataset="digits")
    window.show()
    window.load_tensorflow()
    wait_until(lambda: window.state.tensorflow_loaded)
    window.explorer_tab.open_run_folder(run_folder)
    assert window.explorer_tab.is_busy()
    close(window, "a file load")

    # 3. While t-SNE runs in the Explorer.
    window = MainWindow(dataset="digits")
    window.show()
    window.load_tensorflow()
    wait_until(lambda: window.state.tensorflow_loaded)
    explorer = window.explorer_tab
    window.tabs.setCurrentWidget(explorer)
    explorer.explorer.tsne_iterations = 100_000
    explorer.open_run_folder(run_folder)
    wait_until(lambda: not explorer.is_busy() and explorer.explorer.shown is not None)
    explorer.controls.choose(explorer.method_combo, "tsne")
    wait_until(lambda: explorer.explorer.forming is not None)
    close(window, "a projection")

    # 4. While training, mid-epoch.
    window = MainWindow(dataset="digits")
    window.show()
    window.load_tensorflow()
    wait_until(lambda: window.state.tensorflow_loaded)
    tab = window.training_tab
    tab.runs_root = runs_root
    form = tab.form
    form.conv_filters_edit.setText("4,8")
    form.dense_units_box.setValue(8)
    form.epochs_box.setValue(1000)
    form.batch_size_box.setValue(8)
    assert tab.start_training()
    wait_until(lambda: tab.model.epochs_completed >= 1)
    close(window, "training")
    print("epochs kept:", Run.open(tab.run.folder).epochs_completed, flush=True)
    app.quit()
    """
)


def test_closing_the_window_while_workers_run_exits_cleanly(trained_run, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", CLOSE_SCRIPT, str(trained_run), str(tmp_path / "runs")],
        capture_output=True,
        text=True,
        env={**os.environ, **QUIET_TF, "QT_QPA_PLATFORM": "offscreen"},
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    closes = [line for line in done.stdout.splitlines() if line.startswith("closed during")]
    assert [line.split(" in ")[0] for line in closes] == [
        "closed during the TensorFlow import",
        "closed during a file load",
        "closed during a projection",
        "closed during training",
    ]
    # Stopping a worker takes a batch or a t-SNE step. The TensorFlow import cannot be interrupted, only
    # waited for (the window is hidden at once all the same): seconds, not the wait's 120 s time-out.
    seconds = [float(line.split(" in ")[1].removesuffix(" s")) for line in closes]
    assert seconds[0] < 60 and max(seconds[1:]) < 10, closes
    kept = int(done.stdout.split("epochs kept:")[1])
    assert kept >= 1
    for crash in ("QThread: Destroyed", "Traceback", "Something went wrong", "Fatal", "Segmentation"):
        assert crash not in done.stderr, done.stderr
    assert len(list((tmp_path / "runs").iterdir())) == 1


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
    qtbot.waitUntil(lambda: training_tab.mode == IDLE and training_tab.thread is None, timeout=WAIT_MS)
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
    qtbot.waitUntil(lambda: training_tab.mode == IDLE and training_tab.thread is None, timeout=WAIT_MS)
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
    qtbot.waitUntil(lambda: training_tab.mode == IDLE and training_tab.thread is None, timeout=WAIT_MS)
    assert not training_tab.error_label.isVisible(), training_tab.error_label.text()
    assert training_tab.model.epochs_completed == 1
    assert "Skipped 3 file(s) that could not be read as images; using the other 22 (cut-short.png: " in (
        training_tab.status_label.text()
    )
