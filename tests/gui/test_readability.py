"""Readable at the default size (1280×800): plot heights, the Generate tab's width, plain ticks, text contrast."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from vaegui.gui.common.plot_style import PlainAxis, plain_number
from vaegui.gui.common.wording import wording
from vaegui.gui.explorer.explorer_tab import MAP
from vaegui.gui.training.latent_preview import LatentPreview
from vaegui.gui.training.loss_plot import LossPlot
from vaegui.gui.training.training_tab import PLOTS
from vaegui.palette import (
    DARK_HINT_TEXT,
    HINT_TEXT,
    LIGHT_PLOT_TEXT,
    MAP_BACKGROUND,
    VALUE_COLOURS,
    contrast_ratio,
)

COLOUR = re.compile(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})")
BACKGROUND = re.compile(r"background(?:-color)?:\s*(#[0-9a-fA-F]{3,6})")


@pytest.fixture(scope="module")
def run_z2(tmp_path_factory):
    from tests.conftest import train_tiny_run

    return train_tiny_run(tmp_path_factory.mktemp("runs") / "z2", z_dim=2)


def test_the_window_fits_1280_pixels_in_both_wordings_with_a_run_open(window, qtbot, run_z2):
    window.state.tensorflow_loaded = True  # the Explorer loads TensorFlow itself on its model's thread
    window.explorer_tab.follow_run(str(run_z2.folder), 2, now=True)  # as after training it
    qtbot.waitUntil(lambda: window.explorer_tab.explorer.loaded is not None, timeout=120_000)
    window.tabs.setCurrentWidget(window.explorer_tab)
    for expert in (False, True):
        wording().set_expert(expert)
        qtbot.wait(50)
        assert window.minimumSizeHint().width() <= 1280, f"expert labels {expert}"
        assert window.width() == 1280
    qtbot.waitUntil(lambda: not window.explorer_tab.is_busy(), timeout=120_000)


def test_loss_and_kl_plots_are_at_least_120_pixels_high_at_1280_by_800(window, qtbot):
    tab = window.training_tab
    tab.pages.setCurrentIndex(PLOTS)  # what training or opening a run shows
    qtbot.wait(100)
    for plot in (tab.loss_plot.loss_plot, tab.loss_plot.kl_plot):
        area = plot.getViewBox().sceneBoundingRect()  # where the curves are drawn, without axes and titles
        assert area.height() >= 120, area
        assert area.width() >= 250, area


def test_the_training_plots_fit_their_views_at_1280_by_800(window, qtbot):
    """No title, legend or axis is cut off at the right: each plot's items fit the view that shows them."""
    tab = window.training_tab
    tab.pages.setCurrentIndex(PLOTS)
    tab.kl_bars.show_values(10, np.array([3.1, 2.7]), np.array([1.0, 1.0]))
    tab.latent_preview.show_codes(10, np.random.default_rng(0).normal(size=(857, 2)), np.arange(857) % 10, "z")
    tab.latent_preview.set_class_names(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                                        "Sneaker", "Bag", "Ankle boot"])
    tab.latent_preview.show_codes(10, np.random.default_rng(0).normal(size=(857, 2)), np.arange(857) % 10, "z")
    for expert in (False, True):
        wording().set_expert(expert)
        qtbot.wait(100)
        for view, item in ((tab.loss_plot.graphics, tab.loss_plot.graphics.ci), (tab.kl_bars, tab.kl_bars.plot_item),
                           (tab.latent_preview, tab.latent_preview.plot_item)):
            drawn = item.sceneBoundingRect()
            assert drawn.width() <= view.viewport().width() + 1, (type(view).__name__, expert, drawn)
        legend = tab.latent_preview.legend.sceneBoundingRect()
        assert legend.right() <= tab.latent_preview.plot_item.getViewBox().sceneBoundingRect().right() + 1


def test_the_generate_tab_fits_its_panel_at_1280_by_800(window, qtbot):
    explorer = window.explorer_tab
    window.tabs.setCurrentWidget(explorer)
    explorer.pages.setCurrentIndex(MAP)  # as when a model is open
    side = explorer.side_tabs
    side.setCurrentIndex(3)
    panel = explorer.generation_panel
    # Everything the tab can show: 16 prior samples, an interpolation strip, a 15 × 15 latent grid of 8×8 digits.
    rng = np.random.default_rng(0)
    panel.prior_images.set_images(rng.random((16, 8, 8, 1)))
    panel.strip.set_images(rng.random((10, 8, 8, 1)))
    panel.show_grid(rng.random((15 * 9 + 1, 15 * 9 + 1, 1)), "15 × 15 places over the visible map")
    qtbot.wait(100)
    scroll = side.currentWidget()
    assert side.tabText(3) == "Generate"
    assert not scroll.horizontalScrollBar().isVisible()
    assert panel.minimumSizeHint().width() <= scroll.viewport().width()
    assert panel.grid_image.pixmap().width() >= 300  # the grid still fills the panel's width


def test_ticks_are_plain_numbers():
    axis = PlainAxis("left")
    assert axis.logTickStrings([0.0, 1.0, np.log10(40.0), -0.30103], 1, 1) == ["1", "10", "40", "0.5"]
    assert [plain_number(v) for v in (2500.0, 0.003, 123.456, 1e-6)] == ["2,500", "0.003", "123", "1e-06"]


def test_small_coordinates_keep_their_numbers_on_the_ticks(qtbot):
    preview = LatentPreview()
    qtbot.addWidget(preview)
    preview.resize(400, 300)
    preview.show()
    coords = np.random.default_rng(0).normal(size=(50, 2)).astype(np.float32) * 0.001
    preview.show_codes(1, coords, None, "z")
    qtbot.wait(50)
    for side, name in (("bottom", "z1"), ("left", "z2")):
        axis = preview.plot_item.getAxis(side)
        assert axis.autoSIPrefixScale == 1.0  # pyqtgraph would write "z1 (x0.001)" and ticks from -2 to 2
        assert axis.labelText == name
    preview.show_codes(2, coords, None, "PC")
    assert preview.plot_item.getAxis("bottom").labelText == "main direction 1 (PC 1)"


def test_log_scale_curves_read_plainly(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(900, 400)
    plot.show()
    for epoch in (1, 2, 3):
        plot.add_epoch({"epoch": epoch, "loss": 400.0 / epoch, "reconstruction_loss": 390.0 / epoch,
                        "kl_loss": 4.0 * epoch})
    plot.flush()
    plot.set_log_scale(True)
    qtbot.wait(50)
    axis = plot.loss_plot.getAxis("left")
    (low, high) = plot.loss_plot.getViewBox().viewRange()[1]
    strings = [s for _, level in axis.tickValues(low, high, axis.height()) for s in axis.tickStrings(level, 1, 1)]
    assert strings and not any("·" in s or "10" in s and "¹" in s for s in strings), strings
    assert all(re.fullmatch(r"[\d,.]+", s) for s in strings), strings


def test_the_value_colours_are_visible_on_the_map():
    assert min(contrast_ratio(colour, MAP_BACKGROUND) for colour in VALUE_COLOURS) >= 3.0  # WCAG 1.4.11
    assert contrast_ratio("#440154", MAP_BACKGROUND) < 1.5  # viridis' own darkest step, which was invisible


def test_hint_text_colours_meet_wcag_aa():
    assert contrast_ratio(HINT_TEXT, "#efefef") >= 4.5 and contrast_ratio(HINT_TEXT, "#ffffff") >= 4.5
    assert contrast_ratio(LIGHT_PLOT_TEXT, "#ffffff") >= 4.5
    assert contrast_ratio(DARK_HINT_TEXT, MAP_BACKGROUND) >= 4.5


def _full_hex(colour: str) -> str:
    return "#" + "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour


def _background(widget: QWidget) -> str:
    """The colour behind a widget's text: its own or an ancestor's style sheet background, else the palette's."""
    current = widget
    while current is not None:
        found = BACKGROUND.search(current.styleSheet())
        if found:
            return _full_hex(found.group(1))
        current = current.parentWidget()
    return widget.palette().color(widget.backgroundRole()).name()


def test_every_coloured_text_in_the_window_meets_wcag_aa(window):
    """Each label or button whose style sheet sets a text colour, against what is behind it: at least 4.5:1."""
    checked = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        found = COLOUR.search(widget.styleSheet())
        if not found:
            continue
        ratio = contrast_ratio(_full_hex(found.group(1)), _background(widget))
        checked.append(widget)
        assert ratio >= 4.5, f"{widget.text()[:40]!r}: {found.group(1)} on {_background(widget)} is {ratio:.2f}:1"
    assert len(checked) >= 10  # hints, captions, headings and messages were found and checked


@pytest.mark.parametrize("tab_index", [0, 1, 2])
def test_no_wrapped_text_is_cut_on_any_welcome_page(window, qtbot, tab_index):
    """Each visible wrapped label is as tall as its lines need (the Explorer's welcome drew its first line under
    the title: a wrapped label placed with an alignment got its one-line height)."""
    window.tabs.setCurrentIndex(tab_index)
    qtbot.wait(100)
    labels = [label for label in window.tabs.currentWidget().findChildren(QLabel)
              if label.isVisible() and label.wordWrap() and label.text()]
    assert labels
    for label in labels:
        assert label.height() >= label.heightForWidth(label.width()), label.text()[:60]


@pytest.mark.parametrize("tab_index", [0, 1])  # the Compare tab shows its boxes once two runs are open
def test_every_choice_box_shows_its_current_choice_whole(window, qtbot, tab_index):
    """The Explorer's "How many" read "10 00(": its width was fitted to "All", the choice before the first render."""
    from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox

    window.tabs.setCurrentIndex(tab_index)
    qtbot.wait(50)
    combos = [c for c in window.tabs.currentWidget().findChildren(QComboBox) if c.isVisible() and c.currentText()]
    assert combos
    for combo in combos:
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, combo)
        assert field.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText()), combo.currentText()
