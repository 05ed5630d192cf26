"""The shared pieces: pixel checks, channel conversion, resizing and the seeded split."""

from __future__ import annotations

import numpy as np
import pytest

from vaegui.data import ImageDataset, ImageSplit
from vaegui.data.dataset import images_to_float, labels_to_int, prepare_images, split_indices
from vaegui.errors import DataError


@pytest.mark.parametrize(
    ("count", "fraction", "expected_test"), [(10, 0.1, 1), (1797, 0.1, 180), (5, 0.5, 3), (1, 0.5, 0), (0, 0.3, 0)]
)
def test_split_sizes_add_up_and_keep_a_training_image(count, fraction, expected_test):
    labels = np.arange(count) % 3

    for given_labels in (None, labels):
        train, test = split_indices(count, given_labels, fraction, seed=0)

        assert len(test) == expected_test
        assert sorted(np.concatenate([train, test]).tolist()) == list(range(count))


def test_split_is_stratified_and_seeded():
    labels = np.repeat([0, 1, 2], [50, 30, 20])

    _, test = split_indices(100, labels, 0.2, seed=5)
    _, same = split_indices(100, labels, 0.2, seed=5)
    _, other = split_indices(100, labels, 0.2, seed=6)

    assert list(np.bincount(labels[test])) == [10, 6, 4]
    np.testing.assert_array_equal(test, same)
    assert not np.array_equal(test, other)


def test_integer_types_holding_bytes_are_accepted():
    images = images_to_float(np.array([[[0, 255]]], dtype=np.int64), "test array")

    assert images.dtype == np.float32 and images.shape == (1, 1, 2, 1)
    np.testing.assert_array_equal(images[0, 0, :, 0], [0.0, 1.0])


def test_nan_pixels_are_rejected():
    with pytest.raises(DataError, match="NaN"):
        images_to_float(np.full((1, 2, 2), np.nan), "test array")


def test_labels_accept_a_column_and_whole_floats_but_not_one_hot():
    np.testing.assert_array_equal(labels_to_int(np.array([[1.0], [2.0]]), 2, "y"), [1, 2])
    with pytest.raises(DataError, match="argmax"):
        labels_to_int(np.eye(3), 3, "y")


def test_prepare_images_resizes_and_converts_channels():
    images = np.random.default_rng(0).random((2, 8, 6, 3)).astype(np.float32)

    grey = prepare_images(images, 4, 1)

    assert grey.shape == (2, 4, 4, 1) and grey.dtype == np.float32
    assert 0.0 <= grey.min() and grey.max() <= 1.0


def test_image_shape_comes_from_the_train_images():
    split = ImageSplit(np.zeros((3, 5, 6, 1), np.float32), np.zeros(3, np.int64))
    dataset = ImageDataset("tiny", split, ImageSplit(np.zeros((0, 5, 6, 1), np.float32), None), None, "test")

    assert dataset.image_shape == (5, 6, 1) and len(dataset.train) == 3 and len(dataset.test) == 0
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        ImageSplit(np.zeros((3, 2, 2, 1)), np.zeros(2))
