"""The app's first training: the best dataset available offline, sized to train in about half a minute, and its time."""

from __future__ import annotations

import os
from dataclasses import dataclass

from vaegui.data import offline_dataset_names


@dataclass(frozen=True)
class FirstRun:
    """How much of a dataset the app's default training uses: `subset` images (None: all), for `epochs`."""

    subset: int | None
    epochs: int


# Sized with benchmarks/default_training.py so that the Training tab's default model trains in about 30 s on the
# reference machine (2 cores, CPU only) with reconstructions that are recognisably the test images: 6,000 of
# Fashion-MNIST's pictures (5,143 to train on, 857 to test), 10 epochs.
FIRST_RUNS = {
    "fashion_mnist": FirstRun(subset=6_000, epochs=10),
    "mnist": FirstRun(subset=6_000, epochs=10),
    "digits": FirstRun(subset=None, epochs=30),
}
DATASET_TITLES = {"fashion_mnist": "Fashion-MNIST", "mnist": "MNIST", "digits": "the built-in digits"}
DATASET_SIZES = {"fashion_mnist": 70_000, "mnist": 70_000, "digits": 1_797}  # train and test images together

# What the Training tab's default model costs in CPU time per 1,000 images of an epoch (training on the train part,
# testing on the test part, the epoch's pictures and checkpoint), and once per run (loading the data, building and
# tracing the model), measured by benchmarks/default_training.py on the reference machine: a 2-core x86-64 VM, CPU
# only, TensorFlow 2.21 (Fashion-MNIST: 0.58-0.64 s and 5.1-7.0 s over 5 runs of 6,000 and 7,000 images; digits:
# 0.35-0.37 s and 5.2-5.4 s over 2). CPU time, because that machine is shared: its wall clock swings with the other
# work (the same runs took 60-93 s), while what an image costs the process does not. MNIST costs what Fashion-MNIST
# does: the same model on the same 28×28 shape.
CPU_SECONDS_PER_1000_IMAGES = {"fashion_mnist": 0.60, "mnist": 0.60, "digits": 0.36}
START_CPU_SECONDS = {"fashion_mnist": 5.7, "mnist": 5.7, "digits": 5.3}
# How many cores TensorFlow keeps busy while training this model on two idle cores: wall time = CPU time / this
# (the README's throughput table: ~2,450 images/s by the wall clock, ~1,450 per CPU-second).
BUSY_CORES = 1.7


def best_offline_dataset() -> str:
    """The best named dataset that loads here without the network (real 28×28 images first, the digits last)."""
    return offline_dataset_names()[0]


def first_run(dataset: str) -> FirstRun | None:
    """The default training's size for a named dataset (None for a folder or file the app knows nothing of)."""
    return FIRST_RUNS.get(dataset)


def dataset_title(dataset: str) -> str:
    return DATASET_TITLES.get(dataset, dataset)


def estimate_seconds(dataset: str, subset: int | None, epochs: int) -> float | None:
    """Seconds the default model takes to train `epochs` epochs on `subset` images of a named dataset on two idle
    cores (None: a dataset the table does not know). Only for the Training tab's default model and batch size, which
    the figures were measured with; a machine with more cores is faster than this says."""
    if dataset not in CPU_SECONDS_PER_1000_IMAGES:
        return None
    images = DATASET_SIZES[dataset] if subset is None else min(subset, DATASET_SIZES[dataset])
    cpu = START_CPU_SECONDS[dataset] + epochs * images / 1000 * CPU_SECONDS_PER_1000_IMAGES[dataset]
    return cpu / min(BUSY_CORES, os.cpu_count() or 1)
