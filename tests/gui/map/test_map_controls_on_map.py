"""The map's own controls: dimmed and hidden points (recoloured at once, hidden ones not picked), and clicks on the
class legend and the key that act on what they show and never reach the map under them (issue 24 item 5)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from tests.gui.map.test_latent_map import _colours_on_screen, _pixel_of, _wait_drawn
from vaegui.gui.map.latent_map import LatentMap
from vaegui.gui.map.map_overlays import GridLines
from vaegui.gui.map.point_raster import BACKGROUND_RGB, DIM_SHARE, DIMMED, HIDDEN, NORMAL

COLOURS = ["#ff0000", "#00ff00", "#0000ff"]


@pytest.fixture
def latent_map(qtbot):
    widget = LatentMap()
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    coords = np.array([[0, 0], [1, 1], [2, 0], [1, -1], [0.5, 0.5]], np.float32)
    widget.set_points(coords, np.array([0, 1, 1, 2, 2]), COLOURS, ["a", "b", "c"])
    widget.view_box.updateAutoRange()
    _wait_drawn(qtbot, widget)
    return widget


def _dim(colour: str) -> str:
    rgb = np.array(QColor(colour).getRgb()[:3])
    return QColor(*np.rint(np.array(BACKGROUND_RGB) + DIM_SHARE * (rgb - BACKGROUND_RGB)).astype(int)).name()


def test_dimmed_points_are_recoloured_at_once_and_hidden_ones_vanish_and_cannot_be_picked(latent_map, qtbot):
    states = np.array([NORMAL, DIMMED, NORMAL, HIDDEN, DIMMED], np.uint8)
    latent_map.set_emphasis(states)
    # Before the new image is drawn (off the GUI thread) the one on screen already shows it: a table look-up.
    seen = _colours_on_screen(latent_map, latent_map.coords)
    behind = {QColor(*BACKGROUND_RGB).name(), *GridLines.SHADES}  # the hidden point: what lies under it shows
    assert seen[:3] == ["#ff0000", _dim("#00ff00"), "#00ff00"] and seen[3] in behind
    _wait_drawn(qtbot, latent_map)
    assert _colours_on_screen(latent_map, latent_map.coords)[:4] == seen[:4]
    pixel_width, _ = latent_map.view_box.viewPixelSize()
    assert latent_map.pick(1.0, -1.0) is None and latent_map.pick(1.0 + pixel_width, 1.0) == 1
    latent_map.set_emphasis(None)
    assert _colours_on_screen(latent_map, latent_map.coords)[1] == "#00ff00"  # undimmed at once too
    _wait_drawn(qtbot, latent_map)  # the hidden point was not drawn: it comes back with the next image
    assert _colours_on_screen(latent_map, latent_map.coords) == latent_map.point_brush_colours()
    assert latent_map.pick(1.0, -1.0) == 3


def double_click(widget, pixel) -> None:
    """What the window system sends for a person's double-click: press, release, double-click, release."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    where = QPointF(pixel)
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
                 QEvent.Type.MouseButtonRelease):
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
        QApplication.sendEvent(widget, QMouseEvent(kind, where, widget.mapToGlobal(where), Qt.MouseButton.LeftButton,
                                                   buttons, Qt.KeyboardModifier.NoModifier))


def _click_scene(qtbot, latent_map, scene_point: QPointF, button=Qt.MouseButton.LeftButton):
    qtbot.mouseClick(latent_map.plot_widget.viewport(), button, pos=latent_map.plot_widget.mapFromScene(scene_point))


def test_legend_clicks_say_which_class_and_never_decode_the_place_under_it(latent_map, qtbot):
    clicked, doubled, decoded = [], [], []
    legend = latent_map.legend
    legend.entry_clicked.connect(clicked.append)
    legend.entry_double_clicked.connect(doubled.append)
    for signal in (latent_map.location_clicked, latent_map.point_clicked, latent_map.location_dragged):
        signal.connect(lambda *args: decoded.append(args))
    _click_scene(qtbot, latent_map, legend.entry_centre(1))
    _click_scene(qtbot, latent_map, legend.entry_centre(2))
    double_click(latent_map.plot_widget.viewport(), latent_map.plot_widget.mapFromScene(legend.entry_centre(0)))
    assert clicked[:2] == [1, 2] and doubled == [0] and decoded == []
    legend.set_states({1: "hidden", 2: "dimmed"})
    assert [sample.item.isVisible() for sample, _ in legend.items] == [True, False, True]
    assert [label.opts["color"] for _, label in legend.items][2] == "#8a8a8a"
    # The same place without the legend over it is the map's: decoded.
    latent_map.legend.hide()
    _click_scene(qtbot, latent_map, legend.entry_centre(1))
    assert len(decoded) == 1


def test_a_double_click_on_the_map_only_fits_and_a_key_click_names_its_entry(latent_map, qtbot):
    full = np.array(latent_map.view_box.viewRange())
    latent_map.view_box.scaleBy((0.2, 0.2))
    doubled = []
    latent_map.double_clicked.connect(lambda: doubled.append(True))
    double_click(latent_map.plot_widget.viewport(), _pixel_of(latent_map, 0.2, 0.7))
    np.testing.assert_allclose(latent_map.view_box.viewRange(), full, rtol=0.05)
    assert doubled == [True]
    latent_map.show_location(0.2, 0.7)
    terms = []
    latent_map.key.entry_clicked.connect(terms.append)
    sample, label = latent_map.key.items[0]
    decoded = []
    latent_map.location_clicked.connect(lambda *args: decoded.append(args))
    _click_scene(qtbot, latent_map, label.mapToScene(label.boundingRect().center()))
    assert terms == ["key_location"] and decoded == []


def test_a_right_drag_moves_the_view_with_the_mouse_and_decodes_nothing(latent_map, qtbot):
    from tests.gui.explorer.test_explorer_verbs import _drag, _pixel, _place

    decoded = []
    for signal in (latent_map.location_clicked, latent_map.point_clicked, latent_map.location_dragged):
        signal.connect(lambda *args: decoded.append(args))
    start, end = _pixel(latent_map, 1.0, 0.0), _pixel(latent_map, 1.0, 0.0) + QPoint(120, 60)
    under_the_mouse = _place(latent_map, start)
    steps = [start + (end - start) * (i / 4) for i in range(5)]
    _drag(latent_map, steps, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.RightButton)
    # The place that was under the mouse when the drag began is under it where the drag ended.
    np.testing.assert_allclose(_place(latent_map, end), under_the_mouse, atol=0.02)
    assert decoded == []


def test_an_exported_map_shows_what_the_screen_shows(latent_map, tmp_path):
    latent_map.set_emphasis(np.array([NORMAL, DIMMED, NORMAL, HIDDEN, DIMMED], np.uint8))
    from vaegui.gui.map.map_export import _points_as_scatter

    with _points_as_scatter(latent_map) as scatter:  # what the PNG and SVG exports draw
        x, y = scatter.getData()
        drawn = {(float(a), float(b)): brush.color().name() for a, b, brush in zip(x, y, scatter.data["brush"])}
    coords = latent_map.coords.astype(float)
    assert drawn == {tuple(coords[0]): "#ff0000", tuple(coords[1]): _dim("#00ff00"), tuple(coords[2]): "#00ff00",
                     tuple(coords[4]): _dim("#0000ff")}  # the hidden point is not drawn
    latent_map.export_image(str(tmp_path / "map.svg"))
    assert _dim("#0000ff") in (tmp_path / "map.svg").read_text().lower()
