"""The app's first training: the best dataset available offline, how much of it the default training uses, and how long
that takes on this machine (a few batches timed at first launch, then what each training took), said as a range."""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import asdict, dataclass

from vaegui.config import ModelConfig
from vaegui.data import offline_dataset_names


@dataclass(frozen=True)
class FirstRun:
    """How much of a dataset the app's default training uses: `subset` images (None: all), for `epochs`."""

    subset: int | None
    epochs: int


# Sized with benchmarks/default_training.py: 6,000 of Fashion-MNIST's pictures (5,400 to train on, 600 to test) for
# 10 epochs give reconstructions that are recognisably the test images; the digits are small enough to use them all.
FIRST_RUNS = {
    "fashion_mnist": FirstRun(subset=6_000, epochs=10),
    "mnist": FirstRun(subset=6_000, epochs=10),
    "digits": FirstRun(subset=None, epochs=30),
}
DATASET_TITLES = {"fashion_mnist": "Fashion-MNIST", "mnist": "MNIST", "digits": "the built-in digits"}
DATASET_SIZES = {"fashion_mnist": 70_000, "mnist": 70_000, "digits": 1_797}  # train and test images together
IMAGE_SHAPES = {"fashion_mnist": (28, 28, 1), "mnist": (28, 28, 1), "digits": (8, 8, 1)}
TIMED_BATCHES = 6  # after the first, which traces the model: enough for a median, a fraction of a second
# What a first launch's timing cannot see, as a range: an epoch also tests the test images, draws the epoch's
# pictures and saves a checkpoint, and a busy machine is slower some minutes than others.
FIRST_GUESS_SPREAD = (1.2, 2.4)
MEASURED_SPREAD = (0.8, 1.4)  # a whole training measured: the next one takes about as long, on a machine shared


@dataclass(frozen=True)
class Pace:
    """How fast this machine trains the default model on a dataset: seconds for each 1,000 of its images in an
    epoch, and once before the first batch (loading the data, building and tracing the model). `source`:
    "batches" (a few timed at first launch) or "training" (a whole training run)."""

    seconds_per_1000_images: float
    start_seconds: float
    source: str

    def seconds(self, images: int, epochs: int) -> float:
        return self.start_seconds + epochs * images / 1000 * self.seconds_per_1000_images

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> Pace | None:
        """A pace remembered in the settings; None when it is missing or damaged (it is measured again)."""
        try:
            pace = cls(float(values["seconds_per_1000_images"]), float(values["start_seconds"]),
                       str(values["source"]))
        except (KeyError, TypeError, ValueError):
            return None
        finite = all(math.isfinite(v) and v >= 0 for v in (pace.seconds_per_1000_images, pace.start_seconds))
        return pace if finite and pace.source in ("batches", "training") else None


def best_offline_dataset() -> str:
    """The best named dataset that loads here without the network (real 28×28 images first, the digits last)."""
    return offline_dataset_names()[0]


def first_run(dataset: str) -> FirstRun | None:
    """The default training's size for a named dataset (None for a folder or file the app knows nothing of)."""
    return FIRST_RUNS.get(dataset)


def dataset_title(dataset: str) -> str:
    return DATASET_TITLES.get(dataset, dataset)


def images_used(dataset: str, subset: int | None) -> int | None:
    """How many of a named dataset's images a training uses (None for a dataset of unknown size)."""
    if dataset not in DATASET_SIZES:
        return None
    return DATASET_SIZES[dataset] if subset is None else min(subset, DATASET_SIZES[dataset])


def estimate_range(pace: Pace | None, dataset: str, subset: int | None, epochs: int) -> tuple[float, float] | None:
    """Seconds the default model takes to train `epochs` epochs of `subset` images of a named dataset at `pace`,
    as (fewest, most); None when the pace or the dataset's size is not known."""
    images = images_used(dataset, subset)
    if pace is None or images is None:
        return None
    low, high = FIRST_GUESS_SPREAD if pace.source == "batches" else MEASURED_SPREAD
    middle = pace.seconds(images, epochs)
    return middle * low, middle * high


def say_duration_range(seconds: tuple[float, float]) -> str:
    """A range as people say it, rounded since it is an estimate: '15–25 s', '1–2 min', '40 s–1 min'."""
    low, high = seconds
    if high < 90:
        low_s, high_s = (max(5, int(round(value / 5.0)) * 5) for value in (low, high))
        return f"{low_s} s" if low_s == high_s else f"{low_s}–{high_s} s"
    low_m, high_m = (max(1, int(round(value / 60.0))) for value in (low, high))
    if low < 90:
        return f"{max(5, int(round(low / 5.0)) * 5)} s–{high_m} min"
    return f"{low_m} min" if low_m == high_m else f"{low_m}–{high_m} min"


def time_default_batches(dataset: str, batch_size: int, timed: int = TIMED_BATCHES) -> Pace:
    """Train the default model for a few batches of random images shaped as `dataset`'s (seconds of TensorFlow work:
    call it off the GUI thread) and return this machine's pace from them: the first batch traces the model, the
    median of the others is what each batch of an epoch costs."""
    import numpy as np

    from vaegui.tensorflow_start import start_tensorflow

    start_tensorflow()
    from keras import optimizers

    from vaegui.model.vae import build_vae

    shape = IMAGE_SHAPES[dataset]
    started = time.perf_counter()
    model = build_vae(ModelConfig(), shape)
    model.compile(optimizer=optimizers.Adam(1e-3))
    model.optimizer.build(model.trainable_variables)  # as a training does (vaegui.training.session): one trace
    images = np.random.default_rng(0).random((batch_size, *shape), dtype=np.float32)
    model.train_on_batch(images)
    start = time.perf_counter() - started
    seconds = []
    for _ in range(timed):
        began = time.perf_counter()
        model.train_on_batch(images)
        seconds.append(time.perf_counter() - began)
    per_batch = statistics.median(seconds)
    return Pace(per_batch * 1000 / batch_size, start, "batches")


def pace_from_training(dataset: str, subset: int | None, epochs: int, seconds: float,
                       start: Pace | None) -> Pace | None:
    """This machine's pace from a whole training of the default model: `epochs` epochs of a named dataset's
    `subset` images that took `seconds` (not counting pauses). The start's share is the one measured before, if
    any; what remains is the epochs' share."""
    images = images_used(dataset, subset)
    if images is None or epochs <= 0 or seconds <= 0:
        return None
    start_seconds = min(start.start_seconds, seconds / 2) if start is not None else 0.0
    return Pace((seconds - start_seconds) / epochs / images * 1000, start_seconds, "training")
