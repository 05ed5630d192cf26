"""Whatever happens to the trainer process, the window says so and goes on: killed mid-epoch, writing garbage, exiting
non-zero, going silent; pause and stop act within one batch; a run another program trains is followed live."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.gui.conftest import set_tiny_settings
from tests.gui.training.training_tab_helpers import (
    WAIT_MS,
    click,
    csv_rows,
    long_training_window,
    saved_state,
    wait_until_idle,
)
from vaegui.app.trainer_link import TrainerPool
from vaegui.app.training_model import FOLLOWING, IDLE, PAUSED
from vaegui.gui.app_state import AppState
from vaegui.gui.common.job_runner import QtJobRunner
from vaegui.gui.training.training_tab import TrainingTab

# A stand-in for the trainer that misbehaves once it gets its job: a real process on the real pipes.
MISBEHAVING_TRAINER = textwrap.dedent("""
    import json, os, socket, sys, time

    def say(name, **fields):
        sys.stdout.write(json.dumps({"version": 1, "event": name, "time": time.time(), **fields}) + "\\n")
        sys.stdout.flush()

    say("ready", pid=os.getpid(), host=socket.gethostname(), device="CPU (a misbehaving trainer)")
    sys.stdin.readline()
    say("status", text="Loading digits…")
    print("TensorFlow would say this on stderr", file=sys.stderr, flush=True)
    if sys.argv[1] == "garbage":
        print("Epoch 1/2 - loss 3.2", flush=True)  # not the stream's: someone else wrote on it
    elif sys.argv[1] == "exit":
        sys.exit(3)
    time.sleep(120)  # "silent" (and after the garbage): no heartbeat, no answer
""")


@pytest.mark.parametrize("behaviour, said", [
    ("garbage", "it wrote something that is not progress ('Epoch 1/2 - loss 3.2'), so the window stopped trusting "
                "it and ended it"),
    ("exit", "it ended with exit code 3"),
    ("silent", "it stopped answering for 2 s, so the window ended it"),
])
def test_a_trainer_that_misbehaves_is_reported_and_never_trusted(qtbot, tmp_path, behaviour, said):
    pool = TrainerPool(QtJobRunner(), command=(sys.executable, "-c", MISBEHAVING_TRAINER, behaviour),
                       heartbeat_timeout=2.0)
    tab = TrainingTab(AppState(trainers=pool), dataset="digits")
    qtbot.addWidget(tab)
    tab.runs_root = tmp_path
    tab.show()
    click(qtbot, tab.train_button)
    trainer = tab.follower.trainer
    try:
        qtbot.waitUntil(lambda: tab.model.outcome is not None, timeout=WAIT_MS)
    finally:
        pool.end_all()
    assert tab.model.outcome.kind == "crashed" and tab.mode == IDLE
    assert said in tab.error_label.text() and tab.error_label.isVisible()
    assert trainer.process.wait(timeout=10) != 0  # ended, not left running
    assert tab.train_button.isEnabled()
    tab.details.toggle.click()  # what the trainer wrote on stderr stays readable under Details
    qtbot.waitUntil(lambda: "TensorFlow would say this on stderr" in tab.details.text.toPlainText(), timeout=WAIT_MS)
    assert tab.details.isVisible()


def test_a_trainer_killed_mid_epoch_is_said_at_once_and_continue_loses_only_that_epoch(qtbot, tab):
    set_tiny_settings(tab, epochs=1000)
    click(qtbot, tab.train_button)
    qtbot.waitUntil(lambda: tab.model.epochs_completed >= 1 and tab.model.curves.size > 0 and
                    tab.model.curves.positions[-1] > tab.model.epochs_completed + 0.2, timeout=WAIT_MS)
    trainer = tab.follower.trainer
    os.kill(trainer.pid, signal.SIGKILL)  # as the kernel's out-of-memory killer does
    qtbot.waitUntil(lambda: tab.model.outcome is not None, timeout=WAIT_MS)
    folder = Path(tab.run.folder)
    kept = saved_state(folder)["epochs_completed"]
    assert tab.model.outcome.kind == "crashed" and tab.model.outcome.epochs_completed == kept >= 1
    text = tab.error_label.text()
    assert text.startswith("Training stopped unexpectedly: the trainer process") and "(SIGKILL)" in text
    assert f"The run keeps epoch {kept} of 1000, its last completed one" in text
    assert "Press Continue training to go on from there" in text
    assert tab.continue_button.isEnabled() and tab.open_button.isEnabled() and not tab.stop_button.isEnabled()
    assert f"Stopped unexpectedly · the run keeps epoch {kept}" == tab.progress_bar.text()

    tab.form.epochs_box.setValue(kept + 1)
    click(qtbot, tab.continue_button)
    wait_until_idle(qtbot, tab)
    assert tab.model.outcome.kind == "finished", tab.error_label.text()
    assert [int(row["epoch"]) for row in csv_rows(folder / "history.csv")] == list(range(1, kept + 2))
    assert tab.loss_plot.epochs_drawn() == list(range(1, kept + 2))


def test_pause_and_stop_act_within_one_batch(qtbot, tab):
    set_tiny_settings(tab, epochs=1000)
    tab.form.batch_size_box.setValue(16)
    click(qtbot, tab.train_button)
    events = []
    tab.follower.trainer.event.connect(events.append)
    qtbot.waitUntil(lambda: tab.model.curves.size > 40, timeout=WAIT_MS)
    click(qtbot, tab.pause_button)
    assert tab.mode == PAUSED
    qtbot.waitUntil(lambda: any(e.name == "paused" for e in events), timeout=WAIT_MS)
    paused = next(e for e in events if e.name == "paused")
    assert paused["batches_done"] - paused["asked_at"] <= 1  # the batch in flight, then it waits
    qtbot.wait(500)
    after = events[events.index(paused) + 1:]
    assert [e.name for e in after if e.name != "heartbeat"] == []  # not a batch more while paused
    click(qtbot, tab.pause_button)
    qtbot.waitUntil(lambda: any(e.name == "resumed" for e in events), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.model.curves.size > paused["batches_done"] + 20, timeout=WAIT_MS)
    click(qtbot, tab.stop_button)
    wait_until_idle(qtbot, tab)
    stopped = next(e for e in events if e.name == "stopped")
    assert stopped["batches_done"] - stopped["asked_at"] <= 1
    assert tab.model.outcome.kind == "stopped" and tab.progress_bar.text().startswith("Stopped")


def _training_in_a_terminal(folder: Path, epochs: int) -> subprocess.Popen:
    """`vaegui train` as a person runs it in a terminal, started and left training."""
    return subprocess.Popen(
        [sys.executable, "-m", "vaegui.cli", "train", "--dataset", "digits", "--epochs", str(epochs), "--z-dim", "2",
         "--conv-filters", "4,8", "--dense-units", "8", "--batch-size", "64", "--seed", "2", "--out", str(folder),
         "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_run_vaegui_train_trains_is_followed_live_and_read_only(qtbot, tab, tmp_path):
    folder = tmp_path / "from-a-terminal"
    other = _training_in_a_terminal(folder, epochs=400)
    try:
        qtbot.waitUntil(lambda: (folder / "state.json").is_file() and saved_state(folder)["epochs_completed"] >= 1,
                        timeout=WAIT_MS)
        tab.open_run(folder)
        qtbot.waitUntil(lambda: tab.mode == FOLLOWING, timeout=WAIT_MS)
        assert not tab.pause_button.isEnabled() and not tab.stop_button.isEnabled()
        assert not tab.continue_button.isEnabled()
        holder = json.loads((folder / "lock.json").read_text())
        assert f"Trained by `vaegui train` (process {holder['pid']}" in tab.status_label.text()
        shown = tab.model.epochs_completed
        qtbot.waitUntil(lambda: tab.model.epochs_completed >= shown + 1, timeout=WAIT_MS)  # live: epochs arrive
        qtbot.waitUntil(lambda: tab.loss_plot.epochs_drawn() == list(range(1, tab.model.epochs_completed + 1)),
                        timeout=WAIT_MS)  # drawn on the curves' next frame
        assert sorted(tab.model.epochs)[-1] == tab.model.epochs_completed  # and their pictures
        os.kill(holder["pid"], signal.SIGINT)  # Ctrl-C in its terminal: it stops at its next batch
        other.communicate(timeout=120)
    finally:
        other.kill()
    qtbot.waitUntil(lambda: tab.mode == IDLE, timeout=WAIT_MS)
    kept = saved_state(folder)["epochs_completed"]
    assert tab.model.outcome.kind == "ended_elsewhere" and tab.model.epochs_completed == kept
    assert tab.continue_button.isEnabled()  # its own now: Continue training it here


HOLD = textwrap.dedent("""
    import sys, time
    from vaegui.runs.lock import RunFolderLock
    with RunFolderLock(sys.argv[1], command="vaegui window (process 4242)"):
        print("held", flush=True)
        time.sleep(120)
""")


def test_continue_refused_by_another_window_says_so_plainly_and_follows_it(qtbot, tab, tmp_path, tiny_run):
    import shutil

    from vaegui.runs import Run

    shutil.copytree(tiny_run.folder, tmp_path / "R")
    run = Run.open(tmp_path / "R")
    tab.open_run(run.folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(run.folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"  # another window started training it meanwhile
        tab.form.epochs_box.setValue(3)
        click(qtbot, tab.continue_button)
        qtbot.waitUntil(lambda: tab.mode == FOLLOWING, timeout=WAIT_MS)
        text = tab.error_label.text()
        assert text.startswith(f"This run ({run.folder}) is being trained in another vaegui window (its trainer "
                               f"is process {holder.pid} on this computer)")
        assert "press Stop in that window" in text and "This window follows it live meanwhile" in text
        assert "Failed" not in tab.progress_bar.text() and "Ctrl-C" not in text and "kill" not in text
        assert "trained elsewhere, shown live" in tab.progress_bar.text()
    finally:
        holder.kill()
        holder.wait()
    qtbot.waitUntil(lambda: tab.mode == IDLE, timeout=WAIT_MS)  # that training ended: this window may train it
    assert tab.model.outcome.kind == "ended_elsewhere" and tab.continue_button.isEnabled()


def test_a_training_kept_going_after_its_window_closed_is_shown_by_the_next_window(qtbot, tmp_path, device):
    window = long_training_window(qtbot, tmp_path)
    tab = window.training_tab
    tab.actions.keep_training.setChecked(True)  # File ▸ Keep training if this window closes
    click(qtbot, tab.train_button)
    qtbot.waitUntil(lambda: tab.model.epochs_completed >= 1, timeout=WAIT_MS)
    trainer, folder = tab.follower.trainer.process, Path(tab.run.folder)
    window.close()
    try:
        closed_at = saved_state(folder)["epochs_completed"]
        qtbot.waitUntil(lambda: saved_state(folder)["epochs_completed"] > closed_at, timeout=WAIT_MS)
        assert trainer.poll() is None  # it goes on alone, nobody reading it

        from vaegui.gui.main_window import MainWindow

        second = MainWindow(dataset="digits")  # the next launch
        qtbot.addWidget(second)
        second.show()
        following = second.training_tab
        qtbot.waitUntil(lambda: following.mode == FOLLOWING and following.run is not None, timeout=WAIT_MS)
        assert following.run.folder == folder
        assert f"process {trainer.pid}" in following.status_label.text()
        assert not following.stop_button.isEnabled()  # not this window's training: shown, not controlled
        second.close()
    finally:
        os.killpg(trainer.pid, signal.SIGKILL)
        trainer.wait()


# A fresh window process trains a tiny run from its Training tab, as a person would; it reports which of TensorFlow
# and Keras it imported (and on which thread, from where: so a failure names the culprit) and the trainer's pid.
WINDOW_TRAINS = textwrap.dedent("""
    import json, sys, threading, time, traceback
    from PySide6.QtWidgets import QApplication

    imported = []

    class Watch:
        def find_spec(self, name, path=None, target=None):
            if name in ("tensorflow", "keras") and not imported:
                imported.append(f"{name} on {threading.current_thread().name}: " +
                                "".join(traceback.format_stack(limit=12)))
            return None

    sys.meta_path.insert(0, Watch())
    from vaegui.gui.main_window import MainWindow
    from vaegui.gui.app import end_quickly
    from tests.gui.conftest import set_tiny_settings

    app = QApplication([])
    window = MainWindow(dataset="digits")
    window.show()
    window.load_tensorflow()
    tab = window.training_tab
    tab.runs_root = sys.argv[1]
    set_tiny_settings(tab, epochs=1)
    assert tab.start_training()
    trainer = tab.follower.trainer.pid
    deadline = time.monotonic() + 170
    while (tab.model.outcome is None or tab.is_training()) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    app.processEvents()
    print(json.dumps({"outcome": tab.model.outcome.kind if tab.model.outcome else None, "trainer": trainer,
                      "window": __import__("os").getpid(), "imported": imported,
                      "modules": sorted(m for m in ("tensorflow", "keras") if m in sys.modules)}), flush=True)
    window.close()
    app.quit()
    sys.exit(end_quickly(0))
""")


def test_the_windows_process_never_imports_tensorflow_for_training(tmp_path):
    from tests.robustness.conftest import QUIET_TF

    done = subprocess.run([sys.executable, "-c", WINDOW_TRAINS, str(tmp_path / "runs")], capture_output=True,
                          text=True, timeout=240, cwd=Path(__file__).resolve().parents[3],
                          env={**os.environ, **QUIET_TF, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["outcome"] == "finished", done.stderr[-3000:]
    assert report["trainer"] != report["window"]  # trained in the trainer process…
    assert report["modules"] == [] and report["imported"] == [], report["imported"]  # …and TensorFlow only there


def test_a_run_another_computer_trains_on_a_shared_disk_is_followed_naming_that_computer(qtbot, tab, tmp_path,
                                                                                          tiny_run):
    """A run folder on a shared disk, written by a server (the chief of a tf.distribute job): its lock names that
    computer, whose processes this one cannot see; the window follows what the folder says, read-only."""
    import shutil
    import time

    folder = tmp_path / "on-a-shared-disk"
    shutil.copytree(tiny_run.folder, folder)
    # As the server left it after epoch 1: epoch 2's files come later.
    later = {name: (folder / name).read_text() for name in ("state.json", "history.csv", "batch_history.csv")}
    state = json.loads(later["state.json"])
    (folder / "state.json").write_text(json.dumps({**state, "epochs_completed": 1,
                                                   "checkpoint": "checkpoints/epoch-00001"}))
    (folder / "history.csv").write_text("".join(later["history.csv"].splitlines(keepends=True)[:2]))
    (folder / "batch_history.csv").write_text("".join(line for line in later["batch_history.csv"].splitlines(
        keepends=True) if not line.startswith("2,")))
    views = folder / "epochs" / "epoch-00002.npz"
    views_later = views.read_bytes()
    views.unlink()
    lock = {"pid": 4242, "host": "gpu-server", "since": time.time() - 600, "command": "vaegui train --out R"}
    (folder / "lock.json").write_text(json.dumps(lock))

    tab.open_run(folder)
    qtbot.waitUntil(lambda: tab.mode == FOLLOWING and tab.model.epochs_completed == 1, timeout=WAIT_MS)
    assert "Trained by `vaegui train` (process 4242 on the computer gpu-server)" in tab.status_label.text()
    assert not tab.pause_button.isEnabled() and not tab.stop_button.isEnabled()  # not this window's trainer
    assert not tab.continue_button.isEnabled()

    views.write_bytes(views_later)  # the server saves epoch 2: views, then history, then state (its order)
    for name in ("batch_history.csv", "history.csv", "state.json"):
        (folder / name).write_text(later[name])
    qtbot.waitUntil(lambda: tab.model.epochs_completed == 2 and 2 in tab.model.epochs, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: tab.loss_plot.epochs_drawn() == [1, 2], timeout=WAIT_MS)
    assert tab.mode == FOLLOWING  # its lock still names the server: it may go on

    (folder / "lock.json").unlink()  # the job ended
    qtbot.waitUntil(lambda: tab.mode == IDLE, timeout=WAIT_MS)
    assert tab.model.outcome.kind == "ended_elsewhere" and tab.model.epochs_completed == 2
    tab.form.epochs_box.setValue(3)  # its own now: Continue training it here
    assert tab.continue_button.isEnabled()
