"""tf.data pipelines: every image once per epoch, reshuffled, and lazy folders decoded only once when they fit."""

from __future__ import annotations

import numpy as np
from PIL import Image

from vaegui.data import LazyImages
from vaegui.data.image_array import InMemoryImages
from vaegui.pipeline import DecodedImageCache, image_batches


def epoch(dataset) -> np.ndarray:
    return np.concatenate([batch.numpy() for batch in dataset])


def numbered_images(count: int) -> np.ndarray:
    """Image i is filled with i / count, so a batch tells which images it holds."""
    return (np.arange(count, dtype=np.float32)[:, None, None, None] / count) * np.ones((1, 4, 4, 1), np.float32)


def ids(images: np.ndarray, count: int) -> list[int]:
    return [int(round(v)) for v in images[:, 0, 0, 0] * count]


def test_uint8_images_are_scaled_per_batch_from_the_one_copy_in_memory():
    pixels = (np.arange(50, dtype=np.uint8)[:, None, None, None] * 5) * np.ones((1, 4, 4, 1), np.uint8)
    images = InMemoryImages(pixels)
    batches = image_batches(images, 16)
    first = epoch(batches)
    assert first.dtype == np.float32
    np.testing.assert_array_equal(first, images[:])  # the same floats every other reader gets
    np.testing.assert_array_equal(first[:, 0, 0, 0], (np.arange(50) * 5).astype(np.float32) / np.float32(255))
    pixels[0] = 255  # read where they are: neither a float32 nor a TensorFlow copy was made
    assert np.all(epoch(batches)[0] == 1.0)


def test_arrays_come_in_order_unless_shuffled_and_each_epoch_is_reshuffled():
    images = numbered_images(50)
    plain = epoch(image_batches(images, 16))
    np.testing.assert_array_equal(plain, images)
    shuffled = image_batches(images, 16, shuffle=True, seed=3)
    first, second = ids(epoch(shuffled), 50), ids(epoch(shuffled), 50)
    assert sorted(first) == sorted(second) == list(range(50))
    assert first != second and first != list(range(50))
    again = ids(epoch(image_batches(images, 16, shuffle=True, seed=3)), 50)
    assert again == first, "the same seed gives the same order"


def test_prefetch_can_be_switched_off_without_changing_the_batches():
    images = numbered_images(20)
    np.testing.assert_array_equal(epoch(image_batches(images, 8, prefetch=False)), images)


def image_folder(tmp_path, count: int) -> LazyImages:
    paths = []
    for i in range(count):
        path = tmp_path / f"{i:03d}.png"
        Image.new("L", (8, 8), i * 10).save(path)
        paths.append(str(path))
    return LazyImages(paths, image_size=8, channels=1)


def test_a_lazy_folder_that_fits_is_decoded_once_and_still_reshuffled(tmp_path):
    lazy = image_folder(tmp_path, 20)
    expected = lazy[np.arange(20)]
    batches = image_batches(lazy, 6, shuffle=True, seed=1)
    first = epoch(batches)
    for path in lazy.paths:  # from now on only the cache can supply the images
        Image.new("L", (8, 8), 255).save(path)
    second = epoch(batches)
    values = lambda images: sorted(np.round(images[:, 0, 0, 0] * 255).astype(int).tolist())  # noqa: E731
    assert values(first) == values(second) == values(expected)
    assert not np.array_equal(first, second), "cached epochs are still reshuffled"


def test_a_lazy_folder_over_the_budget_streams_every_epoch(tmp_path):
    lazy = image_folder(tmp_path, 12)
    assert DecodedImageCache.size_of(lazy) == 12 * 8 * 8  # its pixels would be cached as uint8
    batches = image_batches(lazy, 4, cache_budget_bytes=12 * 8 * 8 - 1)
    np.testing.assert_array_equal(epoch(batches), lazy[np.arange(12)])
    for path in lazy.paths:
        Image.new("L", (8, 8), 255).save(path)
    assert np.all(epoch(batches) == 1.0), "not cached: the second epoch reads the files again"


def test_images_per_pass_draws_that_many_different_images_each_epoch():
    images = numbered_images(50)
    batches = image_batches(images, 8, shuffle=True, seed=2, images_per_pass=20)
    first, second = ids(epoch(batches), 50), ids(epoch(batches), 50)
    assert len(first) == len(second) == 20
    assert len(set(first)) == len(set(second)) == 20, "no image twice in one epoch"
    assert set(first) != set(second), "each epoch is a new draw from all 50"
    assert len(set(first) | set(second)) > 20
    np.testing.assert_array_equal(epoch(image_batches(images, 8, images_per_pass=80)), images)  # more than there are
