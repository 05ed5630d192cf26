"""tf.data input pipelines for dataset images: kept in memory as stored, or decoded lazily from image folders."""

from __future__ import annotations

import os
import threading

import numpy as np
import tensorflow as tf

from vaegui.data.image_array import PIXEL_SCALES, InMemoryImages, as_image_array, pixels_to_float

# Image folders whose decoded pixels (uint8) fit in this size and in a quarter of the memory are kept after epoch 1.
CACHE_BUDGET_BYTES = 2 * 1024**3


def _batched_indices(
    count: int, batch_size: int, shuffle: bool, seed: int | None, images_per_pass: int | None
) -> tf.data.Dataset:
    indices = tf.data.Dataset.range(count)
    if shuffle:
        # Shuffling indices, not images, keeps the shuffle buffer tiny however large the images are.
        indices = indices.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    if images_per_pass is not None and images_per_pass < count:
        indices = indices.take(images_per_pass)  # after the shuffle: another random draw on each pass
    return indices.batch(batch_size)


def image_batches(
    images,
    batch_size: int,
    *,
    shuffle: bool = False,
    seed: int | None = None,
    prefetch: bool = True,
    cache_budget_bytes: int | None = None,
    images_per_pass: int | None = None,
) -> tf.data.Dataset:
    """Batches of float32 images in [0, 1], shuffled each epoch if asked, prefetched so the step never waits.

    `images` is an ImageArray (vaegui.data.image_array: images in memory, or an image folder decoded
    by PIL batch by batch) or a plain array. Each batch is gathered from the images as they are kept
    (8-bit data as uint8) and scaled to float in the pipeline, so no second copy of the set is made:
    neither a float32 one nor a TensorFlow constant (which tf.data's graph rewrite copies once more
    on the first batch). A lazy source whose decoded pixels fit in `cache_budget_bytes` (default
    CACHE_BUDGET_BYTES) is decoded once: later epochs read the cache, still reshuffled, and the
    first epoch streams as before. `images_per_pass` stops each pass (epoch) after that many images: with
    `shuffle`, a new random draw each time. Under tf.distribute, each global batch is split between the replicas.
    """
    source = as_image_array(images)
    count = len(source)
    batches = _batched_indices(count, batch_size, shuffle, seed, images_per_pass)
    image_shape = tuple(source.shape[1:])
    in_memory = isinstance(source, InMemoryImages)
    if not in_memory:
        budget = default_cache_budget() if cache_budget_bytes is None else cache_budget_bytes
        if DecodedImageCache.size_of(source) <= budget:
            source = DecodedImageCache(source)
    pixel_dtype = tf.as_dtype(source.pixel_dtype)
    scale = PIXEL_SCALES[np.dtype(source.pixel_dtype)]

    def load_batch(idx):
        batch = tf.numpy_function(source.pixels, [idx], pixel_dtype, stateful=False)
        batch.set_shape((None, *image_shape))
        batch = tf.cast(batch, tf.float32)
        return batch / scale if scale != 1.0 else batch

    # Gathering rows from memory takes microseconds, so batches are made in parallel. Decoding files is
    # Python holding the GIL around PIL, so one batch at a time: parallel calls would only fight over it
    # and run slower than one; LazyImages spreads a batch of large files over its own
    # threads, where PIL releases the GIL. Prefetch still overlaps it with training.
    batches = batches.map(load_batch, num_parallel_calls=tf.data.AUTOTUNE if in_memory else 1)
    options = tf.data.Options()
    # Every worker builds the same (seeded) order and takes its share of each batch; the default
    # policy would first try to split by input files, which these pipelines do not have.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = batches.with_options(options)
    return batches.prefetch(tf.data.AUTOTUNE) if prefetch else batches


class DecodedImageCache:
    """Indexes like the lazy images it wraps, decoding each image once and keeping its pixels in one array.

    Reads may come from several threads at once (the pipeline reads one batch at a time, but a caller
    need not): two may decode the same image at the same time and write the same values, which is
    harmless; the lock only guards the first allocation.
    """

    dtype = np.dtype(np.float32)

    def __init__(self, images):
        self.images = images
        self.shape = tuple(images.shape)
        self.pixel_dtype = np.dtype(images.pixel_dtype)
        self._array: np.ndarray | None = None
        self._decoded: np.ndarray | None = None
        self._lock = threading.Lock()

    @staticmethod
    def size_of(images) -> int:
        """Bytes the decoded pixels of `images` take (uint8 for image files: a quarter of float32)."""
        return int(np.prod(images.shape, dtype=np.int64)) * np.dtype(images.pixel_dtype).itemsize

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index) -> np.ndarray:
        return pixels_to_float(self.pixels(index))

    def pixels(self, index) -> np.ndarray:
        """The pixels at `index` (the pipeline's batch of indices), decoded on their first read."""
        if self._array is None:
            with self._lock:
                if self._array is None:
                    self._decoded = np.zeros(self.shape[0], dtype=bool)
                    self._array = np.empty(self.shape, dtype=self.pixel_dtype)
        positions = np.asarray(index, dtype=np.int64)
        missing = positions[~self._decoded[positions]]
        if len(missing):
            self._array[missing] = self.images.pixels(missing)
            self._decoded[missing] = True
        return self._array[positions]

    @property
    def complete(self) -> bool:
        return self._decoded is not None and bool(self._decoded.all())


def prediction_input(images, batch_size: int):
    """What `predict` takes best: a plain array as it is, dataset images as a batched pipeline."""
    if isinstance(images, np.ndarray):
        return images.astype(np.float32, copy=False)
    return image_batches(images, batch_size, cache_budget_bytes=0)  # one pass: nothing to reuse


def default_cache_budget() -> int:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return CACHE_BUDGET_BYTES
    return min(CACHE_BUDGET_BYTES, memory // 4)
