"""tf.data input pipelines for in-memory image arrays and lazily decoded image folders."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def _batched_indices(count: int, batch_size: int, shuffle: bool, seed: int | None) -> tf.data.Dataset:
    indices = tf.data.Dataset.range(count)
    if shuffle:
        # Shuffling indices, not images, keeps the shuffle buffer tiny however large the images are.
        indices = indices.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    return indices.batch(batch_size)


def image_batches(images, batch_size: int, *, shuffle: bool = False, seed: int | None = None) -> tf.data.Dataset:
    """Batches of float32 images, shuffled each epoch if asked, prefetched so the step never waits.

    `images` is a numpy array (gathered from one constant tensor) or any object that indexes like
    one, such as the streaming image folder (decoded in parallel by PIL, batch by batch).
    """
    count = len(images)
    batches = _batched_indices(count, batch_size, shuffle, seed)
    image_shape = tuple(images.shape[1:])
    if isinstance(images, np.ndarray):
        table = tf.constant(np.asarray(images, dtype=np.float32))
        batches = batches.map(lambda idx: tf.gather(table, idx), num_parallel_calls=tf.data.AUTOTUNE)
    else:

        def load(idx: np.ndarray) -> np.ndarray:
            return np.asarray(images[idx], dtype=np.float32)

        def load_batch(idx):
            batch = tf.numpy_function(load, [idx], tf.float32, stateful=False)
            batch.set_shape((None, *image_shape))
            return batch

        batches = batches.map(load_batch, num_parallel_calls=tf.data.AUTOTUNE)
    return batches.prefetch(tf.data.AUTOTUNE)


def prediction_input(images, batch_size: int):
    """What `predict` takes best: arrays as they are, lazy images as a batched pipeline."""
    if isinstance(images, np.ndarray):
        return images.astype(np.float32, copy=False)
    return image_batches(images, batch_size)
