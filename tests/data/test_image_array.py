"""Images kept as stored (uint8 or float32) read as float32 in [0, 1], whatever the index."""

from __future__ import annotations

import numpy as np
import pytest

from vaegui.data import ImageSplit
from vaegui.data.image_array import InMemoryImages, as_image_array


def test_uint8_images_read_as_float32_in_0_1_by_any_index():
    pixels = np.arange(2 * 3 * 3 * 1, dtype=np.uint8).reshape(2, 3, 3, 1) * 14
    images = InMemoryImages(pixels)
    expected = pixels.astype(np.float32) / 255
    assert images.shape == (2, 3, 3, 1) and len(images) == 2 and images.dtype == np.float32
    assert images.pixel_dtype == np.uint8 and images.nbytes == pixels.nbytes
    for index in (1, -1, slice(0, 2), np.array([1, 0]), (Ellipsis, 0), np.array([True, False])):
        read = images[index]
        assert read.dtype == np.float32
        np.testing.assert_array_equal(read, expected[index])
    np.testing.assert_array_equal(np.asarray(images), expected)
    np.testing.assert_array_equal(images.pixels(np.array([1])), pixels[[1]])  # as kept, for the pipeline


def test_a_subset_keeps_the_pixels_as_they_are_stored():
    pixels = np.random.default_rng(0).integers(0, 256, (10, 2, 2, 3), dtype=np.uint8)
    subset = InMemoryImages(pixels).subset([7, 2])
    assert subset.pixel_dtype == np.uint8
    np.testing.assert_array_equal(subset.pixels(slice(None)), pixels[[7, 2]])


def test_plain_arrays_given_to_a_split_are_wrapped_float_arrays_stay_exact():
    floats = np.random.default_rng(1).random((4, 2, 2, 1)).astype(np.float32)
    split = ImageSplit(floats, None)
    assert isinstance(split.images, InMemoryImages) and split.images.pixel_dtype == np.float32
    np.testing.assert_array_equal(split.images[:], floats)
    assert as_image_array(split.images) is split.images
    with pytest.raises(ValueError, match="uint8 or float32"):
        InMemoryImages(np.zeros((2, 2, 2), np.uint8))
