"""The latent map widget: points drawn in their colours, picking in screen pixels, hover thumbnails, at 200k points."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor

from vaegui.gui.common.wording import wording
from vaegui.gui.map.latent_map import LatentMap
from vaegui.gui.map.map_overlays import set_legend_text_size
from vaegui.palette import CLASS_COLOURS
from vaegui.words import word


@pytest.fixture
def latent_map(qtbot):
    widget = LatentMap()
    qtbot.addWidget(widget)
    widget.resize(600, 500)
    widget.show()
    coords = np.array([[0, 0], [1, 1], [2, 0], [1, -1]], np.float32)
    widget.set_points(coords, np.array([0, 1, 1, 2]), ["#ff0000", "#00ff00", "#0000ff"], ["a", "b", "c"])
    widget.view_box.updateAutoRange()
    _wait_drawn(qtbot, widget)
    return widget


def _wait_drawn(qtbot, latent_map: LatentMap) -> None:
    """The points are drawn off the GUI thread: wait until the image on screen shows the latest view."""
    qtbot.waitUntil(lambda: not latent_map.points.is_drawing(), timeout=5000)


def _pixel_of(latent_map: LatentMap, x: float, y: float) -> QPoint:
    scene = latent_map.view_box.mapViewToScene(QPointF(float(x), float(y)))
    return latent_map.plot_widget.mapFromScene(scene)


def _colours_on_screen(latent_map: LatentMap, coords: np.ndarray) -> list[str | None]:
    """The colour on screen at each point's own pixel, as a person would see it (None: outside the view)."""
    image = latent_map.plot_widget.grab().toImage()
    inside = latent_map.view_box.mapRectToScene(latent_map.view_box.rect()).toRect().adjusted(4, 4, -4, -4)
    pixels = [_pixel_of(latent_map, x, y) for x, y in coords]
    return [QColor(image.pixel(pixel)).name() if inside.contains(pixel) else None for pixel in pixels]


def test_each_point_is_drawn_in_its_category_colour(latent_map):
    assert latent_map.point_count() == 4
    assert latent_map.point_brush_colours() == ["#ff0000", "#00ff00", "#00ff00", "#0000ff"]
    assert _colours_on_screen(latent_map, latent_map.coords) == latent_map.point_brush_colours()
    assert [label.text for _, label in latent_map.legend.items] == ["a", "b", "c"]


def test_points_stay_drawn_where_they_are_while_panning_and_zooming(latent_map, qtbot):
    view_box = latent_map.view_box
    expected = latent_map.point_brush_colours()

    def colours_are_right() -> bool:
        seen = _colours_on_screen(latent_map, latent_map.coords)
        return any(seen) and all(colour in (None, want) for colour, want in zip(seen, expected))

    # Small pans and zooms move or scale the image already drawn: right at once, nothing drawn again.
    for (dx, dy), zoom in (((0.3, 0.0), 1.0), ((-0.2, 0.1), 1.0), ((0.0, 0.0), 1.25), ((0.0, 0.0), 0.85)):
        view_box.translateBy(x=dx, y=dy)
        view_box.scaleBy((zoom, zoom), center=(1.0, 0.0))
        assert not latent_map.points.is_drawing() and colours_are_right()
    # Beyond the drawn margin, or zoomed far out: drawn again for the new view.
    for (dx, dy), zoom in (((-1.9, 0.4), 1.0), ((1.9, -0.4), 3.0)):
        view_box.translateBy(x=dx, y=dy)
        view_box.scaleBy((zoom, zoom))
        assert latent_map.points.is_drawing()
        _wait_drawn(qtbot, latent_map)
        assert colours_are_right()
    with qtbot.waitSignal(latent_map.points.drawn, timeout=2000):  # the view rests: drawn again, sharp
        view_box.scaleBy((0.9, 0.9))
        assert not latent_map.points.is_drawing()
    _wait_drawn(qtbot, latent_map)
    assert _colours_on_screen(latent_map, latent_map.coords) == expected


def test_moved_points_are_drawn_at_their_new_places(latent_map, qtbot):
    moved = latent_map.coords[::-1].copy()
    changes = []
    latent_map.points_changed.connect(lambda: changes.append(latent_map.coords.copy()))
    latent_map.update_coords(moved)
    np.testing.assert_array_equal(changes[-1], moved)
    _wait_drawn(qtbot, latent_map)
    assert _colours_on_screen(latent_map, moved) == latent_map.point_brush_colours()


def test_train_and_test_points_get_their_own_symbols(latent_map, qtbot):
    coords = latent_map.coords
    latent_map.set_points(coords, np.array([0, 0, 1, 1]), ["#ff0000", "#00ff00"], ["a", "b"],
                          symbols=np.array(["o", "t", "o", "t"]), symbol_names={"o": "train", "t": "test"})
    latent_map.view_box.updateAutoRange()
    _wait_drawn(qtbot, latent_map)
    assert latent_map.point_symbols().tolist() == ["o", "t", "o", "t"]
    assert [label.text for _, label in latent_map.legend.items] == ["a", "b"]  # the classes' colours
    assert latent_map.key_entries() == ["train", "test"]  # the marks' shapes
    image = latent_map.plot_widget.grab().toImage()
    colours = ["#ff0000", "#ff0000", "#00ff00", "#00ff00"]

    def shape(row: int) -> np.ndarray:
        """The pixels of the point's colour around it, cropped to their bounding box."""
        centre = _pixel_of(latent_map, *coords[row])
        mask = np.array([[QColor(image.pixel(centre.x() + dx, centre.y() + dy)).name() == colours[row]
                          for dx in range(-5, 6)] for dy in range(-5, 6)])
        rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        return mask[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]

    circle, triangle = shape(0), shape(1)
    assert (shape(2) == circle).all() and (shape(3) == triangle).all()
    assert circle.shape == (5, 5) and (circle == circle[::-1]).all() and (circle == circle[:, ::-1]).all()
    assert triangle[0].sum() == 5 and triangle[-1].sum() == 1  # pyqtgraph's 't' points down


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
    assert latent_map.thumbnail_caption.text() == "row 3" and latent_map.thumbnail_caption.isVisible()
    assert not latent_map.thumbnail_image.pixmap().isNull()
    empty = latent_map.view_box.mapViewToScene(QPointF(0.2, 0.8))
    latent_map.plot_widget.scene().sigMouseMoved.emit(empty)
    assert hovered == [3, None] and not latent_map.thumbnail.isVisible()


def test_two_hundred_thousand_points_click_hover_select_and_colour(qtbot):
    rng = np.random.default_rng(3)
    count = 200_000
    labels = rng.integers(0, 10, count)
    coords = (rng.normal(0, 4, (10, 2))[labels] + rng.normal(0, 1, (count, 2))).astype(np.float32)
    # A few rows moved to empty space around the clusters, each alone under the cursor.
    probes = np.array([7, 123_456, 199_999])
    angles = np.array([1.9, 3.3, 4.6])  # not top right, where the legend is
    coords[probes] = 40 * np.column_stack([np.cos(angles), np.sin(angles)])
    latent_map = LatentMap()
    qtbot.addWidget(latent_map)
    latent_map.resize(900, 700)
    latent_map.show()
    latent_map.set_points(coords, labels, CLASS_COLOURS[:10], [str(i) for i in range(10)])
    latent_map.view_box.updateAutoRange()
    _wait_drawn(qtbot, latent_map)
    assert latent_map.point_count() == count
    colours = latent_map.point_brush_colours()
    assert colours == [CLASS_COLOURS[label] for label in labels]
    assert _colours_on_screen(latent_map, coords[probes]) == [colours[row] for row in probes]

    clicked, places = [], []
    latent_map.point_clicked.connect(clicked.append)
    latent_map.location_clicked.connect(lambda x, y: places.append((x, y)))
    viewport = latent_map.plot_widget.viewport()
    for row in probes:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel_of(latent_map, *coords[row]))
    assert clicked == probes.tolist() and places == []

    # In the crowd, the row picked is the point nearest the cursor on screen, found here by brute force.
    pixel_width, pixel_height = latent_map.view_box.viewPixelSize()
    for target in rng.choice(count, 5, replace=False):
        pixel = _pixel_of(latent_map, *coords[target])
        where = latent_map.view_box.mapSceneToView(latent_map.plot_widget.mapToScene(pixel))
        screen_distance = np.hypot((coords[:, 0] - where.x()) / pixel_width, (coords[:, 1] - where.y()) / pixel_height)
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
        assert clicked[-1] == int(np.argmin(screen_distance))

    latent_map.thumbnail_for = lambda row: (np.full((8, 8, 1), row / count, np.float32), f"row {row}")
    hovered = []
    latent_map.hovered.connect(hovered.append)
    qtbot.mouseMove(viewport, _pixel_of(latent_map, *coords[probes[1]]))
    qtbot.waitUntil(lambda: hovered == [probes[1]])
    assert latent_map.thumbnail.isVisible() and latent_map.thumbnail.toolTip() == f"row {probes[1]}"

    latent_map.show_selection(*coords[probes[1]])
    np.testing.assert_allclose(np.ravel(latent_map.selection.getData()), coords[probes[1]])
    image = latent_map.plot_widget.grab().toImage()
    centre = _pixel_of(latent_map, *coords[probes[1]])
    ring = [QColor(image.pixel(centre.x() + dx, centre.y())).name() for dx in (-7, 7)]
    assert ring == ["#ffffff", "#ffffff"]  # the selection circle is drawn around the point


def test_the_points_are_drawn_off_the_gui_thread_and_shown_on_it(qtbot, latent_map, monkeypatch):
    # On the app's one JobRunner (a lane of the map's own): no thread of its own, no priority games.
    from vaegui.gui.map import point_raster

    drawn_on, shown_on = [], []
    real_draw, real_show = point_raster._draw, latent_map.points._show
    monkeypatch.setattr(point_raster, "_draw", lambda request: drawn_on.append(threading.current_thread()) or
                        real_draw(request))
    monkeypatch.setattr(latent_map.points, "_show", lambda drawn: shown_on.append(threading.current_thread()) or
                        real_show(drawn))
    latent_map.points.set_size_px(latent_map.points.size_px + 2)
    qtbot.waitUntil(lambda: bool(shown_on) and latent_map.points.is_settled())
    assert drawn_on and threading.main_thread() not in drawn_on
    assert set(shown_on) == {threading.main_thread()}


def test_the_key_lists_exactly_the_marks_drawn(latent_map):
    assert latent_map.key_entries() == [] and not latent_map.key.isVisible()
    latent_map.show_selection(1.0, 1.0)
    assert latent_map.key_entries() == [word("key_selection")] and latent_map.key.isVisible()
    latent_map.show_sigma_ellipse(np.array([1.0, 1.0]), np.array([0.3, 0.2]), sample=np.array([1.2, 1.1]))
    assert latent_map.key_entries() == [word(k) for k in ("key_selection", "key_centre", "key_link", "key_sigma1",
                                                          "key_sigma2")]
    latent_map.show_sigma_ellipse(np.array([1.0, 1.0]), np.array([0.3, 0.2]), sample=np.array([1.0, 1.0]))
    assert word("key_link") not in latent_map.key_entries()  # mu-only: the point is the centre, no line
    latent_map.show_samples(np.zeros((16, 2)), "posterior")
    assert latent_map.key_entries()[-1] == word("key_posterior_samples")
    latent_map.show_samples(np.zeros((16, 2)), "prior")
    assert latent_map.key_entries()[-1] == word("key_prior_samples")
    latent_map.show_path(np.array([[0, 0], [1, 1], [2, 2]]))
    latent_map.show_location(0.5, 0.5)
    assert latent_map.key_entries()[-2:] == [word("key_path"), word("key_location")]
    wording().set_expert(True)
    assert latent_map.key_entries()[-2:] == ["interpolation path", "decoded location"]
    wording().set_expert(False)
    latent_map.clear_overlays()
    assert latent_map.key_entries() == [] and not latent_map.key.isVisible()
    # A marker shape is named while points are drawn with it.
    latent_map.set_points(latent_map.coords, np.array([0, 1, 1, 2]), ["#ff0000", "#00ff00", "#0000ff"],
                          ["a", "b", "c"],
                          symbols=np.array(["o", "o", "o", "o"]), symbol_names={"o": "key_train", "t": "key_test"})
    assert latent_map.key_entries() == [word("key_train")]


@pytest.mark.parametrize(("size", "text_size"), [((630, 240), "13pt"), ((730, 490), "9pt")])
def test_no_point_of_a_fitted_map_lies_under_its_class_legend(qtbot, size, text_size):
    """Seen in presenter mode's Compare tab at 1280×800 (maps ~240 pixels tall, 13 pt text): the class legend, two
    columns at the top right, covered the points beneath it; the Explorer's map (730×490, 9 pt) did too."""
    latent_map = LatentMap()
    qtbot.addWidget(latent_map)
    latent_map.resize(*size)
    latent_map.show()
    qtbot.waitExposed(latent_map)
    set_legend_text_size(latent_map.legend, text_size)
    coords = np.random.default_rng(2).uniform(-3, 3, size=(400, 2)).astype(np.float32)  # the corners filled too
    latent_map.set_points(coords, np.arange(400) % 10, list(CLASS_COLOURS[:10]), [str(i) for i in range(10)])
    view = latent_map.view_box

    def points_under_the_legend() -> list:
        legend = latent_map.legend.sceneBoundingRect()
        return [(x, y) for x, y in coords if legend.contains(view.mapViewToScene(QPointF(float(x), float(y))))]

    for fit in ("by itself", "asked"):  # the map's own fit as points come, then Fit view or a double-click
        if fit == "asked":
            view.setRange(xRange=(0, 1), yRange=(0, 1))
            view.autoRange()
        qtbot.wait(200)  # laid out, the legend fitted to the map's height
        under = points_under_the_legend()
        assert not under, f"{fit}: {len(under)} points under the legend, e.g. {under[:3]}"
        assert view.sceneBoundingRect().contains(latent_map.legend.sceneBoundingRect())
        (x0, x1), (y0, y1) = view.viewRange()
        assert x0 <= coords[:, 0].min() and coords[:, 0].max() <= x1 and y0 <= coords[:, 1].min() <= y1
        assert coords[:, 1].max() <= y1, "every point still on the map"


def test_choosing_a_point_does_not_move_the_map_and_its_keys_stay_apart(qtbot):
    """Seen in a walk of the Compare tab (maps ~630×210): a click on a point showed the key of its marks, the class
    legend made itself a wide strip above the key, the map made room for that strip and squashed the points into
    its bottom half (z2 to 100 for points up to 25). The marks (a cloud wider than the points) moved it too."""
    latent_map = LatentMap()
    qtbot.addWidget(latent_map)
    latent_map.resize(630, 210)
    latent_map.show()
    qtbot.waitExposed(latent_map)
    for box in (latent_map.legend, latent_map.key):
        set_legend_text_size(box, "13pt")  # presenter mode's
    rng = np.random.default_rng(0)
    coords = np.column_stack([rng.uniform(-40, 35, 1600), rng.uniform(-5, 25, 1600)]).astype(np.float32)
    latent_map.set_points(coords, np.arange(1600) % 10, list(CLASS_COLOURS[:10]), [str(i) for i in range(10)])
    qtbot.wait(300)
    fitted = np.array(latent_map.view_box.viewRange())
    latent_map.show_selection(30.0, 20.0)
    latent_map.show_sigma_ellipse(np.array([30.0, 20.0]), np.array([6.0, 8.0]), sample=np.array([31.0, 21.0]))
    latent_map.show_samples(rng.normal(size=(16, 2)), "prior")
    qtbot.wait(300)
    assert latent_map.key.isVisible()
    np.testing.assert_allclose(latent_map.view_box.viewRange(), fitted, atol=1e-6)
    latent_map.view_box.autoRange()  # Fit view, with the marks shown: the same fit
    np.testing.assert_allclose(latent_map.view_box.viewRange(), fitted, rtol=0.02)
    legend, key = latent_map.legend.sceneBoundingRect(), latent_map.key.sceneBoundingRect()
    assert not legend.intersects(key), (legend, key)


def _points_under(latent_map: LatentMap, box, coords: np.ndarray) -> int:
    rect = box.sceneBoundingRect()
    return sum(rect.contains(latent_map.view_box.mapViewToScene(QPointF(float(x), float(y)))) for x, y in coords)


def test_the_key_of_marks_takes_the_corner_where_it_hides_fewest_points(qtbot):
    """Seen in a walk at 1280×800: the key of a chosen picture's marks, bottom left, covered ~50 points of the digits
    map while the bottom right was nearly empty. It takes the corner where it hides the fewest (never the class
    legend's), stays there for small changes, and goes back when the points move."""
    latent_map = LatentMap()
    qtbot.addWidget(latent_map)
    latent_map.resize(730, 490)
    latent_map.show()
    qtbot.waitExposed(latent_map)
    rng = np.random.default_rng(3)
    crowd = rng.uniform(0, 1, (3000, 2)) * [1, 1]
    crowd = crowd[(crowd[:, 0] < 0.5) | (crowd[:, 1] > 0.5)].astype(np.float32)  # the bottom right left empty
    latent_map.set_points(crowd, np.arange(len(crowd)) % 10, list(CLASS_COLOURS[:10]), [str(i) for i in range(10)])
    qtbot.wait(300)
    fitted = np.array(latent_map.view_box.viewRange())
    latent_map.show_selection(0.25, 0.75)
    latent_map.show_sigma_ellipse(np.array([0.25, 0.75]), np.array([0.05, 0.05]), sample=np.array([0.26, 0.74]))
    qtbot.waitUntil(lambda: latent_map.key_placer.corner == "bottom-right", timeout=3000)
    key = latent_map.key
    qtbot.waitUntil(lambda: key.sceneBoundingRect().right() > latent_map.view_box.sceneBoundingRect().center().x())
    qtbot.wait(100)
    np.testing.assert_allclose(latent_map.view_box.viewRange(), fitted)  # the key moved, the map did not
    assert _points_under(latent_map, key, crowd) == 0
    assert not key.sceneBoundingRect().intersects(latent_map.legend.sceneBoundingRect())
    moves = []
    latent_map.keys_moved.connect(lambda: moves.append(latent_map.key_placer.corner))
    latent_map.view_box.translateBy(x=0.01)  # a small pan: the key stays where it is
    qtbot.wait(400)
    assert latent_map.key_placer.corner == "bottom-right" and "bottom-left" not in moves
    # The points move into the bottom right (a new layout): the key goes back to the emptier bottom left.
    mirrored = crowd.copy()
    mirrored[:, 0] = 1 - mirrored[:, 0]
    latent_map.update_coords(mirrored)
    qtbot.waitUntil(lambda: latent_map.key_placer.corner == "bottom-left", timeout=3000)
    qtbot.wait(50)
    assert _points_under(latent_map, key, mirrored) == 0



def test_a_point_under_a_mark_is_picked_by_a_click(qtbot):
    """Found by a flaky test at 200,000 points: a click on a point that lay under the chosen picture's marks (its
    cloud's centre +, the random draws ×, a decoded place +, a path's dots) did nothing, as pyqtgraph gave the click
    to the mark's scatter, which kept it. A mark is only drawn: the click picks the point under it."""
    latent_map = LatentMap()
    qtbot.addWidget(latent_map)
    latent_map.resize(600, 500)
    latent_map.show()
    qtbot.waitExposed(latent_map)
    # Six points in the middle, away from the corners the class legend and the key take; four framing them.
    coords = np.array([[1, 1], [1.3, 1.2], [0.7, 0.8], [1.2, 0.7], [0.8, 1.3], [1.0, 1.4],
                       [-1, -1], [3, 3], [-1, 3], [3, -1]], np.float32)
    latent_map.set_points(coords, np.zeros(len(coords), np.int64), ["#ff0000"], ["a"])
    latent_map.view_box.updateAutoRange()
    _wait_drawn(qtbot, latent_map)
    clicked = []
    latent_map.point_clicked.connect(clicked.append)
    latent_map.show_selection(*coords[0])
    latent_map.show_sigma_ellipse(coords[1], np.array([0.2, 0.2]), sample=coords[0])  # its centre: on point 1
    latent_map.show_samples(coords[[2]], "prior")  # a draw on point 2
    latent_map.show_location(*coords[3])  # a decoded place on point 3
    latent_map.show_path(coords[[4, 5]])  # a path's dots on points 4 and 5
    qtbot.wait(50)
    for row in (1, 2, 3, 4, 5, 0):
        qtbot.mouseClick(latent_map.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                         pos=_pixel_of(latent_map, *coords[row]))
        assert clicked[-1:] == [row], (row, clicked)
