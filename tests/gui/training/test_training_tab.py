"""The Training tab driven like a person would: real widgets, real tiny Keras models trained on digits."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.conftest import tiny_config
from tests.gui.conftest import set_tiny_settings
from vaegui.app.training_model import IDLE, PAUSED, TRAINING
from vaegui.gui.app_state import AppState
from vaegui.gui.training.epoch_views_panel import VIEW_STAGGER_MS
from vaegui.gui.training.training_tab import TrainingTab
from vaegui.runs import Run

TRAIN_IMAGES = 1617  # digits minus its 10 % test split
TEST_IMAGES = 180
WAIT_MS = 180_000  # the machine is slow and shared; each wait ends as soon as its condition holds


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_until_idle(qtbot, tab: TrainingTab) -> None:
    qtbot.waitUntil(lambda: tab.mode == IDLE and not tab.is_training(), timeout=WAIT_MS)


def saved_state(folder: Path) -> dict:
    return json.loads((folder / "state.json").read_text())


def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_train_can_be_pressed_before_the_trainer_has_loaded_tensorflow(qtbot, device):
    # TensorFlow loads in the trainer process, not in the window: Train waits for nothing.
    state = AppState()
    state.trainer_ready_now = False
    tab = TrainingTab(state)
    qtbot.addWidget(tab)
    assert tab.train_button.text() == "Train" and tab.train_button.isEnabled()
    assert "still starting in the trainer" in tab.train_button.toolTip()
    state.trainer_ready_now, state.device = True, device
    state.trainer_ready.emit(device)
    assert tab.train_button.text() == "Train" and "still starting" not in tab.train_button.toolTip()
    assert device in tab.status_label.text()


def test_failed_tensorflow_import_is_said_plainly(qtbot):
    state = AppState()
    tab = TrainingTab(state)
    qtbot.addWidget(tab)
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
    trainer_group = autogroup(tab.follower.trainer.pid)
    click(qtbot, tab.stop_button)
    wait_until_idle(qtbot, tab)
    # Every thread of the trainer (TensorFlow's pools included) runs lowered; none of the window's was touched.
    assert len(trainer) >= 3 and set(trainer.values()) == {TRAINER_NICE}, trainer
    assert {window_before.get(t, n) for t, n in window.items()} == set(window.values()) == {0}, window
    # Linux shares the CPU between sessions first (autogroups) and ranks by niceness only inside one: the trainer,
    # in a session of its own, lowers its session too, or it would compete with the window as an equal.
    if window_group is not None:
        assert trainer_group is not None and trainer_group[0] != window_group[0], (trainer_group, window_group)
        assert trainer_group[1] == TRAINER_NICE and window_group[1] == window_group_before[1], (trainer_group,
                                                                                             window_group)


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
    qtbot.wait(1000)  # a batch in flight and its signal land first
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


def trained_run_folder(tmp_path: Path, epochs: int = 2, name: str = "earlier") -> Path:
    from vaegui.data import load_dataset
    from vaegui.training import TrainingSession

    folder = tmp_path / name
    run = Run.create(folder, tiny_config(epochs=epochs))
    TrainingSession(run, load_dataset("digits", seed=1), probe_size=50).run()
    return folder


def test_open_run_restores_settings_and_curves_then_continues(qtbot, tab, tmp_path):
    folder = trained_run_folder(tmp_path)
    tab.form.z_dim_box.setValue(7)
    tab.open_run(folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    run = tab.run
    assert tab.form.z_dim_box.value() == 2 and tab.form.conv_filters_edit.text() == "4,8"
    assert tab.loss_plot.epochs_drawn() == [1, 2]
    assert tab.loss_plot.batch_point_count() == len(run.batch_history) == 2 * math.ceil(TRAIN_IMAGES / 64)
    assert "2 of 2 epochs" in tab.progress_bar.text()
    assert not tab.continue_button.isEnabled()  # already at its epoch count

    tab.form.epochs_box.setValue(3)
    click(qtbot, tab.continue_button)
    wait_until_idle(qtbot, tab)
    assert not tab.error_label.isVisible(), tab.error_label.text()
    assert tab.model.epochs_completed == 3
    assert tab.loss_plot.epochs_drawn() == [1, 2, 3]
    assert [int(r["epoch"]) for r in csv_rows(folder / "history.csv")] == [1, 2, 3]
    assert json.loads((folder / "config.json").read_text())["training"]["epochs"] == 3
    # Every epoch's pictures: the two kept in the folder, and the one just trained.
    assert sorted(tab.model.epochs) == [1, 2, 3]


def test_a_reopened_run_shows_every_view_at_its_last_epoch_and_replays_them(qtbot, tab, tmp_path):
    import shutil

    folder = trained_run_folder(tmp_path, epochs=3)  # trained headless, as `vaegui train` does
    tab.open_run(folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    assert sorted(tab.model.epochs) == [1, 2, 3]
    assert tab.latent_preview.shown_epoch == 3 and tab.latent_preview.point_count == 50
    assert tab.samples.shown_epoch == 3 and tab.samples.picture.pixmap() is not None
    assert len(tab.kl_bars.values) == 2 and "epoch 3" in tab.kl_bars.plot_item.titleLabel.text
    assert tab.epoch_slider.isEnabled() and "Epoch 3 of 3" in tab.epoch_label.text()
    tab.epoch_slider.setValue(1)
    assert tab.latent_preview.shown_epoch == 1 and tab.samples.shown_epoch == 1
    np.testing.assert_allclose(tab.kl_bars.values, tab.model.epochs[1].kl_per_dim, rtol=1e-6)
    assert not tab.views.note.isVisible()

    # A run saved before vaegui kept its epochs' pictures opens too, and says why they are missing;
    # nothing of the previous run stays on screen.
    old = tmp_path / "old-run"
    shutil.copytree(folder, old)
    shutil.rmtree(old / "epochs")
    tab.open_run(old)
    qtbot.waitUntil(lambda: tab.run is not None and tab.run.folder == old, timeout=WAIT_MS)
    assert tab.model.epochs == {} and tab.latent_preview.point_count == 0 and tab.samples.shown_epoch is None
    assert len(tab.kl_bars.values) == 0 and not tab.epoch_slider.isEnabled()
    assert tab.views.note.isVisible() and "older vaegui" in tab.views.note.text()
    assert tab.loss_plot.epochs_drawn() == [1, 2, 3]


def test_a_reopened_run_whose_history_was_cut_says_what_was_restored(qtbot, tab, tmp_path, tiny_run):
    import shutil

    folder = Path(shutil.copytree(tiny_run.folder, tmp_path / "cut"))
    text = (folder / "history.csv").read_text()
    (folder / "history.csv").write_text(text[: text.rstrip("\n").rfind("\n") + 20])  # cut inside epoch 2's row
    tab.open_run(folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    assert [int(row["epoch"]) for row in tab.model.history] == [1, 2]
    assert "it lacked epoch 2. Epoch 2 was restored from the TensorBoard logs" in tab.status_label.text()


def test_the_views_warn_in_plain_words_when_the_encoders_units_die(qtbot, tab, tmp_path):
    from dataclasses import replace

    from vaegui.runs.snapshot import RunSnapshot

    folder = trained_run_folder(tmp_path, epochs=2)
    snapshot = RunSnapshot.read(folder)
    assert "knn_accuracy" in snapshot.views[2].quality and not tab.views.warning_label.isVisible()
    healthy = replace(snapshot.views[1], quality={**snapshot.views[1].quality, "active_units": 2.0,
                                                   "dead_hidden_units": 0.0})
    dying = replace(snapshot.views[2], quality={**snapshot.views[2].quality, "hidden_units": 8.0,
                                                 "dead_hidden_units": 7.0})
    tab.model.show_run(replace(snapshot, views={1: healthy, 2: dying}))
    assert tab.views.warning_label.isVisible() and "7 of 8" in tab.views.warning_label.text()
    assert "dimensions in use" in tab.views.quality_label.text()
    tab.epoch_slider.setValue(1)  # epoch 1 is fine: the warning is that epoch's
    assert not tab.views.warning_label.isVisible()


def test_overlay_and_exports(qtbot, tab, tmp_path):
    folder, other = trained_run_folder(tmp_path), trained_run_folder(tmp_path, epochs=3, name="other")
    tab.open_run(folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    tab.open_run(other, overlay=True)
    qtbot.waitUntil(lambda: len(tab.loss_plot.overlay_curves) == 3, timeout=WAIT_MS)
    x, y = tab.loss_plot.overlay_curves[0].getData()
    assert list(x) == [1, 2, 3] and np.all(np.isfinite(y))

    png, svg, table = tmp_path / "curves.png", tmp_path / "curves.svg", tmp_path / "history.csv"
    assert tab.export_curves(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert tab.export_curves(svg)
    assert "<svg" in svg.read_text()
    assert tab.export_history_csv(table)
    rows = csv_rows(table)
    assert [int(r["epoch"]) for r in rows] == [1, 2]
    assert float(rows[1]["loss"]) == pytest.approx(tab.model.history[1]["loss"], rel=1e-6)
    assert not tab.export_curves(tmp_path / "curves.bmp")
    assert ".png or .svg" in tab.error_label.text()
    assert not list(tmp_path.glob(".*tmp*")), "no temp files left behind"


def test_an_overlay_can_be_removed_and_goes_when_its_run_is_opened(qtbot, tab, tmp_path):
    folder, other = trained_run_folder(tmp_path), trained_run_folder(tmp_path, epochs=3, name="other")
    tab.open_run(folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    tab.open_run(other, overlay=True)
    qtbot.waitUntil(lambda: len(tab.loss_plot.overlay_curves) == 3, timeout=WAIT_MS)
    remove = [a for a in tab.overlay_menu.actions() if a.text() == "Remove other"]
    assert remove and tab.overlay_button.text() == "Overlays (1)"
    remove[0].trigger()
    assert tab.loss_plot.overlay_curves == [] and tab.model.overlays == []
    assert not [a for a in tab.overlay_menu.actions() if a.text().startswith("Remove")]
    # Overlaid, then opened itself: it is the run now, not an overlay drawn over itself.
    tab.open_run(other, overlay=True)
    qtbot.waitUntil(lambda: len(tab.loss_plot.overlay_curves) == 3, timeout=WAIT_MS)
    tab.open_run(other)
    qtbot.waitUntil(lambda: tab.run is not None and tab.run.folder == other, timeout=WAIT_MS)
    assert tab.loss_plot.overlay_curves == [] and tab.loss_plot.epochs_drawn() == [1, 2, 3]


def test_the_file_menu_follows_the_buttons(qtbot, tmp_path, device):
    from vaegui.gui.main_window import MainWindow

    window = MainWindow(dataset="digits")
    qtbot.addWidget(window)
    window.state.tensorflow_loaded, window.state.device = True, device
    window.state.tensorflow_ready.emit(device)
    tab = window.training_tab
    tab.runs_root = tmp_path
    set_tiny_settings(tab, epochs=1000)
    menu = window.menuBar().actions()[0].menu()
    open_item = next(a for a in menu.actions() if a.text() == "Open run…")
    assert open_item.isEnabled() and tab.open_button.isEnabled()
    click(qtbot, tab.train_button)
    assert not open_item.isEnabled() and not tab.open_button.isEnabled()  # both, not only the button
    click(qtbot, tab.stop_button)
    wait_until_idle(qtbot, tab)
    assert open_item.isEnabled() and tab.open_button.isEnabled()


def test_opening_a_folder_that_is_not_a_run_says_so(qtbot, tab, tmp_path):
    tab.open_run(tmp_path)
    qtbot.waitUntil(tab.error_label.isVisible, timeout=WAIT_MS)
    assert "not a vaegui run folder" in tab.error_label.text()
    assert tab.run is None


def test_closing_the_window_mid_training_stops_the_trainer_and_keeps_the_last_epoch(qtbot, tmp_path, device):
    from vaegui.gui.main_window import MainWindow

    window = MainWindow(dataset="digits")
    qtbot.addWidget(window)
    window.show()
    tab = window.training_tab
    tab.runs_root = tmp_path
    set_tiny_settings(tab, epochs=1000)
    click(qtbot, tab.train_button)
    qtbot.waitUntil(lambda: tab.model.epochs_completed >= 1, timeout=WAIT_MS)
    trainer = tab.follower.trainer.process
    started = time.perf_counter()
    window.close()
    closing = time.perf_counter() - started
    assert not window.isVisible() and closing < 0.5, f"closing took {closing:.2f} s"
    trainer.wait(timeout=30)  # told to stop: it ends at its next batch, on its own
    assert trainer.returncode == 0
    folder = Path(tab.run.folder)
    state = saved_state(folder)
    assert 1 <= state["epochs_completed"] < 1000
    assert (folder / f"{state['checkpoint']}.weights.h5").is_file()
    assert len(csv_rows(folder / "history.csv")) == state["epochs_completed"]
    assert not (folder / "lock.json").exists()


def test_the_explorer_follows_training_on_the_gui_thread_without_retracing_warnings(qtbot, tmp_path, device):
    import logging

    from tests.gui.common.test_gui_thread import watch_signals
    from vaegui.gui.main_window import MainWindow

    messages = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logging.getLogger("tensorflow").addHandler(handler)
    emitted: list[tuple[str, bool]] = []
    try:
        window = MainWindow(dataset="digits")
        qtbot.addWidget(window)
        window.state.tensorflow_loaded, window.state.device = True, device
        window.state.tensorflow_ready.emit(device)
        window.show()
        tab, explorer = window.training_tab, window.explorer_tab
        tab.runs_root = tmp_path
        set_tiny_settings(tab, epochs=4)
        window.tabs.setCurrentWidget(explorer)  # someone watches the map while it trains
        # Every signal of the state models the views render, and of the trainer: on the GUI thread only.
        for model in (tab.model, tab.follower, window.state.trainers, explorer.explorer, explorer.selection):
            assert watch_signals(model, emitted)
        window.state.trainers.prewarm()
        watch_signals(window.state.trainers.idle, emitted)  # the trainer this training takes
        assert tab.start_training()
        wait_until_idle(qtbot, tab)
        qtbot.waitUntil(lambda: not explorer.is_busy() and explorer.explorer.loaded is not None
                        and explorer.explorer.loaded.epoch == 4 and explorer.explorer.shown is not None,
                        timeout=WAIT_MS)
        # And what a person does on the map meanwhile: each a decode of another count of vectors.
        selection = explorer.selection
        for row, per_side in zip(range(6), (4, 6, 9, 12, 15, 20)):
            selection.select_row(row)
            selection.sample_posterior()
            selection.sample_prior()
            selection.decode_grid(per_side, ((-2.0, 2.0), (-2.0, 2.0)))
    finally:
        logging.getLogger("tensorflow").removeHandler(handler)
    assert not [m for m in messages if "retracing" in m], messages
    names = {name for name, _ in emitted}
    for expected in ("TrainingModel.curves_changed", "TrainingModel.epochs_changed", "RunFollower.epoch_saved",
                     "TrainerProcess.event", "ExplorerModel.source_changed", "SelectionModel.generated_changed"):
        assert expected in names, sorted(names)
    assert [name for name, gui in emitted if not gui] == []
