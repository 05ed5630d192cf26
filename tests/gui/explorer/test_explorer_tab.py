"""The Explorer tab driven like a person would: real tiny models, real clicks, the mu-only checkbox (the map, a point,
projections, colours, traversal, generation)."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QLabel

from tests.gui.explorer.explorer_tab_helpers import (
    WAIT_MS,
    _choose,
    _click_map,
    _decode,
    _empty_corner,
    _pixel_of,
    _shown,
    _wait_idle,
)
from vaegui.app.map_state import describe_row
from vaegui.gui.explorer.traversal_panel import MAX_SLIDERS
from vaegui.palette import CLASS_COLOURS, VALUE_COLOURS
from vaegui.words import word


def test_map_shows_one_point_per_sample_coloured_by_its_class(open_tab, run_z2):
    tab = open_tab(run_z2)
    data = tab.explorer.loaded.dataset
    assert tab.method_combo.currentData() == "direct"
    assert tab.map.point_count() == len(data.train)
    np.testing.assert_array_equal(_shown(tab).latents.labels, data.train.labels)
    expected = [CLASS_COLOURS[label] for label in data.train.labels]
    assert tab.map.point_brush_colours() == expected
    legend = [label.text for _, label in tab.map.legend.items]
    assert legend == [str(d) for d in range(10)]
    np.testing.assert_array_equal(tab.map.coords, _shown(tab).latents.z)  # direct: the map is z itself


def test_train_and_test_overlay_uses_two_markers(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2, split="both")
    data = tab.explorer.loaded.dataset
    assert tab.map.point_count() == len(data.train) + len(data.test)
    symbols = tab.map.point_symbols()
    assert (symbols == "t").sum() == len(data.test) and (symbols == "o").sum() == len(data.train)
    assert tab.map.key_entries() == [word("key_train"), word("key_test")]


def test_clicking_a_point_shows_its_original_and_reconstruction(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    pixels = np.array([[p.x(), p.y()] for p in (_pixel_of(tab, x, y) for x, y in tab.map.coords)], float)
    # The most isolated point on screen, so the click cannot land on a neighbour.
    from scipy.spatial import cKDTree

    distances, _ = cKDTree(pixels).query(pixels, k=2)
    # Not under the class legend: a click there is the legend's (it hides the class), never the map's.
    legend = tab.map.plot_widget.mapFromScene(tab.map.legend.sceneBoundingRect()).boundingRect()
    under_legend = np.array([legend.contains(QPoint(int(x), int(y))) for x, y in pixels])
    row = int(np.argmax(np.where(under_legend, -1.0, distances[:, 1])))
    _click_map(qtbot, tab, QPoint(int(pixels[row, 0]), int(pixels[row, 1])))
    assert tab.selection.selected.row == row
    panel = tab.point_panel
    np.testing.assert_array_equal(panel.original.image, tab.explorer.loaded.dataset.train.images[row])
    np.testing.assert_allclose(panel.reconstruction.image, _decode(tab, _shown(tab).latents.z[row]), atol=1e-6)
    assert panel.neighbours.images_shown() == 8
    np.testing.assert_allclose(tab.map.selection.getData()[0], [tab.map.coords[row, 0]])
    # Direct mode: the posterior's 1σ and 2σ ellipses are centred on mu, not on z (the dot the person
    # clicked), with half-axes of 1 and 2 × exp(log_var / 2): every drawn vertex lies on that ellipse.
    mu, z = _shown(tab).latents.mu[row], _shown(tab).latents.z[row]
    sigma = np.exp(0.5 * _shown(tab).latents.log_var[row])
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
    # The key names each of these marks, and the hover thumbnail which picture a point is.
    assert tab.map.key_entries() == [word(key) for key in ("key_selection", "key_centre", "key_link", "key_sigma1",
                                                           "key_sigma2")]
    tab.selection.sample_posterior()
    qtbot.waitUntil(lambda: word("key_posterior_samples") in tab.map.key_entries(), timeout=60_000)
    tab.map.plot_widget.scene().sigMouseMoved.emit(tab.map.view_box.mapViewToScene(QPointF(*tab.map.coords[row])))
    assert tab.map.thumbnail_caption.text() == describe_row(_shown(tab).latents, row,
                                                            tab.explorer.loaded.class_names)
    assert tab.map.thumbnail_caption.text().startswith(f"train #{_shown(tab).latents.source_index[row]} · ")


def test_clicking_empty_space_decodes_that_latent_vector(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    pixel, where = _empty_corner(tab)
    _click_map(qtbot, tab, pixel)
    assert not hasattr(tab.selection.selected, "row")
    expected = np.array([where.x(), where.y()], np.float32)
    np.testing.assert_allclose(tab.selection.selected.vector, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(tab.point_panel.reconstruction.image, _decode(tab, expected), atol=1e-5)
    assert tab.point_panel.original.image is None and "is the latent vector" in tab.point_panel.how.text()


def test_dragging_decodes_each_place_the_pointer_passes(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    decoded = []
    tab.map.location_dragged.connect(lambda x, y: decoded.append((x, y, tab.selection.selected.vector.copy())))
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
    assert np.abs(_shown(tab).latents.z - _shown(tab).latents.mu).max() > 1e-3  # sampling on: z is noisy
    mu_before = _shown(tab).latents.mu.copy()
    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, tab)
    assert tab.mu_only_checkbox.isChecked() and tab.explorer.loaded.lane_vae.mu_only and _shown(tab).latents.mu_only
    np.testing.assert_array_equal(_shown(tab).latents.z, _shown(tab).latents.mu)
    np.testing.assert_array_equal(tab.map.coords, _shown(tab).latents.mu)  # the map was redrawn from the new z
    np.testing.assert_allclose(_shown(tab).latents.mu, mu_before, rtol=1e-5, atol=1e-6)

    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, tab)
    assert not _shown(tab).latents.mu_only
    assert np.abs(_shown(tab).latents.z - _shown(tab).latents.mu).max() > 1e-3
    assert "make_predict_function(force=True)" in tab.mu_only_help.toolTip()
    assert "rebuilds the encoder's predict function" in tab.mu_only_label.text()
    assert "centre" in tab.mu_only_checkbox.toolTip()  # plain words first


def test_show_why_shows_the_three_steps_as_maps_and_numbers(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    qtbot.mouseClick(tab.show_why_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(tab, "mu_only_dialog", None) is not None, timeout=WAIT_MS)
    dialog = tab.mu_only_dialog
    steps = tab.explorer.mu_only_demo.steps
    assert len(dialog.plots) == 3 and [s.equals_mu for s in steps] == [False, False, True]
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("z = mu exactly" in t for t in texts) and any("not rebuilt" in t for t in texts)
    # Each picture draws that step's z: the stale step's points sit where sampling put them, not on mu.
    stale_points = dialog.plots[1].getPlotItem().listDataItems()[1].getData()
    np.testing.assert_allclose(np.column_stack(stale_points), steps[1].z, rtol=1e-5)
    dialog.close()


def test_switching_mu_only_while_tsne_runs_restarts_it_with_the_new_setting(open_tab, run_z4, qtbot):
    tab = open_tab(run_z4, subset=500)
    tab.explorer.tsne_iterations = 400
    _choose(qtbot, tab, tab.method_combo, "tsne", wait=False)
    first_job = tab.explorer.map_jobs.projecting[0]
    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    assert first_job.token.cancelled
    _wait_idle(qtbot, tab)
    assert _shown(tab).projection.method == "tsne" and _shown(tab).latents.mu_only
    np.testing.assert_array_equal(_shown(tab).latents.z, _shown(tab).latents.mu)
    assert tab.map.point_count() == 500


def test_pca_and_tsne_give_finite_coordinates_and_switching_back_is_cached(open_tab, run_z4, qtbot):
    pytest.importorskip("openTSNE")  # the live layouts checked below; sklearn's t-SNE shows only the end
    tab = open_tab(run_z4, subset=500)
    combo = tab.method_combo
    enabled = {combo.itemData(i): combo.model().item(i).isEnabled() for i in range(combo.count())}
    assert not enabled["direct"] and enabled["pca"] and enabled["tsne"]  # Direct is listed, but needs z_dim 2
    assert _shown(tab).projection.method == "pca"
    assert _shown(tab).projection.coords.shape == (500, 2) and np.isfinite(_shown(tab).projection.coords).all()
    layouts = []
    tab.map.points_changed.connect(lambda: layouts.append(tab.map.coords.copy()))
    _choose(qtbot, tab, tab.method_combo, "tsne")
    final = _shown(tab).projection.coords
    assert final.shape == (500, 2) and np.isfinite(final).all()
    # The map was drawn while t-SNE converged, not only at the start and the end: the PCA start first,
    # then at least one optimised layout that is neither, then the final map.
    from openTSNE.initialization import pca as pca_initialization  # the start openTSNE is given

    np.testing.assert_allclose(layouts[0], pca_initialization(_shown(tab).latents.z, random_state=0), rtol=1e-5)
    np.testing.assert_array_equal(layouts[-1], final)
    between = [layout for layout in layouts[1:-1]
               if not np.allclose(layout, layouts[0]) and not np.allclose(layout, final)]
    assert between, f"{len(layouts)} layouts drawn, none between the PCA start and the final map"
    tsne_key = tab.explorer.map_key()
    pca = tab.explorer.map_jobs.maps.get(type(tsne_key)(tsne_key.latents, "pca")).projection
    _choose(qtbot, tab, tab.method_combo, "pca", wait=False)
    assert not tab.is_busy() and _shown(tab).projection is pca  # from the cache, at once
    # PCA's inverse maps an empty place back into the latent space.
    vector = tab.selection.select_location(5.0, -5.0)
    np.testing.assert_allclose(vector, pca.pca_mean + np.array([5.0, -5.0]) @ pca.pca_components, rtol=1e-5)
    assert tab.point_panel.how.text() == "PCA inverse transform of the clicked location."


def test_cancel_button_stops_tsne_and_a_later_projection_still_works(open_tab, run_z4, qtbot):
    pytest.importorskip("openTSNE")  # sklearn's t-SNE cannot stop mid-way
    tab = open_tab(run_z4, subset=500)
    assert not tab.cancel_button.isVisible()  # idle: nothing to cancel
    tab.explorer.tsne_iterations = 5000  # far longer than the test waits
    assert _shown(tab).projection.method == "pca"
    pca_key, pca_coords = tab.explorer.map_key(), _shown(tab).projection.coords.copy()
    _choose(qtbot, tab, tab.method_combo, "tsne", wait=False)
    job, tsne_key = tab.explorer.map_jobs.projecting
    qtbot.waitUntil(lambda: tab.explorer.forming is not None, timeout=WAIT_MS)
    assert tab.cancel_button.isVisible() and tab.progress_bar.isVisible()
    assert not tab.export_button.isEnabled()  # a half-formed layout is not a map to export
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    assert job.token.cancelled
    qtbot.waitUntil(lambda: tab.runner.running() == 0, timeout=5_000)
    qtbot.wait(200)  # layouts the worker queued before it stopped would arrive now
    assert not tab.cancel_button.isVisible() and not tab.progress_bar.isVisible() and not tab.is_busy()
    assert tab.explorer.map_jobs.maps.get(tsne_key) is None and tab.explorer.forming is None  # no t-SNE result kept
    assert tab.export_button.isEnabled()
    # The finished PCA map is back, with its method chosen, instead of a half-formed layout nothing can use.
    # What the map is first (the line stays true while it shows), then what was cancelled.
    count = tab.map.point_count()
    assert tab.status_label.text() == f"PCA of {count:,} pictures. t-SNE cancelled, this map shown again."
    assert tab.method_combo.currentData() == "pca" and tab.explorer.map_key() == pca_key
    assert _shown(tab).projection.method == "pca"
    np.testing.assert_array_equal(tab.map.coords, pca_coords)
    assert not tab.message_label.isVisible()  # cancelling is not an error
    _click_map(qtbot, tab, _pixel_of(tab, *pca_coords[7]))  # and it answers clicks again
    assert tab.selection.selected.row == 7

    # The tab is not stuck: a new t-SNE runs to the end.
    tab.explorer.tsne_iterations = 150
    _choose(qtbot, tab, tab.method_combo, "tsne")
    key = tab.explorer.map_key()
    assert _shown(tab).projection.method == "tsne" and tab.explorer.map_jobs.maps.get(key) is not None
    np.testing.assert_array_equal(tab.map.coords, _shown(tab).projection.coords)
    assert tab.status_label.text().startswith("t-SNE of 500 pictures")


def test_clicking_empty_space_in_tsne_decodes_the_nearest_points_weighted_mean(open_tab, run_z4, qtbot):
    tab = open_tab(run_z4, subset=500)
    _choose(qtbot, tab, tab.method_combo, "tsne")
    pixel, where = _empty_corner(tab)
    _click_map(qtbot, tab, pixel)
    assert not hasattr(tab.selection.selected, "row")
    how = tab.point_panel.how
    assert how.isVisible()
    assert how.text() == ("t-SNE has no inverse: inverse-distance weighted mean of the 8 nearest points' "
                          "latent vectors.")
    # The decoded vector is that weighted mean, computed here from the map and the projected vectors.
    coords, vectors = _shown(tab).projection.coords, _shown(tab).latents.z
    distances = np.linalg.norm(coords - (where.x(), where.y()), axis=1)
    rows = np.argsort(distances)[:8]
    weights = 1 / distances[rows] ** 2
    expected = (weights[:, None] * vectors[rows]).sum(0) / weights.sum()
    np.testing.assert_allclose(tab.selection.selected.vector, expected, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(tab.point_panel.reconstruction.image, _decode(tab, expected), atol=1e-4)


def test_colour_by_kl_follows_each_samples_kl(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    _choose(qtbot, tab, tab.colour_combo, "kl")
    mu, log_var = _shown(tab).latents.mu.astype(np.float64), _shown(tab).latents.log_var.astype(np.float64)
    kl = -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=1)  # KL(N(mu, σ²) || N(0, I)) per sample
    np.testing.assert_allclose(_shown(tab).latents.kl, kl, rtol=1e-4, atol=1e-5)
    colours = tab.map.point_brush_colours()
    assert colours[int(np.argmax(kl))] == VALUE_COLOURS[-1] and colours[int(np.argmin(kl))] == VALUE_COLOURS[0]
    # Sorted by KL, the colours step through the colormap from its start to its end, never back.
    steps = np.array([VALUE_COLOURS.index(colour) for colour in colours])[np.argsort(kl, kind="stable")]
    assert np.all(np.diff(steps) >= 0) and set(steps) == set(range(len(VALUE_COLOURS)))
    legend = [label.text for _, label in tab.map.legend.items]
    assert len(legend) == len(VALUE_COLOURS) and all(text.startswith("KL ") for text in legend)


def test_traverse_panel_shows_at_most_16_sliders_largest_kl_first(open_tab, run_z20, qtbot):
    tab = open_tab(run_z20, subset=500)
    latents = _shown(tab).latents
    mu, log_var = latents.mu.astype(np.float64), latents.log_var.astype(np.float64)
    kl = -0.5 * np.mean(1 + log_var - mu**2 - np.exp(log_var), axis=0)  # each dimension's mean KL
    assert kl.max() - kl.min() > 1e-3  # the order below means something
    tab.selection.select_row(5)
    panel = tab.traversal_panel
    dimensions = [dimension for dimension, _, _ in panel.sliders]
    assert len(dimensions) == MAX_SLIDERS == 16 and len(set(dimensions)) == 16
    shown, left_out = kl[dimensions], np.delete(kl, dimensions)
    assert np.all(np.diff(shown) <= 1e-6) and shown.min() >= left_out.max() - 1e-6
    # What a person reads: the name (counted from 1) and KL of each slider's dimension, row by row.
    assert panel.grid.count() == 16 * 4
    for row, dimension in enumerate(dimensions):
        assert panel.grid.itemAtPosition(row, 0).widget().text() == f"z{dimension + 1}"
        assert panel.grid.itemAtPosition(row, 3).widget().text() == word("traverse_kl", kl=kl[dimension])


def test_a_far_out_point_can_be_traversed_away_and_back_to_its_own_value(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    tab.selection.select_location(-7.9, 1.0)  # far outside the prior's ±4
    dimension, slider, label = tab.traversal_panel.sliders[0]
    own = slider.value()
    assert slider.minimum() < own < slider.maximum() or own == slider.minimum()
    assert label.text() == f"{[-7.9, 1.0][dimension]:+.2f}"
    slider.setValue(slider.maximum())
    assert tab.selection.traversal.vector[dimension] >= 2.99  # the prior reaches ±3 at least
    slider.setValue(own)
    assert tab.selection.traversal.vector[dimension] == np.float32([-7.9, 1.0][dimension])
    np.testing.assert_allclose(tab.traversal_panel.image.image, _decode(tab, np.float32([-7.9, 1.0])), atol=1e-6)


def test_colour_by_error_and_lists_of_worst_and_most_uncertain(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    _choose(qtbot, tab, tab.colour_combo, "error")
    colours = np.array(tab.map.point_brush_colours())
    worst = int(np.argmax(_shown(tab).latents.reconstruction_error))
    best = int(np.argmin(_shown(tab).latents.reconstruction_error))
    assert colours[worst] == VALUE_COLOURS[-1] and colours[best] == VALUE_COLOURS[0]
    rows = tab.worst_list.rows()
    errors = _shown(tab).latents.reconstruction_error[rows]
    assert rows[0] == worst and np.all(np.diff(errors) <= 0)
    log_var_rows = tab.log_var_list.rows()
    assert log_var_rows[0] == int(np.argmax(_shown(tab).latents.log_var.mean(axis=1)))
    tab.worst_list.itemClicked.emit(tab.worst_list.item(2))
    assert tab.selection.selected.row == rows[2]


def test_generation_tools_sample_interpolate_traverse_and_grid(open_tab, run_z2, qtbot):
    tab = open_tab(run_z2)
    panel = tab.point_panel
    # Nothing chosen yet: the hint alone, no black tiles and no empty axes.
    assert not any(w.isVisibleTo(tab) for w in (panel.tiles, panel.bars, panel.neighbours, panel.samples))
    tab.selection.select_row(3)
    assert panel.tiles.isVisibleTo(tab) and panel.bars.isVisibleTo(tab) and panel.neighbours.isVisibleTo(tab)
    assert not panel.samples.isVisibleTo(tab)  # no black tiles before a draw
    qtbot.mouseClick(panel.sample_button, Qt.MouseButton.LeftButton)
    assert panel.samples.images_shown() == 16 and panel.samples.isVisibleTo(tab)
    assert len(tab.map.samples.data) == 16  # the draws are marked on the map
    qtbot.mouseClick(tab.generation_panel.prior_button, Qt.MouseButton.LeftButton)
    assert tab.generation_panel.prior_images.images_shown() == 16
    qtbot.mouseClick(tab.generation_panel.a_button, Qt.MouseButton.LeftButton)
    tab.selection.select_row(40)
    qtbot.mouseClick(tab.generation_panel.b_button, Qt.MouseButton.LeftButton)
    strip = tab.generation_panel.strip
    assert strip.images_shown() == 10
    np.testing.assert_allclose(strip.tiles[0].image, _decode(tab, _shown(tab).latents.mu[3]), atol=1e-5)
    np.testing.assert_allclose(strip.tiles[-1].image, _decode(tab, _shown(tab).latents.mu[40]), atol=1e-5)
    # Traversal: moving the first slider changes that coordinate and the decoded image.
    dimension, slider, _ = tab.traversal_panel.sliders[0]
    slider.setValue(slider.maximum() - 3)
    expected = _shown(tab).latents.mu[40].copy()
    expected[dimension] = tab.selection.traversal.axis(dimension).value(slider.maximum() - 3)
    np.testing.assert_allclose(tab.traversal_panel.image.image, _decode(tab, expected), atol=1e-5)
    qtbot.mouseClick(tab.generation_panel.grid_button, Qt.MouseButton.LeftButton)
    assert not tab.generation_panel.grid_image.pixmap().isNull()
