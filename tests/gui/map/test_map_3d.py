"""The map in 3-D: its third main direction drawn turned, turned further by a real drag, and a click picks the point
nearest the cursor, all checked against a projection worked out here from the angles alone."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from vaegui.app.turntable import RADIANS_PER_PIXEL, START_TILT, START_TURN
from vaegui.gui.app_state import AppState
from vaegui.gui.explorer.explorer_tab import ExplorerTab

WAIT_MS = 60_000


@pytest.fixture
def tab_3d(qtbot, device, tiny_run_z4):
    state = AppState()
    state.tensorflow_loaded = True
    tab = ExplorerTab(state)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    tab.explorer.set_split("test")
    tab.open_run_folder(tiny_run_z4.folder)
    _wait_idle(qtbot, tab)
    qtbot.mouseClick(tab.controls.view_3d_checkbox, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, tab)
    yield tab
    tab.shutdown()


def _wait_idle(qtbot, tab):
    qtbot.waitUntil(lambda: not tab.is_busy() and tab.explorer.shown is not None and tab.explorer.forming is None,
                    timeout=WAIT_MS)
    qtbot.wait(20)


def _screen(coords3: np.ndarray, turn: float, tilt: float) -> np.ndarray:
    """Where a camera turned by `turn` about the upright axis, then tilted by `tilt`, sees the map's points."""
    centre = np.median(coords3, axis=0)
    x, y, z = (coords3 - centre).T
    turned_x, turned_z = np.cos(turn) * x + np.sin(turn) * z, -np.sin(turn) * x + np.cos(turn) * z
    return np.column_stack([turned_x, np.cos(tilt) * y - np.sin(tilt) * turned_z])


def _pixel_of(tab, x, y) -> QPoint:
    view = tab.map.plot_widget.mapFromScene(tab.map.view_box.mapViewToScene(QPointF(float(x), float(y))))
    return QPoint(int(round(view.x())), int(round(view.y())))


def test_a_3d_map_turns_with_a_drag_and_a_click_picks_the_point_under_the_cursor(tab_3d, qtbot):
    tab = tab_3d
    shown = tab.explorer.shown
    coords3 = shown.projection.coords
    assert shown.key.dims == 3 and coords3.shape == (len(shown.latents), 3)
    # Its three main directions: the projection of z onto them reproduces the coordinates.
    centred = shown.latents.z - shown.latents.z.mean(axis=0)
    axes = np.linalg.svd(centred, full_matrices=False)[2][:3]
    np.testing.assert_allclose(np.abs(centred @ axes.T), np.abs(coords3), atol=1e-3)
    np.testing.assert_allclose(tab.map.coords, _screen(coords3, START_TURN, START_TILT), atol=1e-4)
    assert tab.map.view_box.turning

    # A real drag across the viewport: press, moves, release. 60 pixels right turns it by 30 degrees.
    viewport = tab.map.plot_widget.viewport()
    start = QPoint(viewport.width() // 2, viewport.height() // 2)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 7):
        QTest.qWait(int(1000 / pg.getConfigOption("mouseRateLimit")) + 5)
        QTest.mouseMove(viewport, start + QPoint(10 * step, 0))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(60, 0))
    turn = tab.map_view.turned.turntable.turn
    np.testing.assert_allclose(turn, START_TURN + 60 * RADIANS_PER_PIXEL, atol=12 * RADIANS_PER_PIXEL)
    np.testing.assert_allclose(tab.map.coords, _screen(coords3, turn, START_TILT), atol=1e-4)
    assert tab.selection.selected is None  # turning decodes nothing

    # A click picks the point nearest the cursor, by the projection worked out here.
    qtbot.wait(150)
    tab.map.view_box.updateAutoRange()
    on_screen = _screen(coords3, turn, START_TILT)
    for row in np.random.default_rng(2).choice(len(on_screen), 3, replace=False):
        pixel = _pixel_of(tab, *on_screen[row])
        where = tab.map.view_box.mapSceneToView(tab.map.plot_widget.mapToScene(pixel))
        width, height = tab.map.view_box.viewPixelSize()
        offsets = (on_screen - (where.x(), where.y())) / (width, height)
        nearest = int(np.argmin(np.hypot(offsets[:, 0], offsets[:, 1])))
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
        assert tab.selection.selected.row == nearest
        # The chosen point's ring is drawn where the point is drawn, turned.
        ring = tab.map.selection.getData()
        np.testing.assert_allclose([ring[0][0], ring[1][0]], on_screen[nearest], atol=1e-4)


def test_nearer_points_are_drawn_over_farther_ones_and_farther_ones_are_dimmer():
    from PySide6.QtGui import QColor

    from vaegui.gui.map.depth_layers import DEPTH_SHADES
    from vaegui.gui.map.point_raster import _Points
    from vaegui.gui.map.raster_stamp import rasterize, symbol_footprint

    # Three points on one pixel at depths far, middle, near (given near first), coloured red, green, blue; and a
    # far green one alone on its pixel.
    pixels = np.array([[4.0, 4.0]] * 3 + [[1.0, 1.0]], np.float32)
    table = (0, *(QColor(name).rgba() for name in ("#ff0000", "#00ff00", "#0000ff")))
    points = _Points(pixels, np.array([0, 1, 2, 1], np.uint8), table, ("o",), None,
                     depth=np.array([-5.0, 5.0, 0.0, 5.0], np.float32))
    order = points.drawing_order()
    image = rasterize(pixels[order], order.astype(np.uint32), [symbol_footprint("o", 1)], None, 8, 8,
                      dtype=np.uint32)
    colours = points.row_colours()
    assert QColor.fromRgba(int(colours[image[4, 4]])).name() == "#ff0000"  # the nearest, full brightness
    far = QColor.fromRgba(int(colours[image[1, 1]]))
    assert far.green() == round(255 * DEPTH_SHADES[0]) and far.red() == far.blue() == 0  # the farthest, dimmest


def test_a_map_of_two_numbers_per_picture_cannot_be_turned_and_says_why(qtbot, device, tiny_run):
    """Found by a walk: with t-SNE chosen, 3-D on a model of 2 numbers per picture failed with a raw scikit-learn
    error ("n_components=3 must be between 0 and min(n_samples, n_features)=2"); with PCA it drew a third main
    direction the model does not have."""
    state = AppState()
    state.tensorflow_loaded = True
    tab = ExplorerTab(state)
    qtbot.addWidget(tab)
    tab.show()
    tab.explorer.set_split("test")
    tab.open_run_folder(tiny_run.folder)
    _wait_idle(qtbot, tab)
    tab.controls.choose(tab.controls.method_combo, "pca")
    _wait_idle(qtbot, tab)
    checkbox = tab.controls.view_3d_checkbox
    assert not checkbox.isEnabled() and "2 numbers per picture" in checkbox.toolTip()
    tab.explorer.set_dims(3)  # asked anyway (a script, the menu): refused in words, the map stays flat
    assert tab.explorer.settings.dims == 2 and not checkbox.isChecked()
    assert "3-D needs 3 or more" in tab.explorer.message
    assert tab.explorer.shown.key.dims == 2
    tab.shutdown()
