"""Latent quality of the default settings against the keras.io layout: active units, effective dim, dead units, 5-NN.

Usage: python benchmarks/latent_quality.py [--epochs 10] [--train-images 12000] [--quality-images 1000] [--z-dim 16]
       [--layouts defaults,keras_io] [--seeds 0] [--dataset fashion_mnist]

Each layout trains through TrainingSession (as `vaegui train` does) at z_dim 16 and β = 1 on the first
`--train-images` training images (0 = all), and after every epoch, on the training thread, measures the
latent quality (vaegui.latent.quality.measure_quality) of a fixed random `--quality-images` test images:
active units (Var over images of mu_i > 0.01), effective dimensionality (principal components of mu
holding 95 % of its variance; participation ratio), dead units of the encoder's hidden dense layer, and
the 5-NN label accuracy of mu (stratified 5-fold cross-validation), next to that of the raw pixels of the
same images (the bar a latent space should clear). Also the median time of an epoch (its batches, after
the first epoch) and of a measurement. Data: Fashion-MNIST (the Debian package's files) when present,
else the digits.
The keras.io layout (conv 32/64, dense 16, ReLU, batch 128, Adam 1e-3) was vaegui's default before
this benchmark: on MNIST at z_dim 16 most of its 16 ReLU units die and its latent means collapse to
about one direction.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import statistics
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

from vaegui.config import DataConfig, ModelConfig, RunConfig, TrainingConfig  # noqa: E402
from vaegui.data import ImageDataset, ImageSplit, load_dataset  # noqa: E402
from vaegui.latent.quality import knn_accuracy, measure_quality, quality_sample  # noqa: E402
from vaegui.runs import Run  # noqa: E402
from vaegui.training import TrainingListener, TrainingSession  # noqa: E402

# What each layout changes from vaegui.config's defaults (model and training settings).
LAYOUTS: dict[str, dict[str, object]] = {
    "defaults": {},
    "keras_io": dict(conv_filters=(32, 64), dense_units=16, activation="relu", batch_size=128, learning_rate=1e-3),
    "keras_io_elu": dict(conv_filters=(32, 64), dense_units=16, activation="elu", batch_size=128, learning_rate=1e-3),
    "old_gui_form": dict(conv_filters=(16, 32), dense_units=64, activation="relu", batch_size=32, learning_rate=2e-3),
    "old_gui_form_elu": dict(conv_filters=(16, 32), dense_units=64, activation="elu", batch_size=32,
                             learning_rate=2e-3),
    # Other candidates for the defaults, to compare with --layouts.
    "wide_relu": dict(conv_filters=(32, 64), dense_units=128, activation="relu", batch_size=128, learning_rate=1e-3),
    "wide_elu": dict(conv_filters=(32, 64), dense_units=128, activation="elu", batch_size=128, learning_rate=1e-3),
    "wide_swish": dict(conv_filters=(32, 64), dense_units=128, activation="swish", batch_size=128, learning_rate=1e-3),
    "defaults_leaky_relu": dict(activation="leaky_relu"),
    "defaults_batch_128": dict(batch_size=128, learning_rate=1e-3),
}


def layout_config(name: str, dataset: str, z_dim: int, epochs: int, seed: int) -> RunConfig:
    config = RunConfig(data=DataConfig(dataset=dataset), model=ModelConfig(z_dim=z_dim), training=TrainingConfig())
    for key, value in LAYOUTS[name].items():
        setattr(config.model if hasattr(config.model, key) else config.training, key, value)
    config.training.epochs, config.training.seed = epochs, seed
    return config.validate()


def describe(config: RunConfig) -> str:
    model, training = config.model, config.training
    return (f"conv {'/'.join(map(str, model.conv_filters))}, dense {model.dense_units}, {model.activation}, "
            f"batch {training.batch_size}, lr {training.learning_rate:g}")


class QualityEachEpoch(TrainingListener):
    """Measures the latent quality after each epoch on the training thread, as the app will."""

    def __init__(self, session_run: Run, images: np.ndarray, labels: np.ndarray | None):
        self.run, self.images, self.labels = session_run, images, labels
        self.qualities, self.epoch_seconds = [], []

    def on_epoch(self, progress):
        self.epoch_seconds.append(progress.record["seconds"])
        self.qualities.append(measure_quality(self.run.model, self.images, self.labels))
        q = self.qualities[-1]
        print(f"    epoch {progress.epoch:>3}: loss {progress.record['loss']:8.2f}  5-NN {q.knn_accuracy:.3f}  "
              f"active {q.active_units}/{q.z_dim}  effective dim {q.effective_dimensions} "
              f"(PR {q.participation_ratio:.1f})  dead {q.dead_hidden_units}/{q.hidden_units}  "
              f"epoch {progress.record['seconds']:.1f} s  measure {q.seconds * 1000:.0f} ms", flush=True)


def train_and_measure(config: RunConfig, data: ImageDataset, images, labels, root: str) -> QualityEachEpoch:
    run = Run.create(tempfile.mkdtemp(dir=root), copy.deepcopy(config))
    listener = QualityEachEpoch(run, images, labels)
    TrainingSession(run, data, listener, probe_size=0).run()
    return listener


def dataset(name: str | None, train_images: int) -> ImageDataset:
    data = None
    for candidate in [name] if name else ["fashion_mnist", "digits"]:
        try:
            data = load_dataset(candidate)
            break
        except Exception as error:  # no package and no network: the next candidate
            print(f"{candidate} unavailable ({error}).")
    if data is None:
        raise SystemExit("No dataset available.")
    if train_images and train_images < len(data.train):
        data = copy.copy(data)
        labels = None if data.train.labels is None else data.train.labels[:train_images]
        data.train = ImageSplit(data.train.images[:train_images], labels)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--train-images", type=int, default=12_000, help="first N training images (0 = all)")
    parser.add_argument("--quality-images", type=int, default=1_000, help="test images measured each epoch")
    parser.add_argument("--z-dim", type=int, default=16)
    parser.add_argument("--layouts", default="defaults,keras_io", help=f"comma-separated, of: {', '.join(LAYOUTS)}")
    parser.add_argument("--seeds", default="0", help="comma-separated training seeds; figures are their medians")
    parser.add_argument("--dataset", default=None, help="default: fashion_mnist when present, else digits")
    args = parser.parse_args()
    names = [n for n in args.layouts.split(",") if n]
    unknown = set(names) - set(LAYOUTS)
    if unknown:
        raise SystemExit(f"Unknown layout(s) {', '.join(sorted(unknown))}; there are: {', '.join(LAYOUTS)}")
    seeds = [int(s) for s in args.seeds.split(",")]
    data = dataset(args.dataset, args.train_images)
    images, labels = quality_sample(data.test.images, data.test.labels, args.quality_images)
    started = time.perf_counter()
    pixels = knn_accuracy(images, labels) if labels is not None else float("nan")
    pixel_seconds = time.perf_counter() - started
    print(f"Data: {data.name}, {len(data.train):,} training images, quality measured on {len(images):,} test images; "
          f"z_dim {args.z_dim}, β 1, {args.epochs} epochs, seeds {seeds}. 5-NN on raw pixels: {pixels:.3f} "
          f"({pixel_seconds:.2f} s)", flush=True)
    root = tempfile.mkdtemp(prefix="vaegui-bench-quality-")
    try:
        for name in names:
            report(name, args, seeds, data, images, labels, pixels, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def report(name: str, args: argparse.Namespace, seeds: list[int], data: ImageDataset, images, labels, pixels: float,
           root: str) -> None:
    """Train layout `name` once per seed, measuring each epoch, and print its SUMMARY lines."""
    config = layout_config(name, data.name, args.z_dim, args.epochs, seeds[0])
    print(f"\n{name}: {describe(config)}", flush=True)
    results = []
    for seed in seeds:
        config.training.seed = seed
        print(f"  seed {seed}:", flush=True)
        results.append(train_and_measure(config, data, images, labels, root))
    finals = [r.qualities[-1] for r in results]
    best_epoch = [int(np.argmax([q.knn_accuracy for q in r.qualities])) + 1 for r in results]
    epoch_s = statistics.median(s for r in results for s in (r.epoch_seconds[1:] or r.epoch_seconds))
    measure_s = statistics.median(q.seconds for r in results for q in r.qualities[1:] or r.qualities)

    def median(field: str) -> float:
        return statistics.median(getattr(q, field) for q in finals)

    print(f"SUMMARY {name} ({describe(config)}), {data.name} {len(data.train):,} images, z_dim {args.z_dim}, "
          f"{args.epochs} epochs: 5-NN on mu {median('knn_accuracy'):.3f} (seeds "
          f"{', '.join(f'{q.knn_accuracy:.3f}' for q in finals)}; best at epochs {best_epoch}) vs raw pixels "
          f"{pixels:.3f}; active units {median('active_units'):.0f}/{args.z_dim}; effective dim "
          f"{median('effective_dimensions'):.0f} (PR {median('participation_ratio'):.1f}); dead hidden units "
          f"{median('dead_hidden_units'):.0f}/{finals[0].hidden_units}")
    print(f"SUMMARY {name}: epoch {epoch_s:.1f} s ({len(data.train) / epoch_s:,.0f} images/s), measure_quality "
          f"on {len(images):,} images {measure_s * 1000:.0f} ms ({100 * measure_s / epoch_s:.1f} % of an epoch)")


if __name__ == "__main__":
    raise SystemExit(main())
