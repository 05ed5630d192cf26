"""The Explorer tab at 200,000 points: a real tiny model trained on 200,000 8×8 images (an .npz run), real clicks,
hover and Cancel, each checked against the dataset and a brute-force nearest point."""
from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import tiny_config
from tests.trained_fixtures import copy_of, kept_folder
from vaegui.config import DataConfig
from vaegui.gui.app_state import AppState
from vaegui.gui.explorer.explorer_tab import ExplorerTab
from vaegui.latent.encoding import SPLIT_TEST
from vaegui.runs import Run

COUNT = 200_000
WAIT_S = 240  # ~40 s of CPU in all; a loaded machine stretches it (pytest-timeout stops a test at 300 s)


@pytest.fixture(scope="module")
def run_200k(tmp_path_factory, device):
    """A run trained for one short epoch (512 images) on 200,000 images in ten noisy patterns, test split 10 %.

    The images and the run are made once per version of the training code (tests/trained_fixtures.py); the
    images lie inside the run folder, so the copy each session gets reads its own."""

    config = tiny_config(epochs=1, batch_size=256, images_per_epoch=512)

    def build(folder):
        from vaegui.training import TrainingSession

        rng = np.random.default_rng(5)
        labels = rng.integers(0, 10, COUNT)
        patterns = rng.integers(0, 256, (10, 8, 8, 1))
        images = np.clip(patterns[labels] + rng.integers(-40, 41, (COUNT, 8, 8, 1)), 0, 255).astype(np.uint8)
        (folder / "run").mkdir()
        np.savez(folder / "run" / "images.npz", x=images, y=labels)
        config.data = DataConfig(dataset=str(folder / "run" / "images.npz"))
        run = Run.create(folder / "run", config)
        TrainingSession(run, run.load_dataset(), probe_size=64).run()

    kept = kept_folder("images-200k", {"count": COUNT, "seed": 5, **config.to_dict()}, build)
    return Run.open(copy_of(kept / "run", tmp_path_factory.mktemp("explorer_200k") / "run"))


def _new_tab(run, subset: int | None) -> ExplorerTab:
    state = AppState()
    state.tensorflow_loaded = True
    tab = ExplorerTab(state)
    tab.resize(1300, 800)
    tab.show()
    tab.explorer.set_split("both")
    tab.explorer.set_subset(subset)
    tab.open_run_folder(run.folder)
    try:
        _wait(lambda: _idle(tab))
    except TimeoutError:
        tab.shutdown()  # its encoding must not run on into the next test
        raise
    return tab


def _wait(condition, timeout_s: float = WAIT_S) -> None:
    """Qt's events run until `condition()` holds; by the clock, since a loaded machine stretches every wait."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the Explorer did not get there in {timeout_s:g} s")
        QTest.qWait(10)


def _idle(tab: ExplorerTab) -> bool:
    return not tab.is_busy() and tab.explorer.shown is not None and not tab.map.points.is_drawing()


@pytest.fixture(scope="module")
def tab_200k(qapp, run_200k):
    """One tab showing all 200,000 points (train and test), shared by the tests that only look and click."""
    tab = _new_tab(run_200k, subset=None)
    tab.map.view_box.updateAutoRange()  # the data ↔ pixel mapping final before any click
    QTest.qWait(20)
    yield tab
    tab.shutdown()
    tab.close()
    tab.deleteLater()


def _pixel_of(tab: ExplorerTab, x: float, y: float) -> QPoint:
    view = tab.map.plot_widget.mapFromScene(tab.map.view_box.mapViewToScene(QPointF(float(x), float(y))))
    return QPoint(int(round(view.x())), int(round(view.y())))


def _nearest_on_screen(tab: ExplorerTab, pixel: QPoint) -> int:
    """Brute force over every point: the row nearest the cursor in screen pixels."""
    where = tab.map.view_box.mapSceneToView(tab.map.plot_widget.mapToScene(pixel))
    pixel_width, pixel_height = tab.map.view_box.viewPixelSize()
    coords = np.asarray(tab.explorer.shown.projection.coords, np.float64)
    distances = np.hypot((coords[:, 0] - where.x()) / pixel_width, (coords[:, 1] - where.y()) / pixel_height)
    return int(np.argmin(distances))


def _image_of(tab: ExplorerTab, row: int) -> tuple[np.ndarray, str]:
    """The dataset's own pixels (uint8) of map row `row`, and how the Explorer names it."""
    latents, dataset = tab.explorer.shown.latents, tab.explorer.loaded.dataset
    test = latents.split[row] == SPLIT_TEST
    split, index = (dataset.test, "test") if test else (dataset.train, "train"), int(latents.source_index[row])
    return split[0].images.pixels(index), f"{split[1]} #{index} · {split[0].labels[index]}"


def _move_mouse(viewport, pixel: QPoint) -> None:
    """A mouse move delivered to the map's viewport now, through the view and pyqtgraph's scene as any move is.

    pyqtgraph's scene drops moves that come sooner than 1 / mouseRateLimit after the last one (100 a second by
    default), as a hand never does: wait that long first, or the move is lost and the hover never happens.
    """
    QTest.qWait(int(1000 / pg.getConfigOption("mouseRateLimit")) + 5)
    local = QPointF(pixel)
    event = QMouseEvent(QEvent.Type.MouseMove, local, viewport.mapToGlobal(local), Qt.MouseButton.NoButton,
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def _targets(tab: ExplorerTab, count: int, seed: int) -> list[QPoint]:
    """Pixels of points of both splits, in the crowd (no point is alone at 200,000)."""
    latents, rng = tab.explorer.shown.latents, np.random.default_rng(seed)
    rows = [rng.choice(np.flatnonzero(latents.split == split)) for split in (0, SPLIT_TEST) for _ in range(count)]
    return [_pixel_of(tab, *tab.explorer.shown.projection.coords[row]) for row in rows]


def test_all_200k_images_are_on_the_map_train_and_test(tab_200k):
    shown = tab_200k.explorer.shown
    dataset = tab_200k.explorer.loaded.dataset
    assert len(shown.latents) == tab_200k.map.point_count() == COUNT == len(dataset.train) + len(dataset.test)
    assert (shown.latents.split == SPLIT_TEST).sum() == len(dataset.test) == COUNT // 10
    np.testing.assert_array_equal(tab_200k.map.coords, shown.projection.coords)


def test_a_click_selects_the_point_nearest_the_cursor_shows_that_image_and_decodes_it(tab_200k, run_200k, qtbot):
    tab = tab_200k
    viewport = tab.map.plot_widget.viewport()
    latents = tab.explorer.shown.latents
    model = run_200k.load_model()  # a model of its own, from the checkpoint: the check owes nothing to the tab's
    for pixel in _targets(tab, 3, seed=1):
        expected = _nearest_on_screen(tab, pixel)
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
        selected = tab.selection.selected
        assert selected.row == expected
        pixels, name = _image_of(tab, expected)
        np.testing.assert_array_equal(np.round(tab.point_panel.original.image * 255), pixels)
        # That image encodes to the row's centre, and the panel's reconstruction is the decoder's image of its z.
        mu = model.encoder.predict_on_batch(pixels[None].astype(np.float32) / 255)[0][0]
        np.testing.assert_allclose(mu, latents.mu[expected], atol=1e-4)
        decoded = model.decoder.predict_on_batch(latents.z[expected][None])[0]
        np.testing.assert_allclose(tab.point_panel.reconstruction.image, decoded, atol=1e-4)
        assert tab.point_panel.title.text().startswith(name)
        neighbours = [_image_of(tab, int(row))[0] for row in selected.neighbour_rows]
        assert len(neighbours) == tab.point_panel.neighbours.images_shown() == 8
        for tile, expected_pixels in zip(tab.point_panel.neighbours.tiles, neighbours):
            np.testing.assert_array_equal(np.round(tile.image * 255), expected_pixels)


def test_hover_shows_the_thumbnail_and_name_of_the_point_under_the_cursor(tab_200k, qtbot):
    tab = tab_200k
    viewport = tab.map.plot_widget.viewport()
    for pixel in _targets(tab, 3, seed=2):
        expected = _nearest_on_screen(tab, pixel)
        _move_mouse(viewport, pixel)
        assert tab.map.hover_row == expected
        pixels, name = _image_of(tab, expected)
        assert tab.map.thumbnail.isVisible() and tab.map.thumbnail.toolTip() == name
        # The 8×8 image scaled to 72×72 without smoothing: the centre of each 9×9 block is one image pixel.
        shown = tab.map.thumbnail_image.pixmap().toImage()
        on_screen = [[QColor(shown.pixel(9 * x + 4, 9 * y + 4)).red() for x in range(8)] for y in range(8)]
        np.testing.assert_array_equal(on_screen, pixels[..., 0])


def test_reopening_the_run_draws_every_point_from_its_kept_codes_without_encoding(tab_200k, run_200k, monkeypatch):
    import keras

    calls = []
    original = keras.Model.predict_on_batch
    monkeypatch.setattr(keras.Model, "predict_on_batch", lambda self, x: calls.append(self.name) or original(self, x))
    first = tab_200k.explorer.shown
    tab = _new_tab(run_200k, subset=None)
    try:
        assert calls == []  # all 200,000 codes and the map itself were read from the run folder
        assert tab.map.point_count() == COUNT
        np.testing.assert_array_equal(tab.explorer.shown.latents.z, first.latents.z)
        np.testing.assert_array_equal(tab.map.coords, first.projection.coords)  # the very map shown before
    finally:
        tab.shutdown()


def test_cancelling_while_200k_points_fill_in_brings_back_the_previous_map(qtbot, run_200k):
    import shutil

    from vaegui.latent.code_store import CODES_DIR

    shutil.rmtree(run_200k.folder / CODES_DIR, ignore_errors=True)  # never explored: the map fills in as encoded
    tab = _new_tab(run_200k, subset=500)
    qtbot.addWidget(tab)
    previous = tab.explorer.shown
    tab.controls.choose(tab.subset_combo, None)  # All: 200,000 points, encoded and drawn batch by batch
    qtbot.waitUntil(lambda: tab.explorer.forming is not None, timeout=WAIT_S * 1000)
    partial = len(tab.explorer.forming.latents)
    assert 0 < partial < COUNT and tab.map.point_count() >= partial  # the points encoded so far are drawn
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.runner.running() == 0, timeout=10_000)
    assert tab.explorer.shown is previous and tab.explorer.forming is None and not tab.is_busy()
    assert tab.subset_combo.currentData() == 500 and tab.explorer.settings.subset == 500
    assert tab.map.point_count() == 500
    np.testing.assert_array_equal(tab.map.coords, previous.projection.coords)
    assert not tab.cancel_button.isVisible() and "cancelled" in tab.status_label.text()
    tab.map.view_box.updateAutoRange()
    qtbot.wait(20)
    pixel = _pixel_of(tab, *previous.projection.coords[42])
    qtbot.mouseClick(tab.map.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pixel)
    assert tab.selection.selected.row == _nearest_on_screen(tab, pixel)
    tab.shutdown()
