"""The person's own pictures, dropped onto the Explorer's map as a file manager drops them: encoded like the run's
images, placed exactly (direct, PCA) or by the fitted t-SNE, shown with the model's copy and nearest images."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vaegui.app.your_pictures import PictureDetails
from vaegui.gui.app_state import AppState
from vaegui.gui.explorer.explorer_tab import ExplorerTab

WAIT_MS = 60_000


@pytest.fixture
def open_tab(qtbot, device):
    tabs = []

    def make(run, method=None):
        state = AppState()
        state.tensorflow_loaded = True
        tab = ExplorerTab(state)
        qtbot.addWidget(tab)
        tab.resize(1300, 800)
        tab.show()
        tabs.append(tab)
        tab.explorer.tsne_iterations = 150
        tab.explorer.set_split("test")
        tab.open_run_folder(run.folder)
        _wait_idle(qtbot, tab)
        if method is not None:
            tab.controls.choose(tab.method_combo, method)
            _wait_idle(qtbot, tab)
        return tab

    yield make
    for tab in tabs:
        tab.shutdown()


def _wait_idle(qtbot, tab):
    qtbot.waitUntil(lambda: not tab.is_busy() and tab.explorer.shown is not None and tab.explorer.forming is None,
                    timeout=WAIT_MS)
    tab.map.view_box.updateAutoRange()
    qtbot.wait(20)


def _pngs(tmp_path, dataset, indices):
    """Test images of the run written as 8-bit PNG files, as a person would have them."""
    paths = []
    for index in indices:
        paths.append(tmp_path / f"digit-{index}.png")
        Image.fromarray(np.round(dataset.test.images[index][..., 0] * 255).astype(np.uint8)).save(paths[-1])
    return paths


def _drop(viewport, paths) -> None:
    """Drag files in from outside and let go over the map: enter, move, drop, as Qt delivers them."""
    pixel = QPoint(200, 200)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    actions, button, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for event in (QDragEnterEvent(pixel, actions, mime, button, none), QDragMoveEvent(pixel, actions, mime, button,
                                                                                      none)):
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted()
    drop = QDropEvent(QPointF(pixel), actions, mime, button, none)
    QApplication.sendEvent(viewport, drop)
    assert drop.isAccepted()


def _pixel_of(tab, x, y) -> QPoint:
    view = tab.map.plot_widget.mapFromScene(tab.map.view_box.mapViewToScene(QPointF(float(x), float(y))))
    return QPoint(int(round(view.x())), int(round(view.y())))


def _prepared(path) -> np.ndarray:
    """The picture as the model must see it, read here without vaegui: 8-bit grey scaled to [0, 1]."""
    return (np.asarray(Image.open(path).convert("L"), np.float32) / 255)[..., None]


def test_dropped_pictures_are_encoded_placed_exactly_and_shown_with_copy_and_neighbours(open_tab, tiny_run, qtbot,
                                                                                        tmp_path):
    tab = open_tab(tiny_run)
    dataset = tab.explorer.loaded.dataset
    paths = _pngs(tmp_path, dataset, (5, 17))
    _drop(tab.map.plot_widget.viewport(), paths)
    qtbot.waitUntil(lambda: isinstance(tab.selection.selected, PictureDetails), timeout=WAIT_MS)
    codes, shown = tab.pictures.codes, tab.explorer.shown
    model = tiny_run.load_model()  # a copy of its own: the check owes nothing to the tab
    for row, path in enumerate(paths):
        mu, log_var, _ = model.encoder.predict_on_batch(_prepared(path)[None])
        np.testing.assert_allclose(codes.mu[row], mu[0], atol=1e-5)
        np.testing.assert_allclose(codes.log_var[row], log_var[0], atol=1e-5)
    # A direct map: each star sits at its picture's latent vector itself.
    np.testing.assert_array_equal(tab.map_view.pictures.positions, codes.z)
    chosen = tab.selection.selected
    assert chosen.index == 1 and tab.point_panel.title.text().startswith("Your picture digit-17.png")
    np.testing.assert_array_equal(tab.point_panel.original.image, _prepared(paths[1]))
    np.testing.assert_allclose(tab.point_panel.reconstruction.image,
                               model.decoder.predict_on_batch(codes.z[1][None])[0], atol=1e-5)
    distances = np.linalg.norm(shown.latents.mu - codes.mu[1], axis=1)
    np.testing.assert_array_equal(chosen.neighbour_rows, np.argsort(distances, kind="stable")[:8])
    assert tab.point_panel.neighbours.images_shown() == 8
    assert "your pictures" in tab.map.key_entries()

    # A click on the first star chooses that picture; hovering it shows it.
    pixel = _pixel_of(tab, *codes.z[0])
    viewport = tab.map.plot_widget.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
    assert tab.selection.selected.index == 0
    QTest.qWait(int(1000 / pg.getConfigOption("mouseRateLimit")) + 5)
    QApplication.sendEvent(viewport, QMouseEvent(QEvent.Type.MouseMove, QPointF(pixel), viewport.mapToGlobal(
        QPointF(pixel)), Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    assert tab.map.thumbnail.isVisible() and tab.map.thumbnail.toolTip() == "your picture · digit-5.png"

    # A file that is no picture is refused by name; the pictures already placed stay.
    (tmp_path / "notes.png").write_text("not a picture")
    _drop(viewport, [tmp_path / "notes.png"])
    qtbot.waitUntil(lambda: "notes.png: it is not a picture" in tab.status_label.text(), timeout=WAIT_MS)
    assert len(tab.pictures) == 2


def test_pictures_follow_the_map_pca_exactly_and_tsne_among_their_neighbours(open_tab, tiny_run_z4, qtbot,
                                                                             tmp_path):
    tab = open_tab(tiny_run_z4)
    paths = _pngs(tmp_path, tab.explorer.loaded.dataset, (8,))
    _drop(tab.map.plot_widget.viewport(), paths)
    qtbot.waitUntil(lambda: isinstance(tab.selection.selected, PictureDetails), timeout=WAIT_MS)
    shown, z = tab.explorer.shown, tab.pictures.codes.z[0]
    # PCA is linear: the map's own points give the map z ↦ place (least squares, here exact), and the star is there.
    lifted = np.column_stack([shown.latents.z, np.ones(len(shown.latents))]).astype(np.float64)
    linear, *_ = np.linalg.lstsq(lifted, shown.projection.coords.astype(np.float64), rcond=None)
    np.testing.assert_allclose(tab.map_view.pictures.positions[0], np.append(z, 1.0) @ linear, atol=1e-4)

    # Centres only, then t-SNE: the picture of test image 8 has (up to its 8-bit rounding) that image's code, so
    # the fitted t-SNE must put it by image 8's own point, closer than nine in ten of the map's points are.
    qtbot.mouseClick(tab.mu_only_checkbox, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, tab)
    tab.controls.choose(tab.method_combo, "tsne")
    _wait_idle(qtbot, tab)
    qtbot.waitUntil(lambda: tab.pictures.placed_on is tab.explorer.shown, timeout=WAIT_MS)
    shown = tab.explorer.shown
    np.testing.assert_array_equal(tab.pictures.codes.z, tab.pictures.codes.mu)  # re-encoded with the switch
    assert "t-SNE's own transform" in tab.pictures.how
    own = shown.projection.coords[int(np.flatnonzero(shown.latents.source_index == 8)[0])]
    star = tab.map_view.pictures.positions[0]
    assert np.linalg.norm(star - own) < np.quantile(np.linalg.norm(shown.projection.coords - own, axis=1), 0.1)
