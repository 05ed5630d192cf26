"""A person's own pictures, prepared as a run's image folder is read (crop, scale, grey or colour, 8 bits), or refused
with a sentence that names the file and what to do."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from vaegui.latent.own_pictures import PictureError, prepare_picture, prepare_pictures


def test_a_wide_colour_photo_is_cropped_scaled_and_greyed_as_a_folder_is(tmp_path):
    from vaegui.data.image_folder import decode_image

    rng = np.random.default_rng(0)
    photo = rng.integers(0, 256, (30, 50, 3), np.uint8)
    Image.fromarray(photo).save(tmp_path / "photo.png")
    picture = prepare_picture(tmp_path / "photo.png", (8, 8, 1))
    # The data loaders' own decoding of the same file, scaled to [0, 1] as every image is read.
    expected = decode_image(str(tmp_path / "photo.png"), 8, 1).astype(np.float32) / 255
    np.testing.assert_array_equal(picture.image, expected)
    assert picture.image.shape == (8, 8, 1) and picture.image.dtype == np.float32
    assert picture.note == "Prepared as the run's images are: cropped to its centre, scaled from 50×30 to 8×8, " \
                           "turned grey."
    # The same picture for a colour model keeps its colours.
    assert prepare_picture(tmp_path / "photo.png", (8, 8, 3)).image.shape == (8, 8, 3)


def test_a_picture_much_lighter_than_the_runs_images_is_said(tmp_path):
    Image.fromarray(np.full((8, 8), 250, np.uint8)).save(tmp_path / "white.png")
    note = prepare_picture(tmp_path / "white.png", (8, 8, 1), reference_mean=0.13).note
    assert note.startswith("Prepared as the run's images are (same size and colours: nothing to change).")
    assert "much lighter than the run's images (brightness 0.98 against 0.13" in note


def test_files_that_are_not_pictures_are_refused_by_name(tmp_path):
    (tmp_path / "notes.png").write_text("not a picture")
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "fine.png")
    with pytest.raises(PictureError, match=r"notes.png: it is not a picture vaegui can read\. Choose a PNG, JPEG"):
        prepare_picture(tmp_path / "notes.png", (8, 8, 1))
    with pytest.raises(PictureError, match="gone.png: no such file"):
        prepare_picture(tmp_path / "gone.png", (8, 8, 1))
    prepared, refused = prepare_pictures([tmp_path / "notes.png", tmp_path / "fine.png"], (8, 8, 1))
    assert [p.name for p in prepared] == ["fine.png"] and len(refused) == 1 and refused[0].startswith("notes.png")
