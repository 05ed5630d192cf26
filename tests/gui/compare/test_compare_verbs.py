"""The Compare tab's verbs with real gestures on two real tiny runs of the same pictures: a lasso on one map groups
the same pictures on the other, a class hidden in one key is hidden in both, the PCA map's prior circles, and both
models walking the same picture along their own direction."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPolygonF
from PySide6.QtTest import QTest

from tests.gui.explorer.test_explorer_verbs import CTRL, _drag, _pixel, _place, _wait
from vaegui.gui.app_state import AppState
from vaegui.gui.map.point_raster import DIMMED, HIDDEN


def test_compare_links_groups_and_classes_across_both_maps(qapp, qtbot, tiny_run, tiny_run_z4):
    from vaegui.gui.compare.compare_tab import CompareTab
    from vaegui.runs.library import read_run_summary

    state = AppState()
    state.tensorflow_loaded = True
    tab = CompareTab(state)
    qtbot.addWidget(tab)
    tab.resize(1400, 950)
    tab.show()
    tab.compare(read_run_summary(tiny_run.folder), read_run_summary(tiny_run_z4.folder))
    _wait(lambda: not tab.is_busy() and all(e.shown is not None for e in tab.comparison.explorers.values()))
    left, right = tab.maps["a"], tab.maps["b"]
    for latent_map in (left, right):
        latent_map.view_box.updateAutoRange()
    QTest.qWait(20)
    shown = {side: tab.comparison.explorers[side].shown for side in "ab"}
    verbs = {side: tab.map_views[side].verbs for side in "ab"}
    coords = shown["a"].projection.coords
    centre = _pixel(left, *np.median(coords, axis=0))
    path = [QPoint(centre.x() + dx, centre.y() + dy) for dx, dy in ((-70, -60), (80, -50), (60, 70), (-60, 50))]
    _drag(left, path, CTRL)
    polygon = QPolygonF([QPointF(*_place(left, pixel)) for pixel in path])
    expected = [row for row, (x, y) in enumerate(coords.astype(float))
                if polygon.containsPoint(QPointF(x, y), Qt.FillRule.OddEvenFill)]
    assert verbs["a"].groups.rows.tolist() == expected
    keys = {side: shown[side].latents.split.astype(np.int64) * 10**9 + shown[side].latents.source_index
            for side in "ab"}
    assert sorted(keys["b"][verbs["b"].groups.rows]) == sorted(keys["a"][expected])  # the same pictures on the right
    assert (right.points.emphasis == DIMMED).sum() == len(coords) - len(expected)
    # A class hidden from the right map's key is hidden on the left too.
    qtbot.mouseClick(right.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=right.plot_widget.mapFromScene(right.legend.entry_centre(2)))
    assert (left.points.emphasis[shown["a"].latents.labels == 2] == HIDDEN).all()
    # The PCA map's prior: circles around the latent origin's place, −C · mean.
    tab.verbs.find_bar.layer_actions["prior"].setChecked(True)
    rings = verbs["b"].layers.rings
    projection = shown["b"].projection
    np.testing.assert_allclose(rings.centre, -(projection.pca_components @ projection.pca_mean), atol=1e-5)
    # Both models walk the same picture from their own A towards their own B.
    verbs["a"].groups.select_class(0)
    tab.verbs.group_panel.keep_a.click()
    verbs["a"].groups.select_class(1)
    tab.verbs.group_panel.keep_b.click()
    tab.comparison.selections["a"].select_row(int(np.flatnonzero(shown["a"].latents.labels == 0)[0]))
    tab.verbs.group_panel.use_button.click()
    tab.verbs.group_panel.slider.setValue(100)
    for side in "ab":
        direction = verbs[side].direction
        picked = tab.comparison.selections[side].selected
        np.testing.assert_allclose(tab.verbs.group_panel.walked[side].image, tab.comparison.explorers[side].loaded
                                   .viewer.decode_one(picked.mu + direction.direction.vector), atol=1e-5)
    tab.shutdown()
