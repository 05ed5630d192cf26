"""A walk along a latent line as a movie, and the line decoded from a run folder's model."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from vaegui.animation.interpolation import HOLD_END_SECONDS, decode_line_from_run, interpolation_movie
from vaegui.animation.movie import AnimationError, write_movie


def test_the_line_from_a_run_starts_and_ends_at_the_two_images_codes(three_epoch_run):
    images, captions = decode_line_from_run(three_epoch_run.folder, 0, 5, steps=6)
    assert images.shape == (6, 8, 8, 1)
    dataset = three_epoch_run.load_dataset()
    model = three_epoch_run.load_model(dataset.image_shape)
    mu = model.encode(dataset.test.images[[0, 5]]).mu
    np.testing.assert_allclose(images[[0, -1]], model.decode(mu), atol=1e-5)
    labels = dataset.test.labels
    assert captions == (f"test #0 · {labels[0]}", f"test #5 · {labels[5]}")
    with pytest.raises(AnimationError, match="There is no test image 999: .* images 0 to 179"):
        decode_line_from_run(three_epoch_run.folder, 0, 999)


def test_the_movie_goes_there_and_back_holding_the_ends(tmp_path):
    ramp = np.linspace(0, 1, 5, dtype=np.float32)[:, None, None, None] * np.ones((5, 8, 8, 1), np.float32)
    movie = interpolation_movie(ramp, "ramp", fps=10, size=320)
    assert movie.frame_count == 8  # 0 1 2 3 4 3 2 1, then the loop starts again at 0
    held = int(HOLD_END_SECONDS * 1000)
    assert movie.durations_ms == (held, 100, 100, 100, held, 100, 100, 100)
    out = write_movie(movie, tmp_path / "line.gif")
    with Image.open(out) as gif:
        assert gif.n_frames == 8
        centres = []
        for index in range(gif.n_frames):
            gif.seek(index)
            centres.append(np.asarray(gif.convert("L"))[150, 160])  # the big picture's middle
    # The picture brightens from A to B and darkens on the way back: the frames follow the line.
    assert centres[:5] == sorted(centres[:5]) and centres[0] < centres[4]
    assert centres[4:] + [centres[0]] == sorted(centres[4:] + [centres[0]], reverse=True)
    one_way = interpolation_movie(ramp, "ramp", there_and_back=False)
    assert one_way.frame_count == 5
    with pytest.raises(AnimationError, match="at least two decoded images"):
        interpolation_movie(ramp[:1], "ramp")
