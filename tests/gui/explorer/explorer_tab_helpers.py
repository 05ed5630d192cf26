"""The Explorer tab's test helpers: tiny trained runs, a tab opened on one, pixels of map places, clicks."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from tests.conftest import train_tiny_run
from vaegui.gui.app_state import AppState
from vaegui.gui.explorer.explorer_tab import ExplorerTab

WAIT_MS = 60_000


@pytest.fixture(scope="module")
def run_z2(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("explorer") / "z2", z_dim=2)


@pytest.fixture(scope="module")
def run_z4(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("explorer") / "z4", z_dim=4)


@pytest.fixture(scope="module")
def run_z20(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("explorer") / "z20", z_dim=20)


def _wait_idle(qtbot, tab):
    qtbot.waitUntil(lambda: not tab.is_busy() and tab.explorer.shown is not None, timeout=WAIT_MS)
    # Let pyqtgraph apply its pending auto-range, so data ↔ pixel mapping is final before clicking.
    tab.map.view_box.updateAutoRange()
    qtbot.wait(20)


def _new_tab(qtbot, state=None):
    tab = ExplorerTab(state or _ready_state())
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    tab.explorer.tsne_iterations = 150
    return tab


def _ready_state():
    state = AppState()
    state.tensorflow_loaded = True
    return state


@pytest.fixture
def open_tab(qtbot):
    tabs = []

    def make(run, **choices):
        tab = _new_tab(qtbot)
        tabs.append(tab)
        tab.explorer.set_subset(choices.pop("subset", None))
        tab.explorer.set_split(choices.pop("split", "train"))
        tab.open_run_folder(run.folder)
        _wait_idle(qtbot, tab)
        return tab

    yield make
    for tab in tabs:  # a job still running (the errors' decoder pass a list asked for) must not outlive its tab
        tab.shutdown()


def _shown(tab):
    return tab.explorer.shown


def _decode(tab, vector):
    return tab.explorer.loaded.viewer.decode_one(vector)


def _pixel_of(tab, x, y) -> QPoint:
    scene = tab.map.view_box.mapViewToScene(QPointF(float(x), float(y)))
    view = tab.map.plot_widget.mapFromScene(scene)
    return QPoint(int(round(view.x())), int(round(view.y())))


def _click_map(qtbot, tab, pixel: QPoint):
    qtbot.mouseClick(tab.map.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pixel)


def _choose(qtbot, tab, combo, data, wait=True):
    tab.controls.choose(combo, data)
    if wait:
        _wait_idle(qtbot, tab)


def _empty_corner(tab):
    (x0, x1), (y0, y1) = tab.map.view_box.viewRange()
    pixel = _pixel_of(tab, x0 + 0.03 * (x1 - x0), y1 - 0.03 * (y1 - y0))  # a corner: no points there
    where = tab.map.view_box.mapSceneToView(tab.map.plot_widget.mapToScene(pixel))
    return pixel, where
