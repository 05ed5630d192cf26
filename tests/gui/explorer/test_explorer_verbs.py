"""The Explorer's verbs driven with real mouse gestures on real tiny runs, each result checked independently: a
lasso's group against Qt's own point-in-polygon test over every point, a box against the coordinates, the key's
classes hidden or shown alone without decoding, search against the labels, density and region names against
scipy and numpy, the prior's circles and the decoded background against the decoder, a direction against the
encoder's codes."""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QFont, QMouseEvent, QPolygonF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vaegui.app.explorer_selection import LocationDetails, PointDetails
from vaegui.gui.app_state import AppState
from vaegui.gui.explorer.explorer_tab import ExplorerTab
from vaegui.gui.map.point_raster import DIMMED, HIDDEN, NORMAL
from vaegui.words import word

WAIT_S = 60.0
CTRL, SHIFT, NONE = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, \
    Qt.KeyboardModifier.NoModifier


def _wait(condition, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the Explorer did not get there in time")
        QTest.qWait(10)


def _open(run, **settings) -> ExplorerTab:
    state = AppState()
    state.tensorflow_loaded = True
    tab = ExplorerTab(state)
    tab.resize(1300, 800)
    tab.show()
    for name, value in settings.items():
        getattr(tab.explorer, f"set_{name}")(value)
    tab.open_run_folder(run.folder)
    _wait(lambda: not tab.is_busy() and tab.explorer.shown is not None)
    tab.map.view_box.updateAutoRange()
    QTest.qWait(20)
    return tab


@pytest.fixture(scope="module")
def tab(qapp, tiny_run):
    """One Explorer on the z_dim 2 run (a direct map), shared: each test starts with no group and no filter."""
    tab = _open(tiny_run, subset=None)
    yield tab
    tab.shutdown()
    tab.close()
    tab.deleteLater()


@pytest.fixture
def explorer(tab):
    verbs = tab.verbs.verbs
    verbs.groups.clear()
    verbs.groups.set_mode("new")
    tab.verbs.find_bar.show_all()
    tab.selection.clear()
    tab.fit_view()
    QTest.qWait(20)
    return tab


def _pixel(latent_map, x: float, y: float) -> QPoint:
    view = latent_map.plot_widget.mapFromScene(latent_map.view_box.mapViewToScene(QPointF(float(x), float(y))))
    return QPoint(int(round(view.x())), int(round(view.y())))


def _place(latent_map, pixel: QPoint) -> tuple[float, float]:
    where = latent_map.view_box.mapSceneToView(latent_map.plot_widget.mapToScene(pixel))
    return where.x(), where.y()


def _send(viewport, kind, pixel: QPoint, buttons, modifiers, button=Qt.MouseButton.LeftButton) -> None:
    local = QPointF(pixel)
    QApplication.sendEvent(viewport, QMouseEvent(kind, local, viewport.mapToGlobal(local), button, buttons, modifiers))


def _drag(latent_map, pixels: list[QPoint], modifiers, button=Qt.MouseButton.LeftButton) -> None:
    """A person's drag: press, moves (slower than pyqtgraph's mouse rate limit drops them), release."""
    viewport = latent_map.plot_widget.viewport()
    _send(viewport, QEvent.Type.MouseButtonPress, pixels[0], button, modifiers, button)
    for pixel in pixels[1:]:
        QTest.qWait(int(1000 / pg.getConfigOption("mouseRateLimit")) + 3)
        _send(viewport, QEvent.Type.MouseMove, pixel, button, modifiers, Qt.MouseButton.NoButton)
    _send(viewport, QEvent.Type.MouseButtonRelease, pixels[-1], Qt.MouseButton.NoButton, modifiers, button)


def _double_click(latent_map, pixel: QPoint) -> None:
    viewport, left = latent_map.plot_widget.viewport(), Qt.MouseButton.LeftButton
    up = Qt.MouseButton.NoButton
    for kind, buttons in ((QEvent.Type.MouseButtonPress, left), (QEvent.Type.MouseButtonRelease, up),
                          (QEvent.Type.MouseButtonDblClick, left), (QEvent.Type.MouseButtonRelease, up)):
        _send(viewport, kind, pixel, buttons, NONE)


def test_a_lasso_and_boxes_make_the_group_and_dim_the_rest(explorer, qtbot):
    tab = explorer
    coords = tab.explorer.shown.projection.coords
    centre = _pixel(tab.map, *np.median(coords, axis=0))
    angles = np.linspace(0, 2 * np.pi, 14)
    radii = 90 + 40 * np.sin(3 * angles)  # a lobed loop, not a circle
    path = [QPoint(int(centre.x() + r * np.cos(a)), int(centre.y() + r * np.sin(a))) for r, a in zip(radii, angles)]
    _drag(tab.map, path, CTRL)
    groups = tab.verbs.verbs.groups
    # Independently: Qt's own polygon test over every point, with the path mapped to the map's units here.
    polygon = QPolygonF([QPointF(*_place(tab.map, pixel)) for pixel in path])
    expected = [row for row, (x, y) in enumerate(coords.astype(float))
                if polygon.containsPoint(QPointF(x, y), Qt.FillRule.OddEvenFill)]
    assert groups.rows.tolist() == expected and len(expected) > 20
    assert tab.side_tabs.currentWidget() is tab.verbs.group_page  # the group's panel comes forward
    panel = tab.verbs.group_panel
    assert panel.summary.text().startswith(f"<b>{len(expected):,} pictures")
    assert panel.strip.images_shown() == min(24, len(expected))
    counts = np.bincount(tab.explorer.shown.latents.labels[expected])
    assert sum(count for _, _, count in panel.bars.bars) == len(expected) and panel.bars.bars[0][2] == counts.max()
    np.testing.assert_allclose(panel.typical.image, tab.explorer.loaded.viewer.decode_one(
        tab.explorer.shown.latents.mu[expected].mean(axis=0)), atol=1e-5)
    emphasis = tab.map.points.emphasis
    assert (emphasis[expected] == NORMAL).all() and (np.delete(emphasis, expected) == DIMMED).all()
    assert tab.selection.selected is None  # a lasso decodes nothing

    # A Shift-drag box: exactly the points within its corners.
    corner_a, corner_b = QPoint(centre.x() - 120, centre.y() - 60), QPoint(centre.x() + 30, centre.y() + 80)
    _drag(tab.map, [corner_a, QPoint(centre.x(), centre.y()), corner_b], SHIFT)
    (x0, y0), (x1, y1) = _place(tab.map, corner_a), _place(tab.map, corner_b)
    in_box = np.flatnonzero((coords[:, 0] >= min(x0, x1)) & (coords[:, 0] <= max(x0, x1)) &
                            (coords[:, 1] >= min(y0, y1)) & (coords[:, 1] <= max(y0, y1)))
    assert groups.rows.tolist() == in_box.tolist()
    # "adds to it", then "takes from it": the panel's buttons, then boxes elsewhere.
    qtbot.mouseClick(panel.mode_buttons["add"], Qt.MouseButton.LeftButton)
    corner_c, corner_d = QPoint(centre.x() + 40, centre.y() - 100), QPoint(centre.x() + 140, centre.y())
    _drag(tab.map, [corner_c, corner_d], SHIFT)
    (x2, y2), (x3, y3) = _place(tab.map, corner_c), _place(tab.map, corner_d)
    second = np.flatnonzero((coords[:, 0] >= min(x2, x3)) & (coords[:, 0] <= max(x2, x3)) &
                            (coords[:, 1] >= min(y2, y3)) & (coords[:, 1] <= max(y2, y3)))
    assert groups.rows.tolist() == np.union1d(in_box, second).tolist()
    qtbot.mouseClick(panel.mode_buttons["remove"], Qt.MouseButton.LeftButton)
    _drag(tab.map, [corner_a, corner_b], SHIFT)
    assert groups.rows.tolist() == np.setdiff1d(second, in_box).tolist()
    # Ctrl-click: the point under the mouse into the group, and out again.
    viewport = tab.map.plot_widget.viewport()
    pixel = _pixel(tab.map, *coords[int(in_box[0])])
    picked = tab.map.pick(*_place(tab.map, pixel))
    before = set(groups.rows.tolist())
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, CTRL, pixel)
    assert set(groups.rows.tolist()) == before ^ {picked}
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, CTRL, pixel)
    assert set(groups.rows.tolist()) == before and tab.selection.selected is None
    # A plain drag still decodes the places it passes (no group change).
    _drag(tab.map, [centre, QPoint(centre.x() + 30, centre.y() + 5)], NONE)
    assert isinstance(tab.selection.selected, LocationDetails)
    assert groups.rows.tolist() == np.setdiff1d(second, in_box).tolist()


def test_the_keys_classes_hide_and_solo_without_decoding_and_a_double_click_only_fits(explorer, qtbot):
    tab = explorer
    labels = tab.explorer.shown.latents.labels
    row = int(np.flatnonzero(labels == 4)[0])
    tab.selection.select_row(row)
    chosen = tab.selection.selected
    legend = tab.map.legend
    viewport = tab.map.plot_widget.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=tab.map.plot_widget.mapFromScene(legend.entry_centre(3)))
    assert tab.selection.selected is chosen  # the click hid class 3; nothing under the legend was decoded
    emphasis = tab.map.points.emphasis
    assert (emphasis[labels == 3] == HIDDEN).all() and (emphasis[labels != 3] == NORMAL).all()
    _double_click(tab.map, tab.map.plot_widget.mapFromScene(legend.entry_centre(5)))
    emphasis = tab.map.points.emphasis
    assert (emphasis[labels == 5] == NORMAL).all() and (emphasis[labels != 5] == HIDDEN).all()
    assert tab.selection.selected is chosen
    assert "hidden" in tab.verbs.find_bar.status.text()
    qtbot.mouseClick(tab.verbs.find_bar.show_all_button, Qt.MouseButton.LeftButton)
    assert tab.map.points.emphasis is None
    # A double-click on the map fits the view and leaves the chosen picture chosen (its first click taken back).
    full = np.array(tab.map.view_box.viewRange())
    tab.map.view_box.scaleBy((0.3, 0.3))
    _double_click(tab.map, QPoint(viewport.width() // 3, viewport.height() // 2))
    np.testing.assert_allclose(tab.map.view_box.viewRange(), full, rtol=0.05)
    assert isinstance(tab.selection.selected, PointDetails) and tab.selection.selected.row == row
    # Right-click → "Select its pictures": the class becomes the group.
    view = tab.map_view.verbs_view
    menu = view.legend_menu(7)
    next(a for a in menu.actions() if a.text().startswith("Select its pictures")).trigger()
    assert tab.verbs.verbs.groups.rows.tolist() == np.flatnonzero(labels == 7).tolist()


def test_search_ranges_lists_and_exports_follow_the_filter(explorer, qtbot, tmp_path):
    tab = explorer
    latents = tab.explorer.shown.latents
    names = tab.explorer.loaded.class_names
    find = tab.verbs.find_bar.search
    target = names[6] if names else "6"
    qtbot.keyClicks(find, target)
    passing = tab.verbs.verbs.filters.passing()
    assert passing.tolist() == (latents.labels == 6).tolist()
    emphasis = tab.map.points.emphasis
    assert (emphasis[latents.labels == 6] == NORMAL).all() and (emphasis[latents.labels != 6] == DIMMED).all()
    # The lists follow a moment later (the map's dimming comes first); the worst copies need every picture's error,
    # worked out when the Lists tab is opened.
    tabs = tab.side_tabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == word("tab_lists")))
    qtbot.waitUntil(lambda: len(tab.worst_list.rows()) > 0, timeout=30_000)
    qtbot.waitUntil(lambda: set(tab.worst_list.rows()) <= set(np.flatnonzero(latents.labels == 6).tolist()))
    assert len(tab.worst_list.rows()) == min(30, int((latents.labels == 6).sum()))
    qtbot.keyClick(find, Qt.Key.Key_Return)
    assert tab.verbs.verbs.groups.rows.tolist() == np.flatnonzero(latents.labels == 6).tolist()
    tab.export_coordinates(tmp_path / "shown.npz")
    with np.load(tmp_path / "shown.npz") as saved:
        assert saved["index"].tolist() == latents.source_index[latents.labels == 6].tolist()
    tab.verbs.verbs.groups.export("codes", tmp_path / "group.npz")
    _wait(lambda: (tmp_path / "group.npz").exists())
    with np.load(tmp_path / "group.npz") as saved:
        np.testing.assert_array_equal(saved["mu"], latents.mu[latents.labels == 6])
    find.clear()
    # A range on KL through the panel's slider: the points with KL inside it pass, the rest are dimmed.
    panel = tab.verbs.find_bar.range_panel
    panel.render()
    low, high = np.quantile(latents.kl, [0.25, 0.75])
    panel.sliders["kl"].setValue((float(low), float(high)))
    passing = tab.verbs.verbs.filters.passing()
    kept = (latents.kl >= panel.sliders["kl"].value()[0]) & (latents.kl <= panel.sliders["kl"].value()[1])
    assert passing.tolist() == kept.tolist() and 0.3 < passing.mean() < 0.7
    assert "KL" in tab.verbs.find_bar.status.text()


def test_a_search_brightens_what_it_finds_while_a_group_keeps_its_outline(explorer, qtbot):
    """Finding (qa2): with a group of T-shirts drawn, searching "Bag" said "Showing 505" and dimmed everything (the
    group AND the search). What the search finds is drawn bright; the group stays, its outline on the map."""
    tab = explorer
    coords, latents = tab.explorer.shown.projection.coords, tab.explorer.shown.latents
    centre = _pixel(tab.map, *np.median(coords, axis=0))
    _drag(tab.map, [QPoint(centre.x() - 60, centre.y() - 40), QPoint(centre.x() + 60, centre.y() + 40)], SHIFT)
    groups = tab.verbs.verbs.groups
    group = groups.rows.tolist()
    assert len(group) > 5
    outside = np.setdiff1d(np.arange(len(latents)), group)
    label = int(np.bincount(latents.labels[outside]).argmax())  # a class mostly outside the group
    names = tab.explorer.loaded.class_names
    qtbot.keyClicks(tab.verbs.find_bar.search, names[label] if names else str(label))
    # What the search found: the class, and (the digits having no class names) the picture whose number is the
    # digit typed, which the search finds too: counting only the class failed the test now and then.
    found = tab.verbs.verbs.filters.passing()
    assert found[latents.labels == label].all() and found.sum() <= (latents.labels == label).sum() + 1
    emphasis = tab.map.points.emphasis
    assert (emphasis[found] == NORMAL).all() and (emphasis[~found] == DIMMED).all()
    assert groups.rows.tolist() == group and "key_group_outline" in tab.map.key.terms()
    tab.verbs.find_bar.search.clear()  # the search gone, the group dims the rest again
    emphasis = tab.map.points.emphasis
    assert (emphasis[group] == NORMAL).all() and (np.delete(emphasis, group) == DIMMED).all()


def test_the_group_and_the_filter_follow_the_same_pictures_onto_another_map(explorer):
    tab = explorer
    latents = tab.explorer.shown.latents
    verbs = tab.verbs.verbs
    verbs.groups.select_rows(np.arange(0, len(latents), 7), "every 7th")
    verbs.filters.set_class_state(2, "hidden")
    before = set(zip(latents.split[verbs.groups.rows].tolist(), latents.source_index[verbs.groups.rows].tolist()))
    tab.controls.choose(tab.method_combo, "pca")
    _wait(lambda: not tab.is_busy() and tab.explorer.shown.method == "pca")
    moved = tab.explorer.shown.latents
    after = set(zip(moved.split[verbs.groups.rows].tolist(), moved.source_index[verbs.groups.rows].tolist()))
    assert after == before and verbs.filters.class_states == {2: "hidden"}
    assert (tab.map.points.emphasis[moved.labels == 2] == HIDDEN).all()
    tab.controls.choose(tab.method_combo, "direct")
    _wait(lambda: not tab.is_busy() and tab.explorer.shown.method == "direct")


def test_density_region_names_prior_circles_and_the_decoded_background(explorer, qtbot):
    tab = explorer
    verbs, find = tab.verbs.verbs, tab.verbs.find_bar
    for name in ("contours", "labels", "prior", "background"):
        find.layer_actions[name].setChecked(True)
    _wait(lambda: not verbs.layers.is_busy() and verbs.layers.background is not None and
          verbs.layers.regions is not None and verbs.layers.contours is not None)
    shown = tab.explorer.shown
    coords, labels = shown.projection.coords.astype(np.float64), shown.latents.labels
    # The density's peak where scipy's KDE (same bandwidth) peaks.
    from scipy.stats import gaussian_kde

    grid = verbs.layers.contours.grid
    kde = gaussian_kde(coords.T, bw_method=grid.bandwidth[0] / coords[:, 0].std())
    xs, ys = np.meshgrid(grid.x_centres[::4], grid.y_centres[::4])
    values = kde(np.vstack([xs.ravel(), ys.ravel()]))
    peak = xs.ravel()[np.argmax(values)], ys.ravel()[np.argmax(values)]
    assert np.hypot(peak[0] - grid.peak()[0], peak[1] - grid.peak()[1]) < 2 * max(grid.bandwidth)
    drawn = tab.map_view.verbs_view.layers_view.contours[0].getData()[0]
    assert drawn is not None and len(drawn) == 2 * len(verbs.layers.contours.segments[0])
    # Each region is named by its members' majority class, counted here.
    regions = verbs.layers.regions
    assert regions.labels
    class_names = tab.explorer.loaded.class_names
    for label in regions.labels:
        majority = int(np.bincount(labels[regions.rows_of(label.cluster)]).argmax())
        assert label.text.split(" · ")[0] == (class_names[majority] if class_names else str(majority))
    names = tab.map_view.verbs_view.layers_view.names
    assert [name.toPlainText() for name in names] == [label.text for label in regions.labels]
    QTest.qWait(20)
    shown = [name.sceneBoundingRect() for name in names if name.isVisible()]
    assert names[0].isVisible() and not any(a.intersects(b) for i, a in enumerate(shown) for b in shown[i + 1:])
    # Clicking a name makes its region the group (and decodes nothing).
    first = names[0]
    qtbot.mouseClick(tab.map.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=tab.map.plot_widget.mapFromScene(first.mapToScene(first.boundingRect().center())))
    assert verbs.groups.rows.tolist() == regions.rows_of(regions.labels[0].cluster).tolist()
    assert tab.selection.selected is None
    # Presenter mode enlarges the window's text: the names grow with it.
    app, size = QApplication.instance(), names[0].textItem.font().pointSizeF()
    before = app.font()
    bigger = QFont(before)
    bigger.setPointSizeF(before.pointSizeF() * 1.5)
    app.setFont(bigger)
    QTest.qWait(20)
    names = tab.map_view.verbs_view.layers_view.names
    assert names[0].textItem.font().pointSizeF() == pytest.approx(1.5 * size)
    app.setFont(before)
    QTest.qWait(20)
    # The prior's circles: radius 1, 2, 3 around the origin of this direct map.
    ring = tab.map_view.verbs_view.layers_view.rings[1].getData()
    np.testing.assert_allclose(np.hypot(ring[0], ring[1]), 2.0, rtol=1e-6)
    # The background: each lattice picture is the decoder's picture of its place.
    background = verbs.layers.background
    lattice, picture = background.lattice, background.picture
    height, width = tab.explorer.loaded.image_shape[:2]
    top_left = picture[:height, :width]  # the lattice's top row, first column
    place = lattice.places[(lattice.rows - 1) * lattice.columns]
    np.testing.assert_allclose(top_left, tab.explorer.loaded.viewer.decode_one(place), atol=1e-4)
    assert set(tab.map.key.terms()) >= {"key_contours", "key_prior_rings", "key_regions", "key_background"}
    # The key's entry switches its layer off.
    sample, label = tab.map.key.items[tab.map.key.terms().index("key_contours")]
    qtbot.mouseClick(tab.map.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                     pos=tab.map.plot_widget.mapFromScene(label.mapToScene(label.boundingRect().center())))
    assert not verbs.layers.shown["contours"] and not find.layer_actions["contours"].isChecked()
    for name in ("labels", "prior", "background"):
        find.layer_actions[name].setChecked(False)


def test_a_direction_from_two_groups_walks_the_chosen_picture_and_is_saved(explorer, qtbot, tmp_path, tiny_run,
                                                                           monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from vaegui.latent.directions import Direction, save_direction
    from vaegui.runs import Run

    tab = explorer
    latents, verbs, panel = tab.explorer.shown.latents, tab.verbs.verbs, tab.verbs.group_panel
    verbs.groups.select_class(0)
    qtbot.mouseClick(panel.keep_a, Qt.MouseButton.LeftButton)
    verbs.groups.select_class(1)
    qtbot.mouseClick(panel.keep_b, Qt.MouseButton.LeftButton)
    # Independently: the encoder of a model loaded here codes the two groups' pictures; their means' difference.
    run = Run.open(tiny_run.folder)
    encoder = run.load_model(tab.explorer.loaded.image_shape).encoder
    mu_of = [np.asarray(encoder.predict(latents.images(np.flatnonzero(latents.labels == c)), verbose=0)[0])
             for c in (0, 1)]
    direction = verbs.direction.direction
    np.testing.assert_allclose(direction.vector, mu_of[1].mean(axis=0) - mu_of[0].mean(axis=0), atol=1e-4)
    row = int(np.flatnonzero(latents.labels == 0)[3])
    tab.selection.select_row(row)
    walk_panel = tab.verbs.direction_panel
    qtbot.mouseClick(walk_panel.use_button, Qt.MouseButton.LeftButton)
    walk_panel.slider.setFocus()
    qtbot.keyClick(walk_panel.slider, Qt.Key.Key_End)  # the slider's far end: 2 lengths towards B
    viewer = tab.explorer.loaded.viewer
    np.testing.assert_allclose(walk_panel.picture.image, viewer.decode_one(latents.mu[row] + 2.0 * direction.vector),
                               atol=1e-5)
    assert walk_panel.strip.images_shown() == 7
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / "d.json"), ""))
    qtbot.mouseClick(walk_panel.save_button, Qt.MouseButton.LeftButton)
    assert verbs.direction.load(tmp_path / "d.json")
    np.testing.assert_allclose(verbs.direction.direction.vector, direction.vector, rtol=1e-6)
    save_direction(tmp_path / "z4.npz", Direction(np.ones(4, np.float32), "A", "B", 1, 1))
    assert not verbs.direction.load(tmp_path / "z4.npz")
    assert "z_dim 4 model; this run has z_dim 2" in tab.status_label.text()
