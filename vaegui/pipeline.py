"""tf.data input pipelines for in-memory image arrays and lazily decoded image folders."""

from __future__ import annotations

import os
import threading

import numpy as np
import tensorflow as tf

# Decoded image folders up to this size (and a quarter of the memory) are kept in memory after their first epoch.
CACHE_BUDGET_BYTES = 2 * 1024**3


def _batched_indices(count: int, batch_size: int, shuffle: bool, seed: int | None) -> tf.data.Dataset:
    indices = tf.data.Dataset.range(count)
    if shuffle:
        # Shuffling indices, not images, keeps the shuffle buffer tiny however large the images are.
        indices = indices.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    return indices.batch(batch_size)


def image_batches(
    images,
    batch_size: int,
    *,
    shuffle: bool = False,
    seed: int | None = None,
    prefetch: bool = True,
    cache_budget_bytes: int | None = None,
) -> tf.data.Dataset:
    """Batches of float32 images, shuffled each epoch if asked, prefetched so the step never waits.

    `images` is a numpy array (gathered from one constant tensor) or any object that indexes like
    one, such as the streaming image folder (decoded in parallel by PIL, batch by batch). A lazy
    source whose decoded images fit in `cache_budget_bytes` (default CACHE_BUDGET_BYTES) is decoded
    once: later epochs read the cache, still reshuffled, and the first epoch streams as before.
    Under tf.distribute, each global batch is split between the replicas.
    """
    count = len(images)
    batches = _batched_indices(count, batch_size, shuffle, seed)
    image_shape = tuple(images.shape[1:])
    if isinstance(images, np.ndarray):
        table = _constant_in_slices(np.asarray(images, dtype=np.float32))
        batches = batches.map(lambda idx: tf.gather(table, idx), num_parallel_calls=tf.data.AUTOTUNE)
    else:
        budget = default_cache_budget() if cache_budget_bytes is None else cache_budget_bytes
        source = DecodedImageCache(images) if DecodedImageCache.size_of(images) <= budget else images

        def load(idx: np.ndarray) -> np.ndarray:
            return np.asarray(source[idx], dtype=np.float32)

        def load_batch(idx):
            batch = tf.numpy_function(load, [idx], tf.float32, stateful=False)
            batch.set_shape((None, *image_shape))
            return batch

        # One batch at a time: decoding is Python holding the GIL around PIL, so parallel calls would only
        # fight over it (2.4x slower for small PNGs on two cores); LazyImages spreads a batch of large
        # files over its own threads, where PIL releases the GIL. Prefetch still overlaps it with training.
        batches = batches.map(load_batch, num_parallel_calls=1)
    options = tf.data.Options()
    # Every worker builds the same (seeded) order and takes its share of each batch; the default
    # policy would first try to split by input files, which these pipelines do not have.
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    batches = batches.with_options(options)
    return batches.prefetch(tf.data.AUTOTUNE) if prefetch else batches


# Bytes copied into TensorFlow per call while the GIL is held: a few milliseconds each.
CONSTANT_SLICE_BYTES = 8 * 1024**2


def _constant_in_slices(array: np.ndarray) -> tf.Tensor:
    """`tf.constant(array)` without holding the GIL through the whole copy.

    One tf.constant of Fashion-MNIST's 188 MB holds the GIL ~100 ms, which freezes the app's window
    (the training thread builds this pipeline); slices hold it a few ms each, and the concat that
    joins them runs in TensorFlow's runtime, which releases it.
    """
    rows = max(1, CONSTANT_SLICE_BYTES // max(1, array[:1].nbytes))
    if len(array) <= rows:
        return tf.constant(array)
    return tf.concat([tf.constant(array[start:start + rows]) for start in range(0, len(array), rows)], axis=0)


class DecodedImageCache:
    """Indexes like the lazy images it wraps, decoding each image once and keeping it in one array.

    Reads may come from several threads at once (the pipeline reads one batch at a time, but a caller
    need not): two may decode the same image at the same time and write the same values, which is
    harmless; the lock only guards the first allocation.
    """

    def __init__(self, images):
        self.images = images
        self.shape = tuple(images.shape)
        self._array: np.ndarray | None = None
        self._decoded: np.ndarray | None = None
        self._lock = threading.Lock()

    @staticmethod
    def size_of(images) -> int:
        return int(np.prod(images.shape, dtype=np.int64)) * 4

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, index) -> np.ndarray:
        if self._array is None:
            with self._lock:
                if self._array is None:
                    self._decoded = np.zeros(self.shape[0], dtype=bool)
                    self._array = np.empty(self.shape, dtype=np.float32)
        positions = np.asarray(index, dtype=np.int64)  # the pipeline's batch of indices
        missing = positions[~self._decoded[positions]]
        if len(missing):
            self._array[missing] = self.images[missing]
            self._decoded[missing] = True
        return self._array[positions]

    @property
    def complete(self) -> bool:
        return self._decoded is not None and bool(self._decoded.all())


def prediction_input(images, batch_size: int):
    """What `predict` takes best: arrays as they are, lazy images as a batched pipeline."""
    if isinstance(images, np.ndarray):
        return images.astype(np.float32, copy=False)
    return image_batches(images, batch_size, cache_budget_bytes=0)  # one pass: nothing to reuse


def default_cache_budget() -> int:
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return CACHE_BUDGET_BYTES
    return min(CACHE_BUDGET_BYTES, memory // 4)
