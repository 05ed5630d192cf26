"""Loading .npz archives: the three key layouts, uint8 and float pixels, and bad contents."""

from __future__ import annotations

import numpy as np
import pytest

from vaegui.data import load_dataset
from vaegui.errors import DataError


def grey_uint8(count: int, size: int = 4) -> np.ndarray:
    return (np.arange(count * size * size) % 256).astype(np.uint8).reshape(count, size, size)


def test_keras_layout_keeps_its_train_and_test_parts(tmp_path):
    path = tmp_path / "mnist.npz"
    np.savez(
        path,
        x_train=grey_uint8(8),
        y_train=np.arange(8) % 2,
        x_test=grey_uint8(3),
        y_test=np.array([0, 1, 1]),
    )

    dataset = load_dataset(path)

    assert (len(dataset.train), len(dataset.test)) == (8, 3)
    assert dataset.image_shape == (4, 4, 1)
    assert dataset.train.images.dtype == np.float32
    np.testing.assert_allclose(dataset.train.images[..., 0], grey_uint8(8) / 255, rtol=1e-6)
    np.testing.assert_array_equal(dataset.test.labels, [0, 1, 1])
    assert dataset.test.labels.dtype == np.int64
    assert dataset.source == str(path.resolve())


@pytest.mark.parametrize(("images_key", "labels_key"), [("x", "y"), ("images", "labels"), ("arr_0", "arr_1")])
def test_single_part_layouts_are_split_by_test_fraction(tmp_path, images_key, labels_key):
    path = tmp_path / "set.npz"
    np.savez(path, **{images_key: grey_uint8(20), labels_key: np.arange(20) % 2})

    dataset = load_dataset(path, test_fraction=0.2, seed=1)

    assert (len(dataset.train), len(dataset.test)) == (16, 4)
    assert list(np.bincount(dataset.test.labels)) == [2, 2]


def test_labels_are_optional(tmp_path):
    path = tmp_path / "faces.npz"
    np.savez(path, images=grey_uint8(10))

    dataset = load_dataset(path)

    assert dataset.train.labels is None and dataset.test.labels is None
    assert len(dataset.train) + len(dataset.test) == 10


def test_float_rgb_images_keep_their_values_and_channels(tmp_path):
    images = np.random.default_rng(0).random((6, 5, 7, 3)).astype(np.float64)
    path = tmp_path / "rgb.npz"
    np.savez(path, x=images, class_names=np.array(["cat", "dog"]), y=np.arange(6) % 2)

    dataset = load_dataset(path, test_fraction=0.0)

    assert dataset.image_shape == (5, 7, 3)
    assert dataset.train.images.dtype == np.float32
    np.testing.assert_allclose(dataset.train.images, images, rtol=1e-6)
    assert dataset.class_names == ["cat", "dog"]


def test_image_size_and_channels_convert_arrays(tmp_path):
    path = tmp_path / "small.npz"
    np.savez(path, x=grey_uint8(3, size=8))

    grey_to_rgb = load_dataset(path, image_size=16, channels=3, test_fraction=0.0)
    rgb = np.full((2, 6, 6, 3), [255, 0, 0], dtype=np.uint8)
    np.savez(path, x=rgb)
    rgb_to_grey = load_dataset(path, channels=1, test_fraction=0.0)

    assert grey_to_rgb.train.images.shape == (3, 16, 16, 3)
    assert 0.0 <= grey_to_rgb.train.images[:].min() and grey_to_rgb.train.images[:].max() <= 1.0
    # 8-bit images are resized and greyed in float, then kept as 8 bits again (76 / 255 here).
    assert rgb_to_grey.train.images.pixel_dtype == grey_to_rgb.train.images.pixel_dtype == np.uint8
    np.testing.assert_allclose(rgb_to_grey.train.images[:], 0.299, atol=0.5 / 255)


def test_floats_outside_unit_range_are_rejected_with_a_hint(tmp_path):
    path = tmp_path / "raw.npz"
    np.savez(path, x=np.full((2, 3, 3), 200.0))

    with pytest.raises(DataError, match="divide by 255") as error:
        load_dataset(path)

    assert str(path) in str(error.value)


def test_integers_above_255_are_rejected(tmp_path):
    path = tmp_path / "deep.npz"
    np.savez(path, x=np.full((2, 3, 3), 4000, dtype=np.uint16))

    with pytest.raises(DataError, match="0-255"):
        load_dataset(path)


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 3, 4), (2, 3, 3, 3, 1)])
def test_unsupported_shapes_are_rejected(tmp_path, shape):
    path = tmp_path / "shape.npz"
    np.savez(path, x=np.zeros(shape, dtype=np.uint8))

    with pytest.raises(DataError, match="channels last"):
        load_dataset(path)


def test_label_count_must_match(tmp_path):
    path = tmp_path / "labels.npz"
    np.savez(path, x=grey_uint8(4), y=np.arange(3))

    with pytest.raises(DataError, match="3 labels but there are 4 images"):
        load_dataset(path)


def test_unknown_keys_are_listed(tmp_path):
    path = tmp_path / "odd.npz"
    np.savez(path, pixels=grey_uint8(2))

    with pytest.raises(DataError, match="holds pixels") as error:
        load_dataset(path)

    assert "x_train" in str(error.value)


def test_a_file_that_is_not_an_archive_is_rejected(tmp_path):
    path = tmp_path / "fake.npz"
    path.write_bytes(b"not a zip at all")

    with pytest.raises(DataError, match="not a .npz archive"):
        load_dataset(path)


def test_object_arrays_are_refused(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, x=np.array([np.zeros((2, 2)), None], dtype=object))

    with pytest.raises(DataError, match="Python objects"):
        load_dataset(path)
