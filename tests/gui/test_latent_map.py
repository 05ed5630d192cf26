"""The latent map widget: shared class brushes, KD-tree picking in screen pixels, hover thumbnails."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from vaegui.gui.latent_map import LatentMap


@pytest.fixture
def latent_map(qtbot):
    widget = LatentMap()
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    coords = np.array([[0, 0], [1, 1], [2, 0], [1, -1]], np.float32)
    widget.set_points(coords, np.array([0, 1, 1, 2]), ["#ff0000", "#00ff00", "#0000ff"], ["a", "b", "c"])
    widget.view_box.updateAutoRange()
    qtbot.wait(20)
    return widget


def test_points_share_one_brush_per_category(latent_map):
    brushes = latent_map.scatter.data["brush"]
    assert brushes[1] is brushes[2] and brushes[0] is not brushes[1]
    assert latent_map.point_brush_colours() == ["#ff0000", "#00ff00", "#00ff00", "#0000ff"]
    assert [label.text for _, label in latent_map.legend.items] == ["a", "b", "c"]


def test_pick_is_within_a_few_screen_pixels(latent_map):
    pixel_width, _ = latent_map.view_box.viewPixelSize()
    assert latent_map.pick(2.0 + 3 * pixel_width, 0.0) == 2
    assert latent_map.pick(2.0 + 20 * pixel_width, 0.0) is None


def test_hovering_a_point_shows_its_thumbnail(latent_map, qtbot):
    image = np.linspace(0, 1, 64, dtype=np.float32).reshape(8, 8, 1)
    latent_map.thumbnail_for = lambda row: (image * (row + 1) / 4, f"row {row}")
    hovered = []
    latent_map.hovered.connect(hovered.append)
    scene_pos = latent_map.view_box.mapViewToScene(QPointF(1.0, -1.0))
    latent_map.plot_widget.scene().sigMouseMoved.emit(scene_pos)
    assert hovered == [3] and latent_map.thumbnail.isVisible()
    assert latent_map.thumbnail.toolTip() == "row 3" and not latent_map.thumbnail.pixmap().isNull()
    empty = latent_map.view_box.mapViewToScene(QPointF(0.2, 0.8))
    latent_map.plot_widget.scene().sigMouseMoved.emit(empty)
    assert hovered == [3, None] and not latent_map.thumbnail.isVisible()
