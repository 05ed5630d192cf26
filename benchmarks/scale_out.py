"""Scale-out figures: default vs MirroredStrategy on two logical CPU devices, and the tf.data pipeline vs the step.

Usage: python benchmarks/scale_out.py [--epochs 3] [--train-images 6400] [--folder-images 2000]

The CPU is split into two logical devices before TensorFlow starts, so MirroredStrategy has two
replicas here; expect no gain on one CPU (both replicas share its cores): the point is that it runs.
Default trains batch 128 on one device; mirrored trains 64 per replica, the same global batch.
Then the input pipeline alone (no model) is timed for in-memory arrays and for a folder of PNG files
(first epoch decoding, later epochs from the decoded cache) against the training step's own rate
(history.csv's images/s, which counts the training batches only). Target: pipeline ≥ 3× the step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

# Before anything else touches the devices.
tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2
)

from PIL import Image  # noqa: E402

from vaegui.config import DataConfig, ModelConfig, RunConfig, TrainingConfig  # noqa: E402
from vaegui.data import ImageDataset, ImageSplit, LazyImages, load_dataset  # noqa: E402
from vaegui.pipeline import image_batches  # noqa: E402
from vaegui.runs import Run  # noqa: E402
from vaegui.training import TrainingListener, TrainingSession  # noqa: E402

BATCH = 128


class EpochTimes(TrainingListener):
    def __init__(self):
        self.started, self.ends, self.device = 0.0, [], ""

    def on_start(self, start):
        self.started, self.device = time.perf_counter(), start.device

    def on_epoch(self, progress):
        self.ends.append(time.perf_counter())


def train(data: ImageDataset, strategy: str, batch_size: int, epochs: int, root: str) -> tuple[float, float, str]:
    """(median images/s of epochs after the first, median step-only images/s, device line)."""
    config = RunConfig(
        data=DataConfig(dataset=data.name),
        model=ModelConfig(z_dim=2, conv_filters=(32, 64), dense_units=16),
        training=TrainingConfig(epochs=epochs, batch_size=batch_size, seed=0, strategy=strategy),
    )
    run = Run.create(tempfile.mkdtemp(dir=root), config)
    listener = EpochTimes()
    TrainingSession(run, data, listener, probe_size=0).run()
    durations = np.diff([listener.started, *listener.ends])[1:]
    step_rates = [row["images_per_second"] for row in run.history[1:]]
    return len(data.train) / statistics.median(durations), statistics.median(step_rates), listener.device


def pipeline_rate(images, epochs: int = 2) -> list[float]:
    """Images/s of iterating the training pipeline alone, per epoch."""
    batches = image_batches(images, BATCH, shuffle=True, seed=0)
    rates = []
    for _ in range(epochs):
        started = time.perf_counter()
        count = sum(int(batch.shape[0]) for batch in batches)
        rates.append(count / (time.perf_counter() - started))
    return rates


def png_folder(images: np.ndarray, folder: str) -> LazyImages:
    paths = []
    for index, image in enumerate(images):
        path = os.path.join(folder, f"{index:05d}.png")
        Image.fromarray((image[..., 0] * 255).astype(np.uint8)).save(path)
        paths.append(path)
    return LazyImages(paths, image_size=images.shape[1], channels=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--train-images", type=int, default=6_400)
    parser.add_argument("--folder-images", type=int, default=2_000)
    args = parser.parse_args()
    full = load_dataset("fashion_mnist")
    data = ImageDataset(
        full.name, ImageSplit(full.train.images[: args.train_images], None),
        ImageSplit(full.test.images[:1000], None), full.class_names, full.source,
    )
    scratch = tempfile.TemporaryDirectory(prefix="vaegui-scale-")  # removed at the end
    root = scratch.name
    print(f"{data.name}: {len(data.train):,} training images, global batch {BATCH}, {args.epochs} epochs "
          f"(median of epochs 2-{args.epochs}).", flush=True)

    default_rate, step_rate, device = train(data, "default", BATCH, args.epochs, root)
    print(f"  default strategy   {default_rate:8,.0f} images/s   ({device})", flush=True)
    mirrored_rate, _, device = train(data, "mirrored", BATCH // 2, args.epochs, root)
    print(f"  mirrored strategy  {mirrored_rate:8,.0f} images/s   ({device})", flush=True)
    print(f"  mirrored / default = {mirrored_rate / default_rate:.2f}×  (one CPU shared by both replicas)")

    print(f"\nInput pipeline alone vs the training step ({step_rate:,.0f} images/s, training batches only):")
    array_rate = max(pipeline_rate(data.train.images))
    print(f"  in-memory arrays              {array_rate:10,.0f} images/s  = {array_rate / step_rate:6.1f}× the step")
    folder = tempfile.mkdtemp(prefix="vaegui-pngs-", dir=root)
    lazy = png_folder(data.train.images[: args.folder_images], folder)
    first, cached = pipeline_rate(lazy)
    print(f"  PNG folder, first epoch       {first:10,.0f} images/s  = {first / step_rate:6.1f}× the step (decoding)")
    print(f"  PNG folder, cached epochs     {cached:10,.0f} images/s  = {cached / step_rate:6.1f}× the step")
    print()
    print(f"SUMMARY default {default_rate:,.0f} vs mirrored (2 logical CPUs) {mirrored_rate:,.0f} images/s")
    print(f"SUMMARY pipeline / step: arrays {array_rate / step_rate:.1f}×, PNG folder {first / step_rate:.1f}× "
          f"first epoch, {cached / step_rate:.1f}× cached (target ≥ 3×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
