"""The Explorer tab driven like a person would: exports, other models and folders, following training, cancelling,
another run opened, fitting the view, the trust question."""
from __future__ import annotations

import csv
import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.gui.explorer.explorer_tab_helpers import (
    WAIT_MS,
    _choose,
    _click_map,
    _new_tab,
    _pixel_of,
    _ready_state,
    _shown,
    _wait_idle,
)
from vaegui.words import word


def test_exports_write_readable_files(open_tab, run_z2, tmp_path):
    from PySide6.QtGui import QImage

    tab = open_tab(run_z2)
    tab.export_map(tmp_path / "map.png")
    tab.export_map(tmp_path / "map.svg")
    tab.export_coordinates(tmp_path / "map.csv")
    tab.export_coordinates(tmp_path / "map.npz")
    image = QImage(str(tmp_path / "map.png"))
    assert not image.isNull() and image.width() >= 800
    svg = (tmp_path / "map.svg").read_text()
    assert svg.startswith("<?xml") and svg.count("<path") >= len(_shown(tab).latents)  # every point a vector symbol
    rows = list(csv.DictReader(open(tmp_path / "map.csv")))
    latents = _shown(tab).latents
    assert len(rows) == len(latents) and rows[0]["class"] == tab.explorer.loaded.class_names[latents.labels[0]]
    with np.load(tmp_path / "map.npz") as saved:
        np.testing.assert_array_equal(saved["coords"], _shown(tab).projection.coords)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.csv", "map.npz", "map.png", "map.svg"]


def test_foreign_keras_pair_opens_and_a_wrong_pair_gets_a_clear_message(qtbot, tmp_path):
    from tests.latent.test_foreign_model import _keras_io_pair

    _keras_io_pair(tmp_path)
    tab = _new_tab(qtbot)
    tab.explorer.set_subset(None)
    tab.open_foreign_model(tmp_path / "decoder.keras", tmp_path / "encoder.keras", "digits")
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=WAIT_MS)
    assert tab.message_label.isVisible() and "keras.io VAE layout" in tab.message_label.text()
    assert tab.explorer.loaded is None
    tab.open_foreign_model(tmp_path / "encoder.keras", tmp_path / "decoder.keras", "digits")
    _wait_idle(qtbot, tab)
    assert not tab.message_label.isVisible()
    assert tab.map.point_count() == len(tab.explorer.loaded.dataset.train)
    assert "encoder.keras" in tab.source_label.text()
    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, tab)
    np.testing.assert_array_equal(_shown(tab).latents.z, _shown(tab).latents.mu)


def test_a_folder_that_is_not_a_run_gets_a_message(qtbot, tmp_path):
    tab = _new_tab(qtbot)
    assert tab.pages.currentIndex() == 0  # the welcome page: no empty plot
    tab.open_run_folder(tmp_path)
    qtbot.waitUntil(lambda: tab.message_label.isVisible(), timeout=WAIT_MS)
    assert "not a vaegui run folder" in tab.message_label.text()
    assert tab.pages.currentIndex() == 0


def test_follows_the_training_tabs_run_and_its_new_checkpoints(qtbot, run_z2):
    state = _ready_state()
    tab = _new_tab(qtbot, state)
    state.run_opened.emit(str(run_z2.folder), run_z2.epochs_completed)
    _wait_idle(qtbot, tab)
    loaded = tab.explorer.loaded
    state.checkpoint_saved.emit(str(run_z2.folder), run_z2.epochs_completed)
    qtbot.waitUntil(lambda: not tab.is_busy() and tab.explorer.shown is not None, timeout=WAIT_MS)
    # The same model copies, weights reloaded in place (no new traces): the lane's by its own thread.
    assert tab.explorer.loaded.lane_vae is loaded.lane_vae and tab.explorer.loaded.viewer is loaded.viewer
    assert tab.explorer.loaded.weights_key == loaded.weights_key


def test_a_run_followed_before_its_first_epoch_says_so_until_it_has_one(qtbot, run_z2):
    state = _ready_state()
    tab = _new_tab(qtbot, state)
    state.run_opened.emit(str(run_z2.folder), 0)
    assert "no completed epoch yet" in tab.source_label.text() and not tab.is_busy()
    # Its epochs come while the Training tab is looked at (a walk read "no completed epoch yet" above a map, and
    # "The latent grid needs z_dim = 2" for a model of two numbers per picture, while it opened).
    tab.hide()
    state.checkpoint_saved.emit(str(run_z2.folder), run_z2.epochs_completed)
    assert "no completed epoch yet" not in tab.source_label.text()
    tab.show()
    qtbot.waitUntil(tab.is_busy, timeout=WAIT_MS)
    assert tab.source_label.text() == "Opening the model…" and tab.explorer.loaded is None
    assert "z_dim" not in tab.generation_panel.grid_note.text()
    _wait_idle(qtbot, tab)
    assert tab.source_label.text() == tab.explorer.loaded.describe()


def test_shutdown_cancels_a_running_tsne_within_two_seconds(open_tab, run_z4, qtbot):
    tab = open_tab(run_z4)
    tab.explorer.tsne_iterations = 5000
    _choose(qtbot, tab, tab.method_combo, "tsne", wait=False)
    job = tab.explorer.map_jobs.projecting[0]
    qtbot.waitUntil(lambda: tab.explorer.forming is not None, timeout=WAIT_MS)
    started = time.perf_counter()
    tab.shutdown()  # waits for nothing: the job sees its token at its next step
    from PySide6.QtCore import QThreadPool

    assert job.token.cancelled
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=2000)
    assert time.perf_counter() - started < 2.0


# ---- what a new user ran into (issue 13): each of these failed before ------------------------------


def test_cancelling_train_plus_test_brings_back_a_map_that_answers_clicks(open_tab, run_z4, qtbot):
    pytest.importorskip("openTSNE")  # sklearn's t-SNE cannot stop mid-way
    tab = open_tab(run_z4, subset=500)
    _choose(qtbot, tab, tab.method_combo, "tsne")
    tsne_map = _shown(tab)
    tab.explorer.tsne_iterations = 5000
    _choose(qtbot, tab, tab.split_combo, "both", wait=False)
    qtbot.waitUntil(lambda: tab.explorer.forming is not None, timeout=WAIT_MS)
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.runner.running() == 0, timeout=5_000)
    assert _shown(tab) is tsne_map and tab.split_combo.currentData() == "train"
    np.testing.assert_array_equal(tab.map.coords, tsne_map.projection.coords)
    assert tab.export_button.isEnabled()
    tab.map.view_box.updateAutoRange()
    qtbot.wait(20)
    _click_map(qtbot, tab, _pixel_of(tab, *tsne_map.projection.coords[11]))
    assert tab.selection.selected is not None and tab.point_panel.original.image is not None


def test_opening_the_lists_tab_keeps_the_selection(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    tab.selection.select_row(17)
    tab.side_tabs.setCurrentIndex(2)
    tab.worst_list.setFocus()
    qtbot.wait(50)
    assert tab.selection.selected.row == 17
    assert tab.point_panel.title.text().startswith("train #")


def test_another_run_clears_the_previous_models_pictures(open_tab, run_z2, run_z4, qtbot):
    tab = open_tab(run_z2)
    qtbot.mouseClick(tab.generation_panel.prior_button, Qt.MouseButton.LeftButton)
    tab.selection.select_row(3)
    assert tab.generation_panel.prior_images.images_shown() == 16
    tab.open_run_folder(run_z4.folder)
    _wait_idle(qtbot, tab)
    assert tab.generation_panel.prior_images.images_shown() == 0
    assert tab.point_panel.original.image is None and tab.point_panel.reconstruction.image is None


def test_fit_view_and_double_click_show_every_point_again(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    full = np.array(tab.map.view_box.viewRange())
    tab.map.view_box.scaleBy((0.1, 0.1))
    assert np.ptp(np.array(tab.map.view_box.viewRange())[0]) < 0.5 * np.ptp(full[0])
    qtbot.mouseClick(tab.fit_button, Qt.MouseButton.LeftButton)
    np.testing.assert_allclose(tab.map.view_box.viewRange(), full, rtol=0.05)
    tab.map.view_box.scaleBy((0.1, 0.1))
    _double_click(tab.map.plot_widget.viewport())
    qtbot.wait(50)
    np.testing.assert_allclose(tab.map.view_box.viewRange(), full, rtol=0.05)


def _double_click(widget):
    """What the window system sends for a person's double-click: press, release, double-click, release."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(widget.rect().center())
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
                 QEvent.Type.MouseButtonRelease):
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
        event = QMouseEvent(kind, centre, widget.mapToGlobal(centre), Qt.MouseButton.LeftButton, buttons,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)


def test_a_2d_run_opened_after_a_pca_map_shows_direct_with_its_whole_name(open_tab, run_z2, run_z4, qtbot):
    tab = open_tab(run_z4)
    assert tab.method_combo.currentData() == "pca"
    tab.open_run_folder(run_z2.folder)
    _wait_idle(qtbot, tab)
    assert tab.method_combo.currentData() == "direct" and _shown(tab).method == "direct"
    text = tab.method_combo.currentText()
    assert text == word("method_direct")
    assert tab.method_combo.width() >= tab.method_combo.fontMetrics().horizontalAdvance(text) + 20


def test_umap_is_listed_and_says_how_to_install_it_when_missing(open_tab, run_z4):
    import importlib.util

    tab = open_tab(run_z4)
    combo = tab.method_combo
    index = combo.findData("umap")
    assert index >= 0
    item = combo.model().item(index)
    if importlib.util.find_spec("umap") is None:
        assert not item.isEnabled() and "pip install umap-learn" in item.toolTip()
        assert "not installed" in item.text()
    else:
        assert item.isEnabled()


def test_the_dataset_question_offers_files_and_defaults_to_data_available_offline(qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

    from vaegui.data import offline_dataset_names
    from vaegui.gui.explorer import explorer_dialogs

    asked = {}

    def get_item(parent, title, label, items, current, editable):
        asked.update(items=items, current=current)
        return explorer_dialogs.DATA_FILE_CHOICE, True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(tmp_path / "codes.npz"), "*.npz"))
    parent = QWidget()
    qtbot.addWidget(parent)
    assert explorer_dialogs.ask_dataset(parent, "Which images?") == str(tmp_path / "codes.npz")
    assert asked["items"][asked["current"]] == offline_dataset_names()[0]  # never a download by default
    assert "mnist" not in asked["items"][: len(offline_dataset_names())] or "mnist" in offline_dataset_names()


def test_a_model_holding_code_is_opened_only_after_the_person_trusts_it(qtbot, tmp_path, monkeypatch):
    from tests.latent.test_foreign_model import _seed_pair
    from vaegui.gui.explorer import explorer_tab

    _seed_pair(tmp_path, sampling="lambda")
    answers = [False, True]
    asked = []
    monkeypatch.setattr(explorer_tab, "ask_trust", lambda parent, text: asked.append(text) or answers.pop(0))
    tab = _new_tab(qtbot)
    tab.open_foreign_model(tmp_path / "encoder.keras", tmp_path / "decoder.keras", "digits")
    qtbot.waitUntil(lambda: bool(asked) and not tab.is_busy(), timeout=WAIT_MS)
    assert "trust" in asked[0] and tab.explorer.loaded is None and "Not opened" in tab.message_label.text()
    tab.open_foreign_model(tmp_path / "encoder.keras", tmp_path / "decoder.keras", "digits")
    _wait_idle(qtbot, tab)
    assert len(asked) == 2 and tab.explorer.loaded.source.trust_code
    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)  # the Lambda became vaegui's Sampling
    _wait_idle(qtbot, tab)
    np.testing.assert_array_equal(_shown(tab).latents.z, _shown(tab).latents.mu)
