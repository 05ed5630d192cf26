"""The Training tab driven like a person would: runs reopened, continued and overlaid, exports, the File menu,
closing the window mid-training, the Explorer following along."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import tiny_config
from tests.gui.conftest import set_tiny_settings
from tests.gui.training.training_tab_helpers import (
    TRAIN_IMAGES,
    WAIT_MS,
    click,
    csv_rows,
    long_training_window,
    saved_state,
    wait_until_idle,
)
from vaegui.runs import Run


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
    # Scrubbed back to epoch 1 before continuing (seen in a demo: the views stayed on epoch 1 while it trained on).
    tab.epoch_slider.setValue(1)
    assert tab.latent_preview.shown_epoch == 1

    tab.form.epochs_box.setValue(3)
    click(qtbot, tab.continue_button)
    assert tab.epoch_slider.value() == 2 and tab.latent_preview.shown_epoch == 2  # Continue: back to the latest
    wait_until_idle(qtbot, tab)
    qtbot.waitUntil(lambda: not tab.learning_views_pending(), timeout=WAIT_MS)
    assert tab.epoch_slider.value() == 3 and tab.latent_preview.shown_epoch == 3 and tab.samples.shown_epoch == 3
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
    assert "directions in use" in tab.views.quality_label.text()
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
    window = long_training_window(qtbot, tmp_path)
    tab = window.training_tab
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
    logger = logging.getLogger("tensorflow")
    logger.addHandler(handler)
    level, _ = logger.level, logger.setLevel(logging.WARNING)  # the app keeps these off the terminal: heard here
    # TensorFlow counts retracings per Python function across every model of the process (an earlier test's
    # included): count this test's own.
    from tensorflow.python.eager.polymorphic_function import polymorphic_function

    polymorphic_function._frequent_tracing_detector_manager._detectors.clear()
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
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert not [m for m in messages if "retracing" in m], messages
    names = {name for name, _ in emitted}
    for expected in ("TrainingModel.curves_changed", "TrainingModel.epochs_changed", "RunFollower.epoch_saved",
                     "TrainerProcess.event", "ExplorerModel.source_changed", "SelectionModel.generated_changed"):
        assert expected in names, sorted(names)
    assert [name for name, gui in emitted if not gui] == []
