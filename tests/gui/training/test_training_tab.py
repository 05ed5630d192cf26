"""The Training tab driven like a person would: real widgets, real tiny Keras models trained on digits."""

from __future__ import annotations

import math
import os
import re
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import tiny_config
from tests.gui.conftest import set_tiny_settings
from tests.gui.training.training_tab_helpers import (
    TEST_IMAGES,
    TRAIN_IMAGES,
    WAIT_MS,
    click,
    csv_rows,
    saved_state,
    wait_until_idle,
)
from vaegui.app.training_model import IDLE, PAUSED, TRAINING
from vaegui.gui.app_state import AppState
from vaegui.gui.training.epoch_views_panel import VIEW_STAGGER_MS
from vaegui.gui.training.training_tab import TrainingTab
from vaegui.runs import Run


def test_train_can_be_pressed_before_the_trainer_has_loaded_tensorflow(qtbot, device):
    # TensorFlow loads in the trainer process, not in the window: Train waits for nothing.
    state = AppState()
    state.trainer_ready_now = False
    tab = TrainingTab(state)
    qtbot.addWidget(tab, before_close_func=lambda tab: tab.shutdown())  # no timing left on the shared trainer
    assert tab.train_button.text() == "Train" and tab.train_button.isEnabled()
    assert "still starting in the trainer" in tab.train_button.toolTip()
    state.trainer_ready_now, state.device = True, device
    state.trainer_ready.emit(device)
    assert tab.train_button.text() == "Train" and "still starting" not in tab.train_button.toolTip()
    assert device in tab.status_label.text()


def test_failed_tensorflow_import_is_said_plainly(qtbot):
    state = AppState()
    tab = TrainingTab(state)
    qtbot.addWidget(tab, before_close_func=lambda tab: tab.shutdown())  # no timing left on the shared trainer
    state.trainer_failed.emit("No module named 'tensorflow'")
    assert not tab.train_button.isEnabled()
    assert "TensorFlow could not be loaded" in tab.error_label.text()


def test_train_two_epochs_draws_every_epoch_and_saves_the_run(qtbot, tab):
    opened, updated, progress_texts = [], [], []
    tab.state.run_opened.connect(lambda folder, epochs: opened.append((folder, epochs)))
    tab.state.checkpoint_saved.connect(lambda folder, epoch: updated.append((folder, epoch)))
    click(qtbot, tab.train_button)
    assert tab.mode == TRAINING
    assert not tab.train_button.isEnabled() and tab.stop_button.isEnabled() and tab.pause_button.isEnabled()
    assert not tab.form.isEnabled()

    def idle_noting_the_progress_text() -> bool:  # read on the GUI thread, as a person sees it
        if tab.mode == TRAINING and tab.progress_bar.text() not in progress_texts[-1:]:
            progress_texts.append(tab.progress_bar.text())
        return tab.mode == IDLE and not tab.is_training()

    qtbot.waitUntil(idle_noting_the_progress_text, timeout=WAIT_MS)

    assert not tab.error_label.isVisible(), tab.error_label.text()
    run = tab.run
    batches = math.ceil(TRAIN_IMAGES / 64)
    assert tab.model.epochs_completed == 2
    assert tab.loss_plot.epochs_drawn() == [1, 2]
    assert tab.loss_plot.batch_point_count() == 2 * batches  # every batch, although signals are throttled
    positions = tab.model.curves.positions
    assert np.all(np.diff(positions) > 0) and positions[-1] == pytest.approx(2.0)
    assert tab.progress_bar.value() == tab.progress_bar.maximum()
    assert "100%" in tab.progress_bar.text()
    # While it ran, the bar said where training was, how fast, and how long is left (once the data was
    # loaded and the model compiled, which it says first).
    assert "Epoch 1/2 · compiling the model…" in progress_texts
    running = re.compile(rf"Epoch ([12])/2 · batch (\d+)/{batches} · [\d,]+ images/s · ETA \d+:\d\d")
    texts = progress_texts[progress_texts.index("Epoch 1/2 · compiling the model…") + 1:]
    matches = [running.fullmatch(text) for text in texts]
    assert matches and all(matches), progress_texts
    assert {m.group(1) for m in matches} == {"1", "2"}

    folder = Path(run.folder)
    assert folder.parent == tab.runs_root
    state = saved_state(folder)
    assert state["epochs_completed"] == 2
    assert (folder / f"{state['checkpoint']}.weights.h5").stat().st_size > 0
    history = csv_rows(folder / "history.csv")
    assert [int(r["epoch"]) for r in history] == [1, 2]
    assert all(float(r["loss"]) > 0 for r in history)
    assert len(csv_rows(folder / "batch_history.csv")) == 2 * batches

    # The learning views: one snapshot per epoch, the slider scrubs them. The last epoch's views are
    # drawn one at a time, like every epoch's from training.
    qtbot.waitUntil(lambda: not tab.learning_views_pending(), timeout=WAIT_MS)
    assert sorted(tab.model.epochs) == [1, 2]
    assert tab.latent_preview.point_count == TEST_IMAGES
    assert tab.latent_preview.shown_epoch == 2
    assert len(tab.kl_bars.values) == 2
    assert tab.samples.shown_epoch == 2
    tab.epoch_slider.setValue(1)
    assert tab.latent_preview.shown_epoch == 1 and tab.samples.shown_epoch == 1
    assert "Epoch 1 of 2" in tab.epoch_label.text()

    # The explorer hears about the run and each new checkpoint (a folder and an epoch, never the live run).
    assert opened == [(str(folder), 0)]
    assert updated == [(str(folder), 1), (str(folder), 2)]
    assert str(folder) in tab.status_label.text()
    assert tab.train_button.isEnabled() and not tab.stop_button.isEnabled()


def test_while_training_a_new_epoch_is_drawn_one_view_at_a_time(qtbot, tab, monkeypatch):
    # Drawn together, the three views froze the window for ~130 ms on a CPU busy with TensorFlow.
    drawn = []
    def recorded(name, real):
        def draw(epoch, *args):
            drawn.append((name, epoch, time.perf_counter()))
            return real(epoch, *args)

        return draw

    views = ((tab.latent_preview, "show_codes"), (tab.samples, "show_samples"), (tab.kl_bars, "show_values"))
    for view, method in views:
        monkeypatch.setattr(view, method, recorded(method, getattr(view, method)))
    set_tiny_settings(tab, epochs=1000)
    click(qtbot, tab.train_button)

    qtbot.waitUntil(lambda: len(drawn) >= 3, timeout=WAIT_MS)
    assert tab.mode == TRAINING
    first_three = drawn[:3]
    assert [name for name, _, _ in first_three] == ["show_codes", "show_samples", "show_values"]
    assert len({epoch for _, epoch, _ in first_three}) == 1
    spacing = np.diff([at for _, _, at in first_three])
    assert np.all(spacing >= 0.9 * VIEW_STAGGER_MS / 1000), spacing  # Qt's coarse timers may fire 5 % early
    qtbot.waitUntil(lambda: len(tab.model.epochs) >= 2, timeout=WAIT_MS)
    click(qtbot, tab.stop_button)
    qtbot.waitUntil(lambda: tab.mode == IDLE and not tab.learning_views_pending(), timeout=WAIT_MS)

    # Scrubbing with the slider draws all three at once, with no wait.
    del drawn[:]
    tab.epoch_slider.setValue(tab.epoch_slider.minimum())
    assert [(name, epoch) for name, epoch, _ in drawn] == [
        (name, tab.epoch_slider.minimum()) for name in ("show_codes", "show_samples", "show_values")
    ]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread priorities are read through /proc on Linux")
def test_the_trainer_yields_to_the_window_as_a_whole_process(qtbot, tab):
    from vaegui.trainer import TRAINER_NICE

    def niceness(pid: int) -> dict[int, int]:
        found = {}
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                found[int(task.name)] = os.getpriority(os.PRIO_PROCESS, int(task.name))
            except OSError:  # ended meanwhile
                pass
        return found

    window_before, window_group_before = niceness(os.getpid()), autogroup(os.getpid())
    set_tiny_settings(tab, epochs=1000)
    click(qtbot, tab.train_button)
    qtbot.waitUntil(lambda: tab.model.curves.size > 0, timeout=WAIT_MS)
    trainer = niceness(tab.follower.trainer.pid)
    window = niceness(os.getpid())
    window_group = autogroup(os.getpid())
    trainer_pid = tab.follower.trainer.pid
    trainer_group = autogroup(trainer_pid)
    assert os.getpgid(trainer_pid) == trainer_pid != os.getpgid(0)  # Ctrl-C in the terminal never reaches it
    click(qtbot, tab.stop_button)
    wait_until_idle(qtbot, tab)
    # Every thread of the trainer (TensorFlow's pools included) runs lowered; none of the window's was touched.
    assert len(trainer) >= 3 and set(trainer.values()) == {TRAINER_NICE}, trainer
    assert {window_before.get(t, n) for t, n in window.items()} == set(window.values()) == {0}, window
    # Linux shares the CPU between sessions first (autogroups) and ranks by niceness only inside one: the trainer
    # stays in the window's session (a process group of its own keeps Ctrl-C away from it), where its niceness
    # ranks it below the window's threads; where it must have a session of its own (Python 3.10), it lowers that.
    if window_group is not None:
        assert window_group == window_group_before, window_group
        if sys.version_info >= (3, 11):
            assert trainer_group == window_group, (trainer_group, window_group)
        else:
            assert trainer_group is not None and trainer_group[1] == TRAINER_NICE, trainer_group


def autogroup(pid: int) -> tuple[str, int] | None:
    """(the scheduling group of `pid`'s session, its niceness), or None where Linux has no autogroups."""
    try:
        name, _, nice = Path(f"/proc/{pid}/autogroup").read_text().split()
    except (OSError, ValueError):
        return None
    return name, int(nice)


def test_pause_then_resume_continues_to_the_end(qtbot, tab):
    tab.form.epochs_box.setValue(4)
    click(qtbot, tab.train_button)
    qtbot.waitUntil(lambda: tab.loss_plot.batch_point_count() > 0, timeout=WAIT_MS)
    click(qtbot, tab.pause_button)
    assert tab.mode == PAUSED
    assert tab.pause_button.text() == "Resume"
    # The trainer acts after the batch in progress and says so; every batch before it is then drawn.
    qtbot.waitUntil(lambda: tab.model.paused_at is not None, timeout=WAIT_MS)
    assert "· paused" in tab.progress_bar.format()
    paused_count = tab.loss_plot.batch_point_count()
    qtbot.wait(1500)
    assert tab.loss_plot.batch_point_count() == paused_count, "training went on while paused"
    assert tab.model.epochs_completed < 4
    click(qtbot, tab.pause_button)
    assert tab.mode == TRAINING and tab.pause_button.text() == "Pause"
    wait_until_idle(qtbot, tab)
    assert tab.model.epochs_completed == 4
    assert tab.loss_plot.epochs_drawn() == [1, 2, 3, 4]
    assert tab.loss_plot.batch_point_count() == 4 * math.ceil(TRAIN_IMAGES / 64)


def test_stop_mid_epoch_keeps_the_last_completed_epoch(qtbot, tab):
    tab.form.epochs_box.setValue(500)
    click(qtbot, tab.train_button)
    # Wait until the second epoch is under way, then pause inside it so the stop lands mid-epoch.
    qtbot.waitUntil(lambda: tab.model.curves.size > 0 and tab.model.curves.positions[-1] > 1.2, timeout=WAIT_MS)
    click(qtbot, tab.pause_button)
    qtbot.wait(300)
    click(qtbot, tab.stop_button)
    assert not tab.stop_button.isEnabled() and not tab.pause_button.isEnabled()
    wait_until_idle(qtbot, tab)

    run = tab.run
    kept = tab.model.epochs_completed
    assert 1 <= kept < 500
    assert "Stopped" in tab.progress_bar.text()
    folder = Path(run.folder)
    state = saved_state(folder)
    assert state["epochs_completed"] == kept
    assert [int(r["epoch"]) for r in csv_rows(folder / "history.csv")] == list(range(1, kept + 1))
    assert len(csv_rows(folder / "batch_history.csv")) == kept * math.ceil(TRAIN_IMAGES / 64)
    assert tab.train_button.isEnabled()


def test_invalid_settings_are_refused_with_a_reason(qtbot, tab):
    cases = [
        (lambda f: f.learning_rate_edit.setText("0"), "Learning rate"),
        (lambda f: f.learning_rate_edit.setText("fast"), "not a number"),
        (lambda f: f.kl_weight_edit.setText("-1"), "KL weight"),
        (lambda f: f.conv_filters_edit.setText("4,8,16,32"), "does not fit 4 conv layers"),
        (lambda f: f.conv_filters_edit.setText("4,x"), "Conv filters"),
    ]
    for change, reason in cases:
        set_tiny_settings(tab)
        tab.form.learning_rate_edit.setText("0.001")
        tab.form.kl_weight_edit.setText("1")
        change(tab.form)
        click(qtbot, tab.train_button)
        assert tab.mode == IDLE
        assert tab.form.message_label.isVisible()
        assert reason in tab.form.message_label.text()
    assert not tab.runs_root.exists(), "a refused setting must not create a run folder"
    # Fixing the value clears the reason at once.
    set_tiny_settings(tab)
    tab.form.learning_rate_edit.setText("0.001")
    tab.form.learning_rate_edit.textEdited.emit("0.001")
    assert not tab.form.message_label.isVisible()


def test_core_errors_are_shown_and_the_tab_stays_usable(qtbot, tab, tmp_path):
    tab.form.set_dataset(str(tmp_path / "no-such-folder"))
    click(qtbot, tab.train_button)
    wait_until_idle(qtbot, tab)
    assert tab.error_label.isVisible()
    assert "no-such-folder" in tab.error_label.text() and "Traceback" not in tab.error_label.text()
    assert not tab.runs_root.exists()

    tab.form.set_dataset("digits")
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "config.json").write_text(tiny_config().to_json())
    tab.form.run_folder_edit.setText(str(taken))
    click(qtbot, tab.train_button)
    wait_until_idle(qtbot, tab)
    assert "already holds a run" in tab.error_label.text()
    assert tab.train_button.isEnabled() and tab.open_button.isEnabled()


# A trainer whose disk fills up at epoch 2: where a full disk shows for a buffered write, flushing it.
FULL_DISK_TRAINER = textwrap.dedent("""
    import errno, os, sys
    real_fsync = os.fsync

    def fsync_on_a_full_disk(fd):
        if "epoch-00002" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    os.fsync = fsync_on_a_full_disk
    from vaegui.training.trainer_process import main
    sys.exit(main())  # (at nice 0: this test does not look at priorities)
""")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds the file being written through /proc")
def test_a_full_disk_at_a_checkpoint_is_said_plainly_and_the_last_epoch_kept(qtbot, tmp_path):
    from vaegui.app.trainer_link import TrainerPool
    from vaegui.gui.common.job_runner import QtJobRunner

    pool = TrainerPool(QtJobRunner(), command=(sys.executable, "-c", FULL_DISK_TRAINER))
    tab = TrainingTab(AppState(trainers=pool), dataset="digits")
    qtbot.addWidget(tab)
    tab.runs_root = tmp_path / "runs"
    set_tiny_settings(tab, epochs=3)
    tab.show()
    try:
        click(qtbot, tab.train_button)
        wait_until_idle(qtbot, tab)
    finally:
        pool.end_all()
    folder = Path(tab.run.folder)
    assert tab.error_label.isVisible()
    assert tab.error_label.text() == (
        f"Could not save epoch 2 into {folder} (No space left on device). The run is intact up to epoch 1. "
        "Free some disk space or choose a writable folder, then continue training."
    )
    assert tab.loss_plot.epochs_drawn() == [1]
    assert Run.open(folder).epochs_completed == 1
    assert not list(folder.rglob("*.tmp*")), "no half-written temp file is left"
    assert tab.train_button.isEnabled() and tab.open_button.isEnabled()
