"""The latent map's formation as a GIF: one labelled frame per epoch, on fixed axes, held at the end."""
from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from vaegui.animation.drawing import INK, SUPERSAMPLE, finished, font
from vaegui.animation.formation import HOLD_LAST_SECONDS, formation_movie, formation_movie_of_run
from vaegui.animation.movie import AnimationError, write_movie
from vaegui.runs import Run
from vaegui.runs.snapshot import RunSnapshot


def _frames(path) -> list[np.ndarray]:
    with Image.open(path) as movie:
        frames = []
        for index in range(movie.n_frames):
            movie.seek(index)
            frames.append(np.asarray(movie.convert("RGB"), np.float32))
        return frames


def _durations(path) -> list[int]:
    with Image.open(path) as movie:
        durations = []
        for index in range(movie.n_frames):
            movie.seek(index)
            durations.append(movie.info["duration"])
        return durations


def _headline(text: str) -> np.ndarray:
    """`text` drawn alone where a frame's headline goes, as the movie draws it."""
    canvas = Image.new("RGB", (640 * SUPERSAMPLE, 640 * SUPERSAMPLE), "white")
    ImageDraw.Draw(canvas).text((22 * SUPERSAMPLE, 16 * SUPERSAMPLE), text, font=font(30 * SUPERSAMPLE, bold=True),
                                fill=INK)
    return np.asarray(finished(canvas), np.float32)[:50, :330]


def test_the_gif_has_one_frame_per_epoch_each_labelled_with_its_epoch(three_epoch_run, tmp_path):
    snapshot = RunSnapshot.read(three_epoch_run.folder)
    out = write_movie(formation_movie_of_run(snapshot, fps=4), tmp_path / "map.gif")
    frames = _frames(out)
    assert len(frames) == 3 and frames[0].shape == (640, 640, 3)
    # A plain frame lasts 1/fps s; the finished map stays a while; the GIF loops forever.
    assert _durations(out) == [250, 250, int(HOLD_LAST_SECONDS * 1000)]
    with Image.open(out) as movie:
        assert movie.info["loop"] == 0
    # Each frame's headline reads its own epoch: it matches "Epoch N of 3" drawn alone best for its own N.
    for index, frame in enumerate(frames):
        distances = [np.abs(frame[:50, :330] - _headline(f"Epoch {epoch} of 3")).mean() for epoch in (1, 2, 3)]
        assert int(np.argmin(distances)) == index, distances
        assert distances[index] < 0.6 * sorted(distances)[1]  # clearly: only the GIF's 256 colours differ
    # The points moved between epochs (the plot differs), while the axes and the key stayed put.
    plot, key = (slice(110, 460), slice(70, 520)), (slice(110, 330), slice(540, 640))
    for earlier, later in ((0, 1), (1, 2)):
        assert np.abs(frames[earlier][plot] - frames[later][plot]).mean() > 2.0
        # One palette for the whole GIF: what stays still does not flicker from one frame to the next.
        np.testing.assert_array_equal(frames[earlier][key], frames[later][key])


def test_frames_are_drawn_on_fixed_axes_that_hold_every_epoch(three_epoch_run):
    snapshot = RunSnapshot.read(three_epoch_run.folder)
    movie = formation_movie(snapshot.views, snapshot.name, snapshot.class_names, 3, size=480)
    assert movie.frame_count == 3 and movie.size == (480, 480)
    assert movie.render(0).size == (480, 480)
    # The class key names the run's classes; the strip's originals are the probe's own images.
    first = np.asarray(movie.render(0), np.float32)
    without_strip = np.asarray(formation_movie(snapshot.views, snapshot.name, size=480, strip=False).render(0),
                               np.float32)
    assert np.abs(first[-100:] - without_strip[-100:]).mean() > 5  # the strip is drawn at the bottom
    # Images without labels: every point in one colour, and no key of classes.
    unlabelled = {epoch: replace(views, probe=replace(views.probe, labels=None))
                  for epoch, views in snapshot.views.items()}
    plain = np.asarray(formation_movie(unlabelled, snapshot.name, size=480).render(0), np.float32)
    red = np.array([214, 39, 40], np.float32)  # class 3's colour, solid in its key swatch
    assert np.sum(np.abs(first - red).max(axis=2) < 12) > 20 and np.sum(np.abs(plain - red).max(axis=2) < 12) == 0


def test_a_run_without_epoch_pictures_or_epochs_is_refused_plainly(three_epoch_run, tmp_path):
    old = tmp_path / "old-run"
    shutil.copytree(three_epoch_run.folder, old)
    shutil.rmtree(old / "epochs")
    with pytest.raises(AnimationError, match="saved before vaegui kept each epoch's pictures; continue training"):
        formation_movie_of_run(RunSnapshot.read(old))
    fresh = Run.create(tmp_path / "fresh", three_epoch_run.config)
    with pytest.raises(AnimationError, match="no completed epoch yet"):
        formation_movie_of_run(RunSnapshot.read(fresh.folder))
