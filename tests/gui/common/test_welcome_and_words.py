"""A first-time user's window: the Training tab's welcome trains, plain or expert labels, the glossary."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel

from vaegui.app.training_model import IDLE
from vaegui.gui.app_state import AppState, import_tensorflow
from vaegui.gui.common.wording import EXPERT_LABELS_KEY, Wording, app_settings, wording
from vaegui.gui.glossary_dialog import GlossaryDialog
from vaegui.gui.training.time_estimate import PACE_KEY
from vaegui.gui.training.training_tab import PLOTS, WELCOME, TrainingTab
from vaegui.training.first_run import dataset_title
from vaegui.words import CONCEPTS, concepts_shown, word

WAIT_MS = 180_000


@pytest.fixture(scope="module")
def device() -> str:
    return import_tensorflow()


def test_the_welcome_names_the_dataset_and_its_time_and_its_button_trains(qtbot, tmp_path, device):
    app_settings().remove(PACE_KEY.format(dataset="digits"))  # a first launch: this machine not yet timed
    state = AppState()
    tab = TrainingTab(state, dataset="digits")
    qtbot.addWidget(tab)
    tab.runs_root = tmp_path / "runs"
    tab.resize(1280, 760)
    tab.show()
    assert tab.pages.currentIndex() == WELCOME and not tab.loss_plot.isVisible()
    button = tab.welcome.train_button
    # No time is said before it is measured here: a constant from another machine said 15 s of a 51 s training.
    assert button.text() == f"Train a model on {dataset_title('digits')}" and tab.welcome.estimate is None
    # Pressable at once: TensorFlow loads in the trainer process meanwhile, and training starts once it is in.
    assert button.isEnabled()
    state.start_trainer()
    # A few batches are timed by the warm trainer; the button then says a range.
    qtbot.waitUntil(lambda: tab.welcome.estimate is not None, timeout=120_000)
    assert re.fullmatch(r"Train a model on the built-in digits\n\(about \d+(–\d+)? (s|min)\)", button.text()), \
        button.text()
    assert app_settings().value(PACE_KEY.format(dataset="digits"))  # remembered: the next launch says it at once
    # Another number of epochs: another estimate. Another model: no guess at all.
    before = tab.welcome.estimate
    tab.form.epochs_box.setValue(tab.form.epochs_box.value() * 2)
    assert tab.welcome.estimate[0] > before[0]
    tab.form.conv_filters_edit.setText("4,8")
    tab.form.conv_filters_edit.textEdited.emit("4,8")
    tab.form.dense_units_box.setValue(8)
    tab.form.epochs_box.setValue(1)
    tab.form.batch_size_box.setValue(64)
    assert tab.welcome.estimate is None and button.text() == f"Train a model on {dataset_title('digits')}"

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert tab.pages.currentIndex() == PLOTS  # the curves appear as training starts
    qtbot.waitUntil(lambda: tab.mode == IDLE and not tab.is_training(), timeout=WAIT_MS)
    assert not tab.error_label.isVisible(), tab.error_label.text()
    assert tab.model.epochs_completed == 1 and tab.loss_plot.epochs_drawn() == [1]
    assert tab.pages.currentIndex() == PLOTS
    tab.shutdown()


def test_the_status_line_growing_does_not_move_the_plots(window, qtbot):
    tab = window.training_tab
    tab.pages.setCurrentIndex(PLOTS)
    tab.status_label.setText("Device: CPU (2 cores)")
    qtbot.wait(50)
    before = tab.loss_plot.geometry()
    tab.status_label.setText("Device: CPU (2 cores)   ·   Run folder: " + "/a/rather/long/folder/name" * 4)
    qtbot.wait(50)
    assert tab.status_label.heightForWidth(tab.status_label.width()) > tab.fontMetrics().lineSpacing()  # two lines
    assert tab.loss_plot.geometry() == before


def test_the_device_line_stays_when_a_menu_is_browsed(window, qtbot):
    """Found by walking the app: the device line was a passing status message, wiped for good by the first
    menu item the pointer crossed (Qt shows each item's tip there, an empty one for an item without)."""
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QApplication

    window.state.trainer_ready.emit("CPU (2 cores)")
    assert window.device_label.text() == "Trains on CPU (2 cores)" and window.device_label.isVisible()
    for tip in ("Open a run trained before", ""):  # a menu item with a tip, then one without
        QApplication.sendEvent(window, QStatusTipEvent(tip))
    assert window.device_label.text() == "Trains on CPU (2 cores)" and window.device_label.isVisible()


def _texts(window) -> dict[str, str]:
    form, controls, point = window.training_tab.form, window.explorer_tab.controls, window.explorer_tab.point_panel
    return {
        "kl_weight": form.row_labels["kl_weight"].text(),
        "kl_strategy_item": form.kl_strategy_box.itemText(0),
        "loss_title": window.training_tab.loss_plot.loss_plot.titleLabel.text,
        "mu_only": controls.mu_only_checkbox.text(),
        "sample_posterior": point.sample_button.text(),
        "colour_error": controls.colour_combo.itemText(1),
    }


def test_expert_labels_switch_both_ways_and_is_remembered(window):
    plain = _texts(window)
    assert plain["kl_weight"] == "Map tidiness (β)" and plain["mu_only"] == "Centres only (mu-only)"
    assert plain["kl_strategy_item"] == "In the training step (default)"
    assert "How much the map is pulled into a tidy cloud (β)" in window.training_tab.form.kl_weight_edit.toolTip()
    window.expert_labels_action.trigger()
    expert = _texts(window)
    assert expert == {"kl_weight": "KL weight (β)", "kl_strategy_item": "Custom train_step (GradientTape)",
                      "loss_title": expert["loss_title"], "mu_only": "mu-only",
                      "sample_posterior": "Sample ×16 from the posterior", "colour_error": "Reconstruction error"}
    assert expert["loss_title"].startswith("Loss per image")
    # Remembered for the next session, and read back by a new Wording.
    assert app_settings().value(EXPERT_LABELS_KEY) == "true" and Wording().expert
    window.expert_labels_action.trigger()
    assert _texts(window) == plain
    assert app_settings().value(EXPERT_LABELS_KEY) == "false" and not Wording().expert
    # The tooltips say the same in both: what a setting does does not depend on its name.
    assert window.training_tab.form.kl_weight_edit.toolTip()


def test_every_settings_row_and_map_control_has_a_plain_label_and_a_tooltip(window):
    form = window.training_tab.form
    for key, label in form.row_labels.items():
        assert label.text() == word(key), key
        assert label.toolTip(), f"{key} has no tooltip"
    for child in window.explorer_tab.controls.findChildren(QLabel) + window.explorer_tab.findChildren(QCheckBox):
        if child.text():
            assert child.toolTip() or child is window.explorer_tab.controls.mu_only_label, child.text()
    assert set(wording().expert_controls()) >= {form.kl_strategy_box, form.conv_filters_edit, form.dense_units_box}


def test_help_glossary_explains_every_concept_the_labels_use(window, qtbot):
    window.glossary_action.trigger()
    dialog = window.glossary_dialog
    assert isinstance(dialog, GlossaryDialog) and dialog.isVisible()
    text = dialog.text.toPlainText()
    for key in concepts_shown():
        assert CONCEPTS[key].name in text, key
    dialog.filter_edit.setText("posterior")
    names = [entry.name for entry in dialog.entries()]
    assert CONCEPTS["posterior"].name in names and CONCEPTS["epoch"].name not in names
    assert len(names) < len(CONCEPTS)
    dialog.close()
