"""Training images/s: vaegui's headless session against plain Keras, the three KL strategies, and each speed-up.

Usage: python benchmarks/train_throughput.py [--full] [--epochs 4] [--train-images 6400] [--repeats 3]

The plain Keras side is the keras.io VAE (conv 32/64 stride 2, dense 16, z_dim 2, batch 128), written
out below with nothing from vaegui, trained by model.fit on the same images with the same test split as
validation data. vaegui trains the identical network through TrainingSession, as `vaegui train` does:
per-batch progress, a checkpoint, history files and TensorBoard logs every epoch. An epoch's time runs
from the end of the previous epoch to the end of this one (validation and checkpoint included); the
figure is the median over the epochs after the first (which traces the model). The two sides run
alternately in one process, `--repeats` times. Data: Fashion-MNIST (the Debian package's files) when
present, else the digits upscaled to 28×28. By default a 6,400-image subset keeps the whole script
to a few minutes on two cores; --full trains on all 60,000.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers, ops  # noqa: E402

from vaegui.config import DataConfig, ModelConfig, RunConfig, TrainingConfig  # noqa: E402
from vaegui.data import ImageDataset, ImageSplit, load_dataset  # noqa: E402
from vaegui.pipeline import image_batches  # noqa: E402
from vaegui.runs import Run  # noqa: E402
from vaegui.training import TrainingListener, TrainingSession  # noqa: E402

BATCH = 128


# ---- the keras.io VAE, verbatim in spirit ---------------------------------------------------------


class Sampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class KerasIoVAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def losses_of(self, data):
        z_mean, z_log_var, z = self.encoder(data)
        reconstruction = self.decoder(z)
        reconstruction_loss = ops.mean(ops.sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)))
        kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
        return reconstruction_loss, kl_loss

    def train_step(self, data):
        with tf.GradientTape() as tape:
            reconstruction_loss, kl_loss = self.losses_of(data)
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return self._track(total_loss, reconstruction_loss, kl_loss)

    def test_step(self, data):
        reconstruction_loss, kl_loss = self.losses_of(data)
        return self._track(reconstruction_loss + kl_loss, reconstruction_loss, kl_loss)

    def _track(self, total, reconstruction, kl):
        self.total_loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(reconstruction)
        self.kl_loss_tracker.update_state(kl)
        return {m.name: m.result() for m in self.metrics}


def keras_io_vae(latent_dim: int = 2) -> KerasIoVAE:
    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")
    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")
    return KerasIoVAE(encoder, decoder)


# ---- timing -----------------------------------------------------------------------------------------


def steady_rate(epoch_ends: list[float], started: float, images: int) -> tuple[float, float]:
    """(median images/s of the epochs after the first, images/s of the first epoch)."""
    durations = np.diff([started, *epoch_ends])
    later = durations[1:] if len(durations) > 1 else durations
    return images / statistics.median(later), images / durations[0]


class EpochClock(keras.callbacks.Callback):
    """Only epoch hooks, so Keras keeps dispatching batch callbacks asynchronously as in a bare fit()."""

    def __init__(self):
        super().__init__()
        self.started, self.ends = 0.0, []

    def on_train_begin(self, logs=None):
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.ends.append(time.perf_counter())


def plain_keras(data: ImageDataset, epochs: int, *, pipeline: str = "arrays", jit_compile=False) -> tuple[float, float]:
    keras.utils.set_random_seed(0)
    model = keras_io_vae()
    model.compile(optimizer=keras.optimizers.Adam(), jit_compile=jit_compile)
    clock = EpochClock()
    if pipeline == "arrays":  # exactly the keras.io call, plus the same validation data vaegui evaluates
        model.fit(
            data.train.images, epochs=epochs, batch_size=BATCH, validation_data=(data.test.images,),
            callbacks=[clock], verbose=0,
        )
    else:
        prefetch = pipeline == "vaegui-pipeline"
        train = image_batches(data.train.images, BATCH, shuffle=True, seed=0, prefetch=prefetch)
        test = image_batches(data.test.images, BATCH, prefetch=prefetch)
        model.fit(train, epochs=epochs, validation_data=test, callbacks=[clock], verbose=0)
    return steady_rate(clock.ends, clock.started, len(data.train))


class EpochTimes(TrainingListener):
    def __init__(self):
        self.started, self.ends, self.batches = 0.0, [], 0

    def on_start(self, start):
        self.started = time.perf_counter()

    def on_batch(self, progress):
        self.batches += 1

    def on_epoch(self, progress):
        self.ends.append(time.perf_counter())


def vaegui_session(data: ImageDataset, epochs: int, root: str, **settings) -> tuple[float, float]:
    model = {k: settings.pop(k) for k in ("kl_strategy",) if k in settings}
    config = RunConfig(
        data=DataConfig(dataset=data.name),
        model=ModelConfig(z_dim=2, conv_filters=(32, 64), dense_units=16, activation="relu", **model),
        training=TrainingConfig(epochs=epochs, batch_size=BATCH, seed=0, **settings),
    )
    run = Run.create(tempfile.mkdtemp(dir=root), config)
    listener = EpochTimes()
    TrainingSession(run, data, listener, probe_size=0).run()  # probe_size=0: as `vaegui train` does
    return steady_rate(listener.ends, listener.started, len(data.train))


def dataset(train_images: int | None, test_images: int | None) -> ImageDataset:
    try:
        data = load_dataset("fashion_mnist")
    except Exception as error:  # no package and no network: the built-in digits, upscaled
        print(f"Fashion-MNIST unavailable ({error}); using digits upscaled to 28×28.")
        data = load_dataset("digits", image_size=28)
    if train_images:
        data = copy.copy(data)
        data.train = ImageSplit(data.train.images[:train_images], None)
        data.test = ImageSplit(data.test.images[:test_images], None)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="all 60,000 training images (minutes an epoch on a CPU)")
    parser.add_argument("--epochs", type=int, default=4, help="epochs per measurement (the first is not counted)")
    parser.add_argument("--train-images", type=int, default=6_400)
    parser.add_argument("--test-images", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3, help="alternate plain Keras and vaegui this many times")
    parser.add_argument("--skip-speedups", action="store_true", help="only vaegui vs Keras and the KL strategies")
    args = parser.parse_args()
    data = dataset(None if args.full else args.train_images, None if args.full else args.test_images)
    from vaegui.training.devices import device_description

    print(
        f"Device: {device_description()}, TensorFlow {tf.__version__}, Keras {keras.__version__}. "
        f"Data: {data.name}, {len(data.train):,} training + {len(data.test):,} validation images, "
        f"batch {BATCH}, {args.epochs} epochs per measurement (median of epochs 2-{args.epochs}).",
        flush=True,
    )
    root = tempfile.mkdtemp(prefix="vaegui-bench-")
    rows: list[tuple[str, float, float]] = []

    def measure(name: str, function, *fargs, **kwargs) -> float:
        rate, first = function(*fargs, **kwargs)
        rows.append((name, rate, first))
        print(f"  {name:<58} {rate:9,.0f} images/s   (first epoch {first:,.0f})", flush=True)
        return rate

    print("\nvaegui against plain Keras (identical network, same data, same validation):")
    keras_rates, vaegui_rates = [], []
    for _ in range(args.repeats):
        keras_rates.append(measure("plain Keras 3 model.fit (keras.io VAE)", plain_keras, data, args.epochs))
        vaegui_rates.append(measure("vaegui TrainingSession (headless)", vaegui_session, data, args.epochs, root))
    # Each pair ran back to back, so its ratio is least disturbed by drift in the machine's load.
    pair_ratios = [v / k for v, k in zip(vaegui_rates, keras_rates)]
    ratio = statistics.median(pair_ratios)
    print(f"  vaegui / plain Keras = {ratio:.2f}×, median of the pairs {', '.join(f'{r:.2f}' for r in pair_ratios)}"
          "  (target ≥ 1.0×)")

    print("\nKL strategies side by side (vaegui, images/s):")
    kl_rates = {"train_step": statistics.median(vaegui_rates)}
    print(f"  {'train_step (custom train_step, GradientTape) — default':<58} {kl_rates['train_step']:9,.0f} images/s")
    for strategy, label in (("encoder_layer", "encoder_layer (add_loss in an encoder layer)"),
                            ("model_add_loss", "model_add_loss (add_loss on the assembled model)")):
        kl_rates[strategy] = measure(label, vaegui_session, data, args.epochs, root, kl_strategy=strategy)

    speedups = {}
    if not args.skip_speedups:
        print("\nSpeed-ups on this machine (each against the line above it):")
        base = measure("plain Keras on vaegui's tf.data pipeline, no prefetch", plain_keras, data, args.epochs,
                       pipeline="no-prefetch")
        speedups["tf.data prefetch"] = measure("  … with prefetch (vaegui's pipeline)", plain_keras, data,
                                               args.epochs, pipeline="vaegui-pipeline") / base
        base = statistics.median(vaegui_rates)
        speedups["steps_per_execution=8"] = measure("vaegui, steps_per_execution=8 (progress every 8 batches)",
                                                    vaegui_session, data, args.epochs, root,
                                                    steps_per_execution=8) / base
        speedups["jit_compile (XLA)"] = measure("vaegui, jit_compile=True (XLA)", vaegui_session, data, args.epochs,
                                                root, jit_compile=True) / base
        for name, factor in speedups.items():
            print(f"  {name:<40} {factor:5.2f}×")
        print(f"  {'mixed precision':<40}   n/a  (needs a GPU; vaegui trains in float32 on a CPU)")

    print()
    print(f"SUMMARY vaegui / plain Keras: {ratio:.2f}× (median of {len(pair_ratios)} pairs; "
          f"{statistics.median(vaegui_rates):,.0f} vs {statistics.median(keras_rates):,.0f} images/s)")
    print("SUMMARY KL strategies images/s: " + ", ".join(f"{k} {v:,.0f}" for k, v in kl_rates.items()))
    if speedups:
        print("SUMMARY speed-ups: " + ", ".join(f"{k} {v:.2f}×" for k, v in speedups.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
