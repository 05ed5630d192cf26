"""TensorBoard event files for a run: epoch and batch losses, β, speed, and sample reconstructions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vaegui.latent.generation import image_mosaic
from vaegui.loss_terms import LOSS_NAMES

# Tiles smaller than this are enlarged (nearest neighbour) so 8×8 or 28×28 images are visible in TensorBoard.
MIN_TILE_PIXELS = 56


class TensorBoardLog:
    """Writes `folder/train` and `folder/validation`, Keras' layout, so `tensorboard --logdir runs/` pairs the curves.

    Everything is written once per epoch, after the checkpoint: training itself never waits on it
    (the batch scalars go in one graph call, a few milliseconds).
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._writers: dict[str, object] = {}
        self._series_writer = None
        self.available = _summary_ops_available()

    def _writer(self, name: str):
        import tensorflow as tf

        if name not in self._writers:
            self._writers[name] = tf.summary.create_file_writer(str(self.folder / name))
        return self._writers[name]

    def write_epoch(
        self,
        record: dict[str, float],
        batch_records: list[dict[str, float]],
        batches_per_epoch: int,
        samples: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """One completed epoch: its history row, its batches' own losses, and originals above reconstructions."""
        if not self.available:
            return
        import tensorflow as tf

        epoch = int(record["epoch"])
        with self._writer("train").as_default():
            for tag in (*LOSS_NAMES, "beta", "images_per_second", "seconds"):
                if tag in record:
                    tf.summary.scalar(f"epoch_{tag}", record[tag], step=epoch)
            if batch_records:
                steps = [(int(row["epoch"]) - 1) * batches_per_epoch + int(row["batch"]) for row in batch_records]
                for tag in LOSS_NAMES:
                    if all(tag in row for row in batch_records):
                        self._write_series(f"batch_{tag}", steps, [row[tag] for row in batch_records])
            if samples is not None and len(samples[0]):
                tf.summary.image(
                    "reconstructions",
                    sample_grid(*samples)[None],
                    step=epoch,
                    description="Top row: test images. Bottom row: their reconstructions from mu.",
                )
        if any(f"val_{tag}" in record for tag in LOSS_NAMES):
            with self._writer("validation").as_default():
                for tag in LOSS_NAMES:
                    if f"val_{tag}" in record:
                        tf.summary.scalar(f"epoch_{tag}", record[f"val_{tag}"], step=epoch)
        for writer in self._writers.values():
            writer.flush()  # visible in a running TensorBoard now, not at the end of training

    def _write_series(self, tag: str, steps: list[int], values: list[float]) -> None:
        """Many scalars of one tag in a single graph call: an eager summary op per batch costs time of its own
        that short epochs would notice."""
        import tensorflow as tf

        if self._series_writer is None:

            from tensorboard.plugins.scalar import metadata

            # tf.summary.write with the scalar plugin's metadata is what tf.summary.scalar does, minus
            # the name scope, which inside the loop would rename the tag 'while/…'.
            scalar_metadata = metadata.create_summary_metadata(display_name=None, description=None)

            # One signature for every tag and batch count: traced once per run, not once per tag (TensorFlow
            # warned about retracing when several tags were written in a row).
            @tf.function(input_signature=[tf.TensorSpec((), tf.string), tf.TensorSpec((None,), tf.int64),
                                          tf.TensorSpec((None,), tf.float32)])
            def write(tag, steps, values):
                for i in tf.range(tf.shape(steps)[0]):
                    tf.summary.write(tag, values[i], step=steps[i], metadata=scalar_metadata)

            self._series_writer = write
        self._series_writer(tf.constant(tag), tf.constant(steps, dtype=tf.int64), tf.constant(values, dtype=tf.float32))

    def close(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()


def sample_grid(originals: np.ndarray, reconstructions: np.ndarray) -> np.ndarray:
    """One (2H, N·W, C) image in [0, 1]: originals on top, reconstructions below, enlarged if tiny."""
    pairs = np.concatenate([originals, reconstructions[: len(originals)]])
    grid = np.clip(image_mosaic(pairs, columns=len(originals), gap=0), 0.0, 1.0)
    scale = max(1, -(-MIN_TILE_PIXELS // originals.shape[1]))
    if scale > 1:
        grid = grid.repeat(scale, axis=0).repeat(scale, axis=1)
    return grid


def _summary_ops_available() -> bool:
    # tf.summary.scalar/image are implemented by the tensorboard package.
    try:
        import tensorboard  # noqa: F401
    except ImportError:
        return False
    return True
