"""Presenter mode scales every text and key and cuts none: the Training tab's buttons, the Compare tab's welcome, the
map's class legend and mark key, the hover picture's caption (the window's size itself is checked on a real screen,
tests/screen/)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.screen.widget_fit import text_problems
from vaegui.gui.common.wording import app_settings
from vaegui.gui.training.time_estimate import PACE_KEY
from vaegui.gui.training.training_welcome import COLUMN_WIDTH
from vaegui.training.first_run import Pace

WAIT_MS = 120_000


@pytest.fixture
def presenting(window):
    window.presenter.settings = replace(window.presenter.settings, full_screen=False)
    yield window
    window.presenter.set_active(False)


def _cut_texts(root: QWidget) -> list[str]:
    return [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}: {problem}"
            for w in root.findChildren(QWidget) if w.isVisible() for problem in text_problems(w)]


def _legend_sizes(legend) -> list[str]:
    return [label.opts.get("size") or "" for _, label in legend.items]


def test_presenter_mode_cuts_no_button_of_the_training_tab(presenting, qtbot):
    """'Overlay run…' read 'Ove…un…' and 'Open run…' lost its end in presenter mode."""
    window = presenting
    window.tabs.setCurrentWidget(window.training_tab)
    window.presenter_action.trigger()
    qtbot.wait(100)
    assert _cut_texts(window.training_tab) == []
    overlay = window.training_tab.overlay_button
    assert overlay.width() >= overlay.fontMetrics().horizontalAdvance(overlay.text())


def test_presenter_mode_cuts_not_the_welcome_button_with_its_time(presenting, qtbot):
    """'Train a model on the built-in digits (about 10–20 s)' needed 660 px of a 582-px column when presenting."""
    window = presenting
    app_settings().setValue(PACE_KEY.format(dataset="digits"), json.dumps(Pace(0.4, 2.0, "training").to_dict()))
    window.training_tab.form.set_dataset("digits")
    window.training_tab.form.epochs_box.setValue(31)  # a form change: the welcome reads the remembered pace
    window.tabs.setCurrentWidget(window.training_tab)
    window.presenter_action.trigger()
    qtbot.wait(100)
    button = window.training_tab.welcome.train_button
    assert button.isVisible() and "about " in button.text()
    # Within the column's usual width: no widening of it (after the font change lands) is needed to show it whole.
    assert button.sizeHint().width() <= COLUMN_WIDTH
    assert _cut_texts(window.training_tab) == []


def test_presenter_mode_cuts_nothing_of_the_compare_tabs_welcome(presenting, qtbot):
    """Its text was sized to its lines in the small font: cut at the top and bottom once 1.5× bigger."""
    window = presenting
    window.tabs.setCurrentWidget(window.compare_tab)
    window.presenter_action.trigger()
    qtbot.wait(100)
    assert _cut_texts(window.compare_tab.pages.currentWidget()) == []


def test_presenter_mode_scales_the_maps_legend_key_and_hover_caption(presenting, qtbot, tiny_run):
    window = presenting
    window.state.tensorflow_loaded = True
    explorer = window.explorer_tab
    window.tabs.setCurrentWidget(explorer)
    explorer.follow_run(str(tiny_run.folder), 2, now=True)
    qtbot.waitUntil(lambda: explorer.explorer.shown is not None and not explorer.is_busy(), timeout=WAIT_MS)
    latent_map = explorer.map
    explorer.selection.select_row(0)  # the key shows the chosen picture's marks
    qtbot.waitUntil(lambda: latent_map.key.isVisible())
    legend_before, key_before = _legend_sizes(latent_map.legend), _legend_sizes(latent_map.key)
    window.presenter_action.trigger()
    qtbot.wait(100)

    def points(sizes: list[str]) -> list[float]:
        return [float(size[:-2]) if size.endswith("pt") else QApplication.font().pointSizeF() / 1.5
                for size in sizes]

    for before, legend in ((legend_before, latent_map.legend), (key_before, latent_map.key)):
        after = _legend_sizes(legend)
        assert len(after) == len(before) > 0
        assert all(a == pytest.approx(1.5 * b) for a, b in zip(points(after), points(before))), (before, after)

    # A long caption ('train #1177 · Ankle boot' read 'ı #1177 · Ankle'): the hover picture is as wide as it.
    latent_map.thumbnail_for = lambda row: (np.zeros((8, 8, 1), np.float32), "train #1177 · Ankle boot")
    viewport = latent_map.plot_widget.viewport()

    def hover_point_5() -> bool:
        # Moved again at each try, where the point is now: under load the view may still settle into presenter
        # mode's layout after the first move, as a hand's next move would find it.
        x, y = latent_map.coords[5]
        pixel = latent_map.plot_widget.mapFromScene(latent_map.view_box.mapViewToScene(QPointF(float(x), float(y))))
        qtbot.wait(20)  # past pyqtgraph's limit of 100 moves a second
        QApplication.sendEvent(viewport, QMouseEvent(QEvent.Type.MouseMove, QPointF(pixel), viewport.mapToGlobal(
            QPointF(pixel)), Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
        return latent_map.thumbnail.isVisible()

    qtbot.waitUntil(hover_point_5, timeout=5000)
    caption = latent_map.thumbnail_caption
    assert text_problems(caption) == []
    assert caption.width() >= caption.fontMetrics().horizontalAdvance(caption.text())


def test_presenter_mode_cuts_no_button_beside_a_runs_curves(presenting, qtbot, tiny_run):
    """With a run open (the curves' page), the buttons under the hidden settings keep their words."""
    window = presenting
    window.tabs.setCurrentWidget(window.training_tab)
    window.training_tab.open_run(tiny_run.folder)
    qtbot.waitUntil(lambda: window.training_tab.model.run is not None, timeout=WAIT_MS)
    window.tabs.setCurrentWidget(window.explorer_tab)  # presenter mode turned on in another tab (as in a demo)
    window.presenter_action.trigger()
    qtbot.wait(200)
    window.tabs.setCurrentWidget(window.training_tab)
    qtbot.wait(100)
    tab = window.training_tab
    assert [problem for button in (tab.open_button, tab.overlay_button, tab.train_button, tab.pause_button,
                                   tab.stop_button, tab.continue_button) for problem in text_problems(button)] == []
