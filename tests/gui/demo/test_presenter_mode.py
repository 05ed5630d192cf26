"""Presenter mode in the real window: fonts 1.5×, thicker lines and bigger dots, expert settings hidden, full screen,
still fitting 1280×800 without scroll bars; leaving it puts everything back."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QComboBox, QLabel

from vaegui.gui.common.wording import wording
from vaegui.gui.training.training_tab import PLOTS

WAIT_MS = 120_000


@pytest.fixture(scope="module")
def run_z2(tmp_path_factory):
    from tests.conftest import train_tiny_run

    return train_tiny_run(tmp_path_factory.mktemp("runs") / "z2", z_dim=2)


@pytest.fixture
def presenting(window):
    """The window at 1280×800 in presenter mode (full screen off: the offscreen screen is 800×800)."""
    window.presenter.settings = replace(window.presenter.settings, full_screen=False)
    yield window
    window.presenter.set_active(False)


def _scroll_bars_shown(window) -> list[str]:
    return [f"{type(area).__name__} {bar.orientation().name}" for area in window.findChildren(QAbstractScrollArea)
            if area.isVisible() for bar in (area.horizontalScrollBar(), area.verticalScrollBar()) if bar.isVisible()]


def test_presenter_mode_scales_fonts_and_hides_expert_settings_and_back(presenting, qtbot):
    window = presenting
    label = window.training_tab.form.row_labels["epochs"]
    before = QApplication.font().pointSizeF(), label.font().pointSizeF(), window.training_tab.train_button.font()
    hint_sheet = window.explorer_tab.mu_only_label.styleSheet()
    experts = wording().expert_controls()
    assert experts and not any(widget.isHidden() for widget in experts)
    window.presenter_action.trigger()
    qtbot.wait(20)  # Qt posts the new font to the widgets
    assert window.presenter.active and window.presenter_action.isChecked()
    assert QApplication.font().pointSizeF() == pytest.approx(1.5 * before[0])
    assert label.font().pointSizeF() == pytest.approx(1.5 * before[1])
    assert window.training_tab.train_button.font().pointSizeF() == pytest.approx(1.5 * before[2].pointSizeF())
    assert "font-size: 16.5px" in window.explorer_tab.mu_only_label.styleSheet()  # was 11px
    assert all(widget.isHidden() for widget in experts)
    # The settings give their room to the plots (the map preview was squeezed to ~130 px); the presenter keeps the
    # buttons that run the demo.
    assert window.training_tab.form.isHidden() and window.training_tab.train_button.isVisibleTo(window)
    window.presenter_action.trigger()
    qtbot.wait(20)
    assert not window.presenter.active and not window.presenter_action.isChecked()
    assert QApplication.font().pointSizeF() == pytest.approx(before[0]) and label.font().pointSizeF() == before[1]
    assert window.explorer_tab.mu_only_label.styleSheet() == hint_sheet
    assert not any(widget.isHidden() for widget in experts)


def test_presenter_mode_says_what_the_model_learns_where_the_settings_were(presenting, qtbot):
    """The settings hidden left the column under Train, Pause and Stop empty: what the model learns from is said
    there, in plain words, while presenter mode is on."""
    from vaegui.gui.training.settings_summary import SettingsSummary

    window = presenting
    tab = window.training_tab
    tab.form.set_dataset("digits")
    tab.form.z_dim_box.setValue(2)
    summary = tab.findChild(SettingsSummary)
    assert summary is not None and summary.isHidden()  # the form says it all
    window.presenter_action.trigger()
    qtbot.waitUntil(summary.isVisible, timeout=2000)
    text = summary.text()
    assert "Small digits (built in)" in text and "Numbers per picture: 2" in text and "digits," not in text
    assert summary.geometry().top() >= tab.open_button.geometry().bottom()  # under the buttons
    window.presenter_action.trigger()
    qtbot.waitUntil(lambda: summary.isHidden(), timeout=2000)


def test_presenter_mode_draws_thicker_lines_bigger_dots_and_titles_and_back(presenting, qtbot, run_z2):
    window = presenting
    tab = window.training_tab
    window.state.tensorflow_loaded = True
    tab.open_run(str(run_z2.folder))
    qtbot.waitUntil(lambda: tab.run is not None and bool(tab.loss_plot.epochs_drawn()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.explorer_tab.explorer.shown is not None, timeout=WAIT_MS)
    curve = tab.loss_plot.epoch_curves["loss"]
    title = tab.loss_plot.loss_plot.titleLabel
    points = window.explorer_tab.map.points
    width, title_size, dot = curve.opts["pen"].widthF(), title.opts["size"], points.size_px
    fixed = [tab.kl_bars.plot_item.getAxis("left"), tab.latent_preview.plot_item.getAxis("left"),
             tab.loss_plot.loss_plot.getAxis("left")]
    axis_widths = [axis.maximumWidth() for axis in fixed]
    window.presenter.set_active(True)
    qtbot.wait(50)
    assert curve.opts["pen"].widthF() == pytest.approx(2 * width)
    assert points.size_px == round(1.6 * dot)
    titles = window.presenter.settings.title_scale  # 1.25: two plots share a row
    assert float(title.opts["size"][:-2]) == pytest.approx(titles * float(title_size[:-2]))
    # A plot drawn while presenting (the next epoch's KL bars title, say) is enlarged too.
    tab.kl_bars.show_values(3, np.array([3.1, 0.01]), np.array([1.0, 1.0]))
    qtbot.wait(50)
    assert float(tab.kl_bars.plot_item.titleLabel.opts["size"][:-2]) == pytest.approx(titles * float(title_size[:-2]))
    # The axes a view gave a fixed width hold their bigger numbers and their name side by side, not on each other.
    qtbot.wait(50)  # laid out at their new widths
    drawn, canvas = 0, QImage(8, 8, QImage.Format.Format_ARGB32)
    for axis in fixed:
        margin = axis.label.document().documentMargin()  # blank space around the name's letters
        name = axis.label.mapRectToParent(axis.label.boundingRect()).adjusted(margin, margin, -margin, -margin)
        painter = QPainter(canvas)
        _, _, numbers = axis.generateDrawSpecs(painter)  # where each tick's number is drawn, as painted
        painter.end()
        assert not any(rect.intersects(name) for rect, _, _ in numbers), (axis.labelText, name, numbers)
        drawn += len(numbers)
    assert drawn  # (an axis too short for any number draws none)
    window.presenter.set_active(False)
    assert curve.opts["pen"].widthF() == pytest.approx(width) and points.size_px == dot
    assert title.opts["size"] == title_size
    assert [axis.maximumWidth() for axis in fixed] == axis_widths
    qtbot.waitUntil(lambda: not window.explorer_tab.is_busy(), timeout=WAIT_MS)


def test_presenter_mode_fits_1280_by_800_without_scroll_bars_in_both_tabs(presenting, qtbot, run_z2):
    window = presenting
    window.state.tensorflow_loaded = True
    window.training_tab.open_run(str(run_z2.folder))
    qtbot.waitUntil(lambda: window.explorer_tab.explorer.shown is not None, timeout=WAIT_MS)
    window.presenter.set_active(True)
    for tab in (window.training_tab, window.explorer_tab):
        window.tabs.setCurrentWidget(tab)
        if tab is window.training_tab:
            tab.pages.setCurrentIndex(PLOTS)
        qtbot.wait(100)
        assert window.width() == 1280 and window.height() == 800
        assert window.minimumSizeHint().width() <= 1280 and window.minimumSizeHint().height() <= 800
        assert _scroll_bars_shown(window) == [], type(tab).__name__
        cut = [label.text()[:30] for label in tab.findChildren(QLabel) if label.isVisible() and label.text()
               and not label.wordWrap() and label.width() < label.minimumSizeHint().width()]
        assert cut == [], cut
        # A choice box shows its current choice whole at the bigger font (it was cut: "As they are (z1,").
        cut = [combo.currentText() for combo in tab.findChildren(QComboBox) if combo.isVisible()
               and combo.width() < combo.fontMetrics().horizontalAdvance(combo.currentText()) + 24]
        assert cut == [], cut
    qtbot.waitUntil(lambda: not window.explorer_tab.is_busy(), timeout=WAIT_MS)


def test_presenter_mode_goes_full_screen_and_back(window, qtbot):
    window.presenter_action.trigger()
    qtbot.waitUntil(window.isFullScreen)
    window.presenter_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert window.presenter_action.shortcut().toString() == "F11"


def test_presenter_mode_used_on_the_explorer_leaves_the_training_plots_inside_their_widgets(presenting, qtbot,
                                                                                           run_z2):
    """A walk: presenter mode switched on and off while the Explorer was shown left the Training tab's KL bars
    running off their widget's right edge (the title lost its end, the z2 bar was cut)."""
    window = presenting
    tab = window.training_tab
    window.state.tensorflow_loaded = True
    tab.open_run(str(run_z2.folder))
    qtbot.waitUntil(lambda: tab.run is not None and len(tab.kl_bars.values) > 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.explorer_tab.explorer.shown is not None, timeout=WAIT_MS)
    window.tabs.setCurrentWidget(window.explorer_tab)
    qtbot.wait(50)
    window.presenter.set_active(True)
    qtbot.wait(100)
    window.presenter.set_active(False)
    qtbot.wait(100)
    window.tabs.setCurrentWidget(tab)
    qtbot.wait(200)
    graphics = tab.loss_plot.graphics
    for view, item in ((tab.kl_bars, tab.kl_bars.plot_item), (tab.latent_preview, tab.latent_preview.plot_item),
                       (graphics, tab.loss_plot.loss_plot), (graphics, tab.loss_plot.kl_plot)):
        inside = view.viewport().rect()
        drawn = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        assert inside.contains(drawn.adjusted(1, 1, -1, -1)), (type(view).__name__, inside, drawn)
    qtbot.waitUntil(lambda: not window.explorer_tab.is_busy(), timeout=WAIT_MS)


def test_presenter_mode_keeps_each_map_choice_beside_its_label(presenting, qtbot):
    """A walk: with Pictures, How many and the hint hidden, the room they left went to the labels and boxes that
    remained: "Drawn", then its box ~200 pixels further on, boxes ~200 pixels wide for "Class"."""
    window = presenting
    window.resize(1280, 800)
    window.tabs.setCurrentWidget(window.explorer_tab)  # Compare's row is the same MapControls
    window.presenter.set_active(True)
    qtbot.wait(50)
    controls = window.explorer_tab.controls
    assert controls.isVisible() and controls.subset_combo.isHidden() and controls.mu_only_label.isHidden()
    layout = controls.layout()
    for combo in (controls.method_combo, controls.colour_combo):
        label = layout.itemAt(layout.indexOf(combo) - 1).widget()
        text_end = label.geometry().left() + label.fontMetrics().horizontalAdvance(label.text())
        assert 0 <= combo.geometry().left() - text_end <= 20, (label.text(), combo.geometry().left() - text_end)
        assert combo.width() <= combo.minimumWidth() + 4, (combo.currentText(), combo.width())
