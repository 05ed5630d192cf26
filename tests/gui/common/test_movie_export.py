"""Movies saved from the app like a person does: the File menu or the button, a file name, the file on disk."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.conftest import train_tiny_run
from vaegui.animation import INTERPOLATION_STEPS
from vaegui.animation.movie import mp4_available
from vaegui.gui.app_state import AppState
from vaegui.gui.explorer.explorer_tab import ExplorerTab
from vaegui.gui.main_window import MainWindow

WAIT_MS = 120_000


@pytest.fixture(scope="module")
def three_epoch_run(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("movies") / "three-epochs", z_dim=2, epochs=3)


@pytest.fixture
def save_as(monkeypatch):
    """The file dialog answers with the name a person would type, and remembers what it suggested."""
    answers, suggested = [], []

    def get_save_file_name(parent, title, directory, filters):
        suggested.append((directory, filters))
        return answers.pop(0), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(get_save_file_name))
    return answers, suggested


def _big_picture(movie: Image.Image, index: int, pixels: int = 8) -> np.ndarray:
    """The decoded image shown large in an interpolation frame (640 px: a 398 px square at (121, 96)), read back
    at its pixels' centres, in [0, 1]."""
    movie.seek(index)
    frame = np.asarray(movie.convert("L"), np.float32) / 255.0
    centres = (np.arange(pixels) + 0.5) * 398 / pixels
    return frame[np.ix_((96 + centres).astype(int), (121 + centres).astype(int))]


def _frame_count(path) -> int:
    with Image.open(path) as movie:
        return movie.n_frames


def test_the_file_menu_and_the_button_save_the_maps_formation(qtbot, three_epoch_run, save_as, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    tab = window.training_tab
    menu = window.menuBar().actions()[0].menu()
    item = next(a for a in menu.actions() if a.text() == "Export the map's formation (GIF/MP4)…")
    button = tab.views.movie_button
    assert not item.isEnabled() and not button.isEnabled()  # no run shown: nothing to film

    tab.open_run(three_epoch_run.folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    assert item.isEnabled() and button.isEnabled()
    answers, suggested = save_as
    gif = tmp_path / "formation.gif"
    answers.append(str(gif))
    with qtbot.waitSignal(tab.movie_export.saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert saved.args == [str(gif)] and _frame_count(gif) == 3  # one frame per epoch
    assert suggested[0][0] == str(three_epoch_run.folder / "map-formation.gif")
    assert "Saved the map's formation to" in tab.status_label.text()

    if mp4_available():
        mp4 = tmp_path / "formation.mp4"
        answers.append(str(mp4))
        with qtbot.waitSignal(tab.movie_export.saved, timeout=WAIT_MS):
            item.trigger()
        assert mp4.stat().st_size > 1000
    # A name vaegui cannot write is refused in plain words, and nothing is written.
    answers.append(str(tmp_path / "formation.avi"))
    item.trigger()
    assert tab.error_label.isVisible() and "name the file .gif" in tab.error_label.text()
    assert not (tmp_path / "formation.avi").exists() and not list(tmp_path.glob(".*tmp*"))
    window.close()


def test_closing_the_window_cancels_a_movie_being_drawn(qtbot, three_epoch_run, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    tab = window.training_tab
    tab.open_run(three_epoch_run.folder)
    qtbot.waitUntil(lambda: tab.run is not None, timeout=WAIT_MS)
    # Many epochs (the same three, renumbered) so that the drawing is still going when the window closes.
    views = tab.model.epochs
    tab.model.epochs = {epoch: views[1 + epoch % 3] for epoch in range(1, 301)}
    outcomes = []
    for signal in (tab.movie_export.saved, tab.movie_export.failed, tab.movie_export.cancelled):
        signal.connect(lambda *args, name=signal: outcomes.append(args))
    assert tab.movie_export.export(tmp_path / "long.gif")
    qtbot.waitUntil(lambda: tab.movie_export.dialog is not None and tab.movie_export.dialog.value() > 0,
                    timeout=WAIT_MS)
    with qtbot.waitSignal(tab.movie_export.cancelled, timeout=WAIT_MS):
        window.close()  # cancels the movie, waiting for nothing: it stops at its next frame
        assert not window.isVisible()
    assert outcomes == [()]  # cancelled, neither saved nor failed
    assert tab.status_label.text() == "Cancelled: the movie was not saved." and not tab.error_label.isVisible()
    assert list(tmp_path.iterdir()) == []  # neither the movie nor its temp file


def test_the_interpolation_is_saved_as_a_gif_from_the_generate_tab(qtbot, three_epoch_run, save_as, tmp_path):
    state = AppState()
    state.tensorflow_loaded = True
    tab = ExplorerTab(state)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    tab.explorer.set_split("test")
    tab.open_run_folder(three_epoch_run.folder)
    qtbot.waitUntil(lambda: not tab.is_busy() and tab.explorer.shown is not None, timeout=WAIT_MS)
    panel = tab.generation_panel
    assert not panel.movie_button.isEnabled()  # no ends picked yet
    mu = tab.explorer.shown.latents.mu
    a, b = int(np.argmin(mu[:, 0])), int(np.argmax(mu[:, 0]))  # the ends furthest apart: their pictures differ most
    tab.selection.select_row(a)
    qtbot.mouseClick(panel.a_button, Qt.MouseButton.LeftButton)
    tab.selection.select_row(b)
    qtbot.mouseClick(panel.b_button, Qt.MouseButton.LeftButton)
    assert panel.movie_button.isEnabled()
    answers, _ = save_as
    gif = tmp_path / "walk.gif"
    answers.append(str(gif))
    with qtbot.waitSignal(tab.side_tabs.movie_export.saved, timeout=WAIT_MS):
        qtbot.mouseClick(panel.movie_button, Qt.MouseButton.LeftButton)
    assert _frame_count(gif) == 2 * INTERPOLATION_STEPS - 2  # A to B, then back
    assert panel.movie_note.text() == f"Saved {gif}"
    # The first frame shows A's decoded image, the turning frame B's: the movie walks the chosen line.
    decode = tab.explorer.loaded.viewer.decode_one
    picture_a, picture_b = decode(mu[a])[..., 0], decode(mu[b])[..., 0]
    with Image.open(gif) as movie:
        first = _big_picture(movie, 0)
        turning = _big_picture(movie, INTERPOLATION_STEPS - 1)
    # One 256-colour palette serves every frame (and the captions' colours), so greys land up to ~0.04 off.
    np.testing.assert_allclose(first, picture_a, atol=0.05)
    np.testing.assert_allclose(turning, picture_b, atol=0.05)
    # And each is nearer its own end than the other's: the movie starts at A and turns at B, not the other way.
    assert np.abs(first - picture_a).mean() < np.abs(first - picture_b).mean()
    assert np.abs(turning - picture_b).mean() < np.abs(turning - picture_a).mean()
    tab.shutdown()
