"""The Explorer tab driven like a person would: real tiny models, real clicks, the mu-only checkbox."""
from __future__ import annotations

import csv
import time

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from tests.latent.conftest import train_tiny_run
from vaegui.gui.app_state import AppState
from vaegui.gui.explorer_tab import ExplorerTab
from vaegui.gui.latent_map import CLASS_COLOURS
from vaegui.gui.traversal_panel import MAX_SLIDERS

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
    qtbot.waitUntil(lambda: not tab.is_busy() and tab.projection is not None, timeout=WAIT_MS)
    # Let pyqtgraph apply its pending auto-range, so data ↔ pixel mapping is final before clicking.
    tab.map.view_box.updateAutoRange()
    qtbot.wait(20)


@pytest.fixture
def open_tab(qtbot):
    def make(run, **choices):
        tab = ExplorerTab(AppState())
        qtbot.addWidget(tab)
        tab.resize(1300, 800)
        tab.show()
        tab.tsne_iterations = 150
        tab.subset_combo.setCurrentIndex(tab.subset_combo.findData(choices.pop("subset", None)))
        tab.split_combo.setCurrentIndex(tab.split_combo.findData(choices.pop("split", "train")))
        tab.open_run(run)
        _wait_idle(qtbot, tab)
        return tab

    return make


def _pixel_of(tab, x, y) -> QPoint:
    scene = tab.map.view_box.mapViewToScene(QPointF(float(x), float(y)))
    view = tab.map.plot_widget.mapFromScene(scene)
    return QPoint(int(round(view.x())), int(round(view.y())))


def _click_map(qtbot, tab, pixel: QPoint):
    qtbot.mouseClick(tab.map.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pixel)


def _choose(qtbot, tab, combo, data):
    combo.setCurrentIndex(combo.findData(data))
    _wait_idle(qtbot, tab)


def test_map_shows_one_point_per_sample_coloured_by_its_class(open_tab, run_z2):
    tab = open_tab(run_z2)
    data = tab.loaded.dataset
    assert tab.method_combo.currentData() == "direct"
    assert tab.map.point_count() == len(data.train)
    np.testing.assert_array_equal(tab.latents.labels, data.train.labels)
    expected = [CLASS_COLOURS[label] for label in data.train.labels]
    assert tab.map.point_brush_colours() == expected
    legend = [label.text for _, label in tab.map.legend.items]
    assert legend == [str(d) for d in range(10)]
    np.testing.assert_array_equal(tab.map.coords, tab.latents.z)  # direct: the map is z itself


def test_train_and_test_overlay_uses_two_markers(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2, split="both")
    data = tab.loaded.dataset
    assert tab.map.point_count() == len(data.train) + len(data.test)
    symbols = tab.map.point_symbols()
    assert (symbols == "t").sum() == len(data.test) and (symbols == "o").sum() == len(data.train)
    assert [label.text for _, label in tab.map.legend.items][-2:] == ["train", "test"]


def test_clicking_a_point_shows_its_original_and_reconstruction(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    pixels = np.array([[p.x(), p.y()] for p in (_pixel_of(tab, x, y) for x, y in tab.map.coords)], float)
    # The most isolated point on screen, so the click cannot land on a neighbour.
    from scipy.spatial import cKDTree

    distances, _ = cKDTree(pixels).query(pixels, k=2)
    row = int(np.argmax(distances[:, 1]))
    _click_map(qtbot, tab, QPoint(int(pixels[row, 0]), int(pixels[row, 1])))
    assert tab.selected_row == row
    panel = tab.point_panel
    np.testing.assert_array_equal(panel.original.image, tab.loaded.dataset.train.images[row])
    np.testing.assert_allclose(panel.reconstruction.image, tab.model.decode_one(tab.latents.z[row]), atol=1e-6)
    assert panel.neighbours.images_shown() == 8
    np.testing.assert_allclose(tab.map.selection.getData()[0], [tab.map.coords[row, 0]])
    # Direct mode: the posterior's 1σ and 2σ ellipses are centred on mu, not on z (the dot the person
    # clicked), with half-axes of 1 and 2 × exp(log_var / 2): every drawn vertex lies on that ellipse.
    mu, z = tab.latents.mu[row], tab.latents.z[row]
    sigma = np.exp(0.5 * tab.latents.log_var[row])
    assert np.abs((z - mu) / sigma).max() > 0.05  # sampling on: an ellipse around z would fail below
    for scale, ellipse in zip((1, 2), tab.map.ellipses):
        xs, ys = ellipse.getData()
        assert len(xs) > 8
        np.testing.assert_allclose(((xs - mu[0]) / sigma[0]) ** 2 + ((ys - mu[1]) / sigma[1]) ** 2, scale**2,
                                   rtol=1e-3)
        np.testing.assert_allclose([xs.max() - xs.min(), ys.max() - ys.min()], 2 * scale * sigma, rtol=0.01)
    # Its centre is marked, and a line leads from it to the sampled z on the map.
    centre_x, centre_y = tab.map.posterior_centre.getData()
    np.testing.assert_allclose([centre_x[0], centre_y[0]], mu, rtol=1e-5)
    link_x, link_y = tab.map.posterior_link.getData()
    np.testing.assert_allclose(np.column_stack([link_x, link_y]), [mu, z], rtol=1e-5)


def test_clicking_empty_space_decodes_that_latent_vector(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    (x0, x1), (y0, y1) = tab.map.view_box.viewRange()
    pixel = _pixel_of(tab, x0 + 0.03 * (x1 - x0), y1 - 0.03 * (y1 - y0))  # a corner: no points there
    scene = tab.map.plot_widget.mapToScene(pixel)
    where = tab.map.view_box.mapSceneToView(scene)
    _click_map(qtbot, tab, pixel)
    assert tab.selected_row is None
    expected = np.array([where.x(), where.y()], np.float32)
    np.testing.assert_allclose(tab.selected_vector, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(tab.point_panel.reconstruction.image, tab.model.decode_one(expected), atol=1e-5)
    assert tab.point_panel.original.image is None and "is the latent vector" in tab.point_panel.how.text()


def test_dragging_decodes_each_place_the_pointer_passes(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    decoded = []
    tab.map.location_dragged.connect(lambda x, y: decoded.append((x, y, tab.selected_vector.copy())))
    view_box = tab.map.view_box
    (x0, x1), (y0, y1) = view_box.viewRange()
    path = [(x0 + f * (x1 - x0), y0 + 0.5 * (y1 - y0)) for f in (0.1, 0.3, 0.5, 0.7)]
    # pyqtgraph turns press/move/release into drag events; send them as the scene would receive them.
    from pyqtgraph.GraphicsScene.mouseEvents import MouseDragEvent
    from PySide6.QtWidgets import QGraphicsSceneMouseEvent

    def scene_event(point, kind):
        event = QGraphicsSceneMouseEvent(kind)
        scene_pos = view_box.mapViewToScene(QPointF(*point))
        event.setScenePos(scene_pos)
        event.setScreenPos(QPoint(int(scene_pos.x()), int(scene_pos.y())))
        event.setButton(Qt.MouseButton.LeftButton)
        event.setButtons(Qt.MouseButton.LeftButton)
        return event

    from PySide6.QtCore import QEvent

    press = scene_event(path[0], QEvent.Type.GraphicsSceneMousePress)
    for i, point in enumerate(path[1:], start=1):
        move = scene_event(point, QEvent.Type.GraphicsSceneMouseMove)
        drag = MouseDragEvent(move, press, scene_event(path[i - 1], QEvent.Type.GraphicsSceneMouseMove),
                              start=i == 1, finish=i == len(path) - 1)
        view_box.mouseDragEvent(drag)
    assert len(decoded) == 3
    for (x, y, vector), point in zip(decoded, path[1:]):
        np.testing.assert_allclose(vector, point, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose((x, y), point, rtol=1e-4, atol=1e-4)


def test_mu_only_checkbox_rebuilds_predict_so_z_equals_mu_then_noise_returns(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    assert np.abs(tab.latents.z - tab.latents.mu).max() > 1e-3  # sampling on: z is noisy
    mu_before = tab.latents.mu.copy()
    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, tab)
    assert tab.mu_only_checkbox.isChecked() and tab.model.mu_only and tab.latents.mu_only
    np.testing.assert_array_equal(tab.latents.z, tab.latents.mu)
    np.testing.assert_array_equal(tab.map.coords, tab.latents.mu)  # the map was redrawn from the new z
    np.testing.assert_allclose(tab.latents.mu, mu_before, rtol=1e-5, atol=1e-6)

    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, tab)
    assert not tab.latents.mu_only
    assert np.abs(tab.latents.z - tab.latents.mu).max() > 1e-3
    assert "make_predict_function(force=True)" in tab.mu_only_help.toolTip()
    assert "rebuilds the encoder's predict function" in tab.mu_only_label.text()


def test_switching_mu_only_while_tsne_runs_restarts_it_with_the_new_setting(open_tab, run_z4, qtbot):
    tab = open_tab(run_z4, subset=500)
    tab.tsne_iterations = 400
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("tsne"))
    first_job = tab._job
    assert first_job is not None and first_job.kind == "map"
    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    assert first_job.token.cancelled
    _wait_idle(qtbot, tab)
    assert tab.projection.method == "tsne" and tab.latents.mu_only
    np.testing.assert_array_equal(tab.latents.z, tab.latents.mu)
    assert tab.map.point_count() == 500


def test_pca_and_tsne_give_finite_coordinates_and_switching_back_is_cached(open_tab, run_z4, qtbot):
    pytest.importorskip("openTSNE")  # the live layouts checked below; sklearn's t-SNE shows only the end
    tab = open_tab(run_z4, subset=500)
    methods = [tab.method_combo.itemData(i) for i in range(tab.method_combo.count())]
    assert "direct" not in methods and {"pca", "tsne"} <= set(methods)
    assert tab.projection.method == "pca"
    assert tab.projection.coords.shape == (500, 2) and np.isfinite(tab.projection.coords).all()
    layouts = []
    tab.map.points_changed.connect(lambda: layouts.append(tab.map.coords.copy()))
    _choose(qtbot, tab, tab.method_combo, "tsne")
    final = tab.projection.coords
    assert final.shape == (500, 2) and np.isfinite(final).all()
    # The map was drawn while t-SNE converged, not only at the start and the end: the PCA start first,
    # then at least one optimised layout that is neither, then the final map.
    from openTSNE.initialization import pca as pca_initialization  # the start openTSNE is given

    np.testing.assert_allclose(layouts[0], pca_initialization(tab.latents.z, random_state=0), rtol=1e-5)
    np.testing.assert_array_equal(layouts[-1], final)
    between = [layout for layout in layouts[1:-1]
               if not np.allclose(layout, layouts[0]) and not np.allclose(layout, final)]
    assert between, f"{len(layouts)} layouts drawn, none between the PCA start and the final map"
    pca = tab.map_cache.get(tab._map_key()[:-1] + ("pca",))[1]
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("pca"))
    assert tab._job is None and tab.projection is pca  # from the cache, at once
    # PCA's inverse maps an empty place back into the latent space.
    vector = tab.decode_location(5.0, -5.0)
    np.testing.assert_allclose(vector, pca.pca_mean + np.array([5.0, -5.0]) @ pca.pca_components, rtol=1e-5)
    assert tab.point_panel.how.text() == "PCA inverse transform of the clicked location."


def test_cancel_button_stops_tsne_and_a_later_projection_still_works(open_tab, run_z4, qtbot):
    pytest.importorskip("openTSNE")  # sklearn's t-SNE cannot stop mid-way
    tab = open_tab(run_z4, subset=500)
    assert not tab.cancel_button.isVisible()  # idle: nothing to cancel
    tab.tsne_iterations = 5000  # far longer than the test waits
    assert tab.projection.method == "pca"
    pca_key, pca_coords = tab._map_key(), tab.projection.coords.copy()
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("tsne"))
    job = tab._job
    ended = []
    job.thread.finished.connect(lambda: ended.append(True))
    qtbot.waitUntil(lambda: job.layout_shown, timeout=WAIT_MS)
    assert tab.cancel_button.isVisible() and tab.progress_bar.isVisible()
    assert tab.projection is None  # a half-formed t-SNE layout is on show
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    assert job.token.cancelled
    qtbot.waitUntil(lambda: bool(ended) and tab._job is None, timeout=5_000)
    qtbot.wait(200)  # layouts the worker queued before it stopped would arrive now
    assert not tab.cancel_button.isVisible() and not tab.progress_bar.isVisible() and not tab.is_busy()
    assert tab.map_cache.get(job.key) is None  # no t-SNE result kept
    # The finished PCA map is back, with its method chosen, instead of a half-formed layout nothing can use.
    assert tab.status_label.text() == "Cancelled: the PCA map is shown again."
    assert tab.method_combo.currentData() == "pca" and tab._map_key() == pca_key
    assert tab.projection.method == "pca"
    np.testing.assert_array_equal(tab.map.coords, pca_coords)
    assert not tab.message_label.isVisible()  # cancelling is not an error
    _click_map(qtbot, tab, _pixel_of(tab, *pca_coords[7]))  # and it answers clicks again
    assert tab.selected_row == 7

    # The tab is not stuck: a new t-SNE runs to the end.
    tab.tsne_iterations = 150
    _choose(qtbot, tab, tab.method_combo, "tsne")
    assert tab.projection.method == "tsne" and tab.map_cache.get(tab._map_key()) is not None
    np.testing.assert_array_equal(tab.map.coords, tab.projection.coords)
    assert tab.status_label.text().startswith("t-SNE of 500 points in")


def test_clicking_empty_space_in_tsne_decodes_the_nearest_points_weighted_mean(open_tab, run_z4, qtbot):
    tab = open_tab(run_z4, subset=500)
    _choose(qtbot, tab, tab.method_combo, "tsne")
    (x0, x1), (y0, y1) = tab.map.view_box.viewRange()
    pixel = _pixel_of(tab, x0 + 0.03 * (x1 - x0), y1 - 0.03 * (y1 - y0))  # a corner: no points there
    where = tab.map.view_box.mapSceneToView(tab.map.plot_widget.mapToScene(pixel))
    _click_map(qtbot, tab, pixel)
    assert tab.selected_row is None
    how = tab.point_panel.how
    assert how.isVisible()
    assert how.text() == ("t-SNE has no inverse: inverse-distance weighted mean of the 8 nearest points' "
                          "latent vectors.")
    # The decoded vector is that weighted mean, computed here from the map and the projected vectors.
    coords, vectors = tab.projection.coords, tab.latents.z
    distances = np.linalg.norm(coords - (where.x(), where.y()), axis=1)
    rows = np.argsort(distances)[:8]
    weights = 1 / distances[rows] ** 2
    expected = (weights[:, None] * vectors[rows]).sum(0) / weights.sum()
    np.testing.assert_allclose(tab.selected_vector, expected, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(tab.point_panel.reconstruction.image, tab.model.decode_one(expected), atol=1e-4)


def test_colour_by_kl_follows_each_samples_kl(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    tab.colour_combo.setCurrentIndex(tab.colour_combo.findData("kl"))
    mu, log_var = tab.latents.mu.astype(np.float64), tab.latents.log_var.astype(np.float64)
    kl = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=1)  # KL(N(mu, σ²) || N(0, I)) per sample
    np.testing.assert_allclose(tab.latents.kl, kl, rtol=1e-4, atol=1e-5)
    from vaegui.gui.explorer_tab import VALUE_COLOURS

    colours = tab.map.point_brush_colours()
    assert colours[int(np.argmax(kl))] == VALUE_COLOURS[-1] and colours[int(np.argmin(kl))] == VALUE_COLOURS[0]
    # Sorted by KL, the colours step through the colormap from its start to its end, never back.
    steps = np.array([VALUE_COLOURS.index(colour) for colour in colours])[np.argsort(kl, kind="stable")]
    assert np.all(np.diff(steps) >= 0) and set(steps) == set(range(len(VALUE_COLOURS)))
    legend = [label.text for _, label in tab.map.legend.items]
    assert len(legend) == len(VALUE_COLOURS) and all(text.startswith("KL ") for text in legend)


def test_traverse_panel_shows_at_most_16_sliders_largest_kl_first(open_tab, run_z20, qtbot):
    tab = open_tab(run_z20, subset=500)
    mu, log_var = tab.latents.mu.astype(np.float64), tab.latents.log_var.astype(np.float64)
    kl = -0.5 * np.mean(1 + log_var - mu**2 - np.exp(log_var), axis=0)  # each dimension's mean KL
    assert kl.max() - kl.min() > 1e-3  # the order below means something
    panel = tab.traversal_panel
    dimensions = [dimension for dimension, _, _ in panel.sliders]
    assert len(dimensions) == MAX_SLIDERS == 16 and len(set(dimensions)) == 16
    shown, left_out = kl[dimensions], np.delete(kl, dimensions)
    assert np.all(np.diff(shown) <= 1e-6) and shown.min() >= left_out.max() - 1e-6
    # What a person reads: the name and KL of each slider's dimension, row by row, and no 17th row.
    assert panel.grid.count() == 16 * 4
    for row, dimension in enumerate(dimensions):
        assert panel.grid.itemAtPosition(row, 0).widget().text() == f"z{dimension}"
        assert panel.grid.itemAtPosition(row, 3).widget().text() == f"KL {kl[dimension]:.2f}"


def test_colour_by_error_and_lists_of_worst_and_most_uncertain(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    tab.colour_combo.setCurrentIndex(tab.colour_combo.findData("error"))
    colours = np.array(tab.map.point_brush_colours())
    worst = int(np.argmax(tab.latents.reconstruction_error))
    best = int(np.argmin(tab.latents.reconstruction_error))
    assert colours[worst] == "#fde725" and colours[best] == "#440154"
    rows = tab.worst_list.rows()
    errors = tab.latents.reconstruction_error[rows]
    assert rows[0] == worst and np.all(np.diff(errors) <= 0)
    log_var_rows = tab.log_var_list.rows()
    assert log_var_rows[0] == int(np.argmax(tab.latents.log_var.mean(axis=1)))
    tab.worst_list.setCurrentRow(2)
    assert tab.selected_row == rows[2]


def test_generation_tools_sample_interpolate_traverse_and_grid(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    tab.select_row(3)
    qtbot.mouseClick(tab.point_panel.sample_button, Qt.MouseButton.LeftButton)
    assert tab.point_panel.samples.images_shown() == 16
    assert len(tab.map.samples.data) == 16  # the draws are marked on the map
    qtbot.mouseClick(tab.generation_panel.prior_button, Qt.MouseButton.LeftButton)
    assert tab.generation_panel.prior_images.images_shown() == 16
    qtbot.mouseClick(tab.generation_panel.a_button, Qt.MouseButton.LeftButton)
    tab.select_row(40)
    qtbot.mouseClick(tab.generation_panel.b_button, Qt.MouseButton.LeftButton)
    strip = tab.generation_panel.strip
    assert strip.images_shown() == 10
    np.testing.assert_allclose(strip.tiles[0].image, tab.model.decode_one(tab.latents.mu[3]), atol=1e-5)
    np.testing.assert_allclose(strip.tiles[-1].image, tab.model.decode_one(tab.latents.mu[40]), atol=1e-5)
    # Traversal: moving the first slider changes that coordinate and the decoded image.
    dimension, slider, _ = tab.traversal_panel.sliders[0]
    slider.setValue(250)
    expected = tab.latents.mu[40].copy()
    expected[dimension] = 2.5
    np.testing.assert_allclose(tab.traversal_panel.image.image, tab.model.decode_one(expected), atol=1e-5)
    qtbot.mouseClick(tab.generation_panel.grid_button, Qt.MouseButton.LeftButton)
    assert not tab.generation_panel.grid_image.pixmap().isNull()


def test_exports_write_readable_files(open_tab, run_z2, tmp_path):
    from PySide6.QtGui import QImage

    tab = open_tab(run_z2)
    tab.export_map(tmp_path / "map.png")
    tab.export_map(tmp_path / "map.svg")
    tab.export_coordinates(tmp_path / "map.csv")
    tab.export_coordinates(tmp_path / "map.npz")
    image = QImage(str(tmp_path / "map.png"))
    assert not image.isNull() and image.width() >= 800
    svg = (tmp_path / "map.svg").read_text()
    assert svg.startswith("<?xml") and svg.count("<path") >= len(tab.latents)  # every point a vector symbol
    rows = list(csv.DictReader(open(tmp_path / "map.csv")))
    assert len(rows) == len(tab.latents) and rows[0]["class"] == tab.loaded.class_names[tab.latents.labels[0]]
    with np.load(tmp_path / "map.npz") as saved:
        np.testing.assert_array_equal(saved["coords"], tab.projection.coords)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.csv", "map.npz", "map.png", "map.svg"]


def test_foreign_keras_pair_opens_and_a_wrong_pair_gets_a_clear_message(qtbot, tmp_path):
    from tests.latent.test_foreign_model import _keras_io_pair

    _keras_io_pair(tmp_path)
    tab = ExplorerTab(AppState())
    qtbot.addWidget(tab)
    tab.show()
    tab.subset_combo.setCurrentIndex(0)
    tab.open_foreign_model(tmp_path / "decoder.keras", tmp_path / "encoder.keras", "digits")
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=WAIT_MS)
    assert tab.message_label.isVisible() and "keras.io VAE layout" in tab.message_label.text()
    assert tab.model is None
    tab.open_foreign_model(tmp_path / "encoder.keras", tmp_path / "decoder.keras", "digits")
    _wait_idle(qtbot, tab)
    assert not tab.message_label.isVisible()
    assert tab.map.point_count() == len(tab.loaded.dataset.train) and "encoder.keras" in tab.source_label.text()
    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, tab)
    np.testing.assert_array_equal(tab.latents.z, tab.latents.mu)


def test_a_folder_that_is_not_a_run_gets_a_message(qtbot, tmp_path):
    tab = ExplorerTab(AppState())
    qtbot.addWidget(tab)
    tab.show()
    tab.open_run_folder(tmp_path)
    assert tab.message_label.isVisible() and "not a vaegui run folder" in tab.message_label.text()


def test_follows_the_app_state_run_and_its_new_checkpoints(qtbot, run_z2):
    state = AppState()
    tab = ExplorerTab(state)
    qtbot.addWidget(tab)
    tab.show()
    state.set_run(run_z2)
    _wait_idle(qtbot, tab)
    first_key = tab.loaded.weights_key
    model = tab.model
    state.run_updated.emit(run_z2)
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=WAIT_MS)
    assert tab.model is model and tab.loaded.weights_key == first_key  # same checkpoint: reloaded in place
    assert model is not run_z2.model  # never the training thread's model


def test_shutdown_cancels_a_running_tsne_within_two_seconds(open_tab, run_z4, qtbot):
    tab = open_tab(run_z4)
    tab.tsne_iterations = 5000
    tab.method_combo.setCurrentIndex(tab.method_combo.findData("tsne"))
    job = tab._job
    qtbot.waitUntil(lambda: job.layout_shown, timeout=WAIT_MS)
    started = time.perf_counter()
    tab.shutdown()
    assert time.perf_counter() - started < 2.0
    assert job.token.cancelled and job.thread.isFinished()
