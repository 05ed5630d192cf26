"""Training images/s: vaegui (headless and in the Training tab) against plain Keras, the KL strategies, speed-ups.

Usage: python benchmarks/train_throughput.py [--full] [--epochs 4] [--train-images 6400] [--repeats 3]

The plain Keras side is the keras.io VAE (conv 32/64 stride 2, dense 16, z_dim 2, batch 128), written out
below with nothing from vaegui, trained by model.fit on the same images with the same test split as validation
data; once bare, once with keras.callbacks.ModelCheckpoint saving the weights every epoch. vaegui trains the
identical network (β = 1, Adam 1e-3) through TrainingSession, as `vaegui train` does: per-batch progress, a
checkpoint, history files and TensorBoard logs every epoch; and through the Training tab (offscreen), whose
trainer process also encodes 1,000 test images per epoch for the latent preview while the window draws the
curves (its CPU time is the trainer's). An epoch's time runs from the end of the previous epoch to the end of
this one (validation and checkpoint included); the figure is the median over the epochs after the first (which
traces the model), by the wall clock and per CPU-second of the process that trains (what an image costs,
whatever else the machine runs). The sides run in rounds, one after the other, `--repeats` times; each ratio
is the median of the rounds' ratios. Data: Fashion-MNIST (the Debian package's files) when present, else the
digits upscaled to 28×28. By default a 6,400-image subset keeps the script to minutes on two cores; --full
trains on all 60,000.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the Training tab side needs no screen

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


@dataclass
class Rate:
    """Images/s of the epochs after the first (median), by the wall clock and per CPU-second of this process."""

    wall: float
    cpu: float  # images per second of CPU time, all threads: what each image costs, whatever the neighbours do
    first: float  # wall images/s of the first epoch, which traces the model


class EpochClock:
    """Wall and CPU time at the start and at each epoch's end (after validation and any checkpoint), of this process
    or, given `cpu`, of the process that trains."""

    def __init__(self, cpu=time.process_time):
        self.started, self.ends, self.cpu = (0.0, 0.0), [], cpu

    def start(self) -> None:
        self.started = (time.perf_counter(), self.cpu())

    def epoch_ended(self) -> None:
        self.ends.append((time.perf_counter(), self.cpu()))

    def rate(self, images: int) -> Rate:
        wall, cpu = (np.diff([self.started[i], *(end[i] for end in self.ends)]) for i in (0, 1))
        later = slice(1, None) if len(wall) > 1 else slice(None)
        return Rate(images / statistics.median(wall[later]), images / statistics.median(cpu[later]), images / wall[0])


class KerasEpochClock(keras.callbacks.Callback):
    """Only epoch hooks, so Keras keeps dispatching batch callbacks asynchronously as in a bare fit()."""

    def __init__(self):
        super().__init__()
        self.clock = EpochClock()

    def on_train_begin(self, logs=None):
        self.clock.start()

    def on_epoch_end(self, epoch, logs=None):
        self.clock.epoch_ended()


def plain_keras(
    data: ImageDataset, epochs: int, *, pipeline: str = "arrays", jit_compile=False, checkpoint_root: str | None = None
) -> Rate:
    keras.utils.set_random_seed(0)
    model = keras_io_vae()
    model.compile(optimizer=keras.optimizers.Adam(), jit_compile=jit_compile)
    # The clock goes last, so an epoch's time includes the checkpoint Keras writes before it.
    callbacks = [KerasEpochClock()]
    if checkpoint_root is not None:  # what a Keras user adds to keep every epoch, as vaegui does
        model.built = True  # its encoder and decoder are built functional models; saving asks the outer one
        path = os.path.join(tempfile.mkdtemp(dir=checkpoint_root), "epoch-{epoch:05d}.weights.h5")
        callbacks.insert(0, keras.callbacks.ModelCheckpoint(path, save_weights_only=True))
    if pipeline == "arrays":  # exactly the keras.io call, plus the same validation data vaegui evaluates
        model.fit(
            data.train.images[:], epochs=epochs, batch_size=BATCH, validation_data=(data.test.images[:],),
            callbacks=callbacks, verbose=0,
        )
    else:
        prefetch = pipeline == "vaegui-pipeline"
        train = image_batches(data.train.images, BATCH, shuffle=True, seed=0, prefetch=prefetch)
        test = image_batches(data.test.images, BATCH, prefetch=prefetch)
        model.fit(train, epochs=epochs, validation_data=test, callbacks=callbacks, verbose=0)
    return callbacks[-1].clock.rate(len(data.train))


class EpochTimes(TrainingListener):
    def __init__(self):
        self.clock = EpochClock()

    def on_start(self, start):
        self.clock.start()

    def on_epoch(self, progress):
        self.clock.epoch_ended()


def keras_io_config(dataset: str, epochs: int, **settings) -> RunConfig:
    """vaegui's settings for the keras.io network: conv 32/64, dense 16, z_dim 2, β = 1, Adam 1e-3, batch 128."""
    model = {k: settings.pop(k) for k in ("kl_strategy",) if k in settings}
    return RunConfig(
        data=DataConfig(dataset=dataset),
        model=ModelConfig(z_dim=2, conv_filters=(32, 64), dense_units=16, activation="relu", kl_weight=1.0, **model),
        training=TrainingConfig(epochs=epochs, batch_size=BATCH, learning_rate=1e-3, seed=0, **settings),
    )


def vaegui_session(data: ImageDataset, epochs: int, root: str, **settings) -> Rate:
    run = Run.create(tempfile.mkdtemp(dir=root), keras_io_config(data.name, epochs, **settings))
    listener = EpochTimes()
    TrainingSession(run, data, listener, probe_size=0).run()  # probe_size=0: as `vaegui train` does
    return listener.clock.rate(len(data.train))


def vaegui_training_tab(data_file: str, train_images: int, epochs: int, root: str) -> Rate:
    """The same training started from the Training tab: its trainer process (warm, as after the app's start), live
    curves, latent preview; CPU seconds are the trainer's."""
    from _qt_wait import wait_for
    from _training_probes import process_cpu_seconds
    from PySide6.QtWidgets import QApplication

    from vaegui.app.training_model import IDLE
    from vaegui.gui.app_state import AppState
    from vaegui.gui.training.training_tab import TrainingTab

    app = QApplication.instance() or QApplication(sys.argv[:1])
    state = AppState()
    tab = TrainingTab(state, dataset=data_file)
    tab.runs_root = root
    tab.form.set_config(keras_io_config(data_file, epochs))
    tab.resize(1440, 900)
    tab.show()
    state.start_trainer()
    wait_for(lambda: state.trainer_ready_now)
    assert tab.start_training(), tab.form.message_label.text()
    trainer = tab.follower.trainer
    clock = EpochClock(cpu=lambda: process_cpu_seconds(trainer.pid))
    # Taken as the trainer's lines arrive, on the GUI thread: within milliseconds of the trainer's own times.
    trainer.event.connect(lambda event: clock.start() if event.name == "start" else
                          clock.epoch_ended() if event.name == "epoch" else None)
    # Qt's own event loop, as in the app: the window redraws while the trainer trains.
    wait_for(lambda: tab.mode == IDLE and not tab.is_training())
    if tab.error_label.isVisible():
        raise RuntimeError(tab.error_label.text())
    tab.shutdown()
    tab.deleteLater()
    app.processEvents()
    return clock.rate(train_images)


def subset_file(data: ImageDataset, root: str) -> str:
    """The benchmark's images as an .npz (Keras' layout), so the Training tab loads exactly them."""
    path = os.path.join(root, f"{data.name}-{len(data.train)}.npz")
    np.savez(path, x_train=data.train.images, y_train=data.train.labels, x_test=data.test.images,
             y_test=data.test.labels)
    return path


def dataset(train_images: int | None, test_images: int | None) -> ImageDataset:
    try:
        data = load_dataset("fashion_mnist")
    except Exception as error:  # no package and no network: the built-in digits, upscaled
        print(f"Fashion-MNIST unavailable ({error}); using digits upscaled to 28×28.")
        data = load_dataset("digits", image_size=28)
    if train_images:
        data = copy.copy(data)
        # subset, not slicing: slices are read as float32, a subset keeps the images as loaded (uint8)
        data.train = ImageSplit(data.train.images.subset(np.arange(train_images)), data.train.labels[:train_images])
        data.test = ImageSplit(data.test.images.subset(np.arange(test_images)), data.test.labels[:test_images])
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="all 60,000 training images (minutes an epoch on a CPU)")
    parser.add_argument("--epochs", type=int, default=4, help="epochs per measurement (the first is not counted)")
    parser.add_argument("--train-images", type=int, default=6_400)
    parser.add_argument("--test-images", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3, help="rounds of plain Keras and vaegui, alternating")
    parser.add_argument("--strategy-repeats", type=int, default=2,
                        help="rounds of the three KL strategies, and of each speed-up against its baseline "
                             "(at least 1)")
    parser.add_argument("--skip-speedups", action="store_true", help="only vaegui vs Keras and the KL strategies")
    args = parser.parse_args()
    if args.strategy_repeats < 1 or args.repeats < 1:
        parser.error("--repeats and --strategy-repeats need at least 1 round each")
    data = dataset(None if args.full else args.train_images, None if args.full else args.test_images)
    from vaegui.training.devices import device_description

    print(
        f"Device: {device_description()}, TensorFlow {tf.__version__}, Keras {keras.__version__}. "
        f"Data: {data.name}, {len(data.train):,} training + {len(data.test):,} validation images, "
        f"batch {BATCH}, {args.epochs} epochs per measurement (median of epochs 2-{args.epochs}).",
        flush=True,
    )
    scratch = tempfile.TemporaryDirectory(prefix="vaegui-bench-")  # removed at the end
    root = scratch.name
    data_file = subset_file(data, root)
    sides = {
        "keras": ("plain Keras 3 model.fit (keras.io VAE)", lambda: plain_keras(data, args.epochs)),
        "keras_checkpoint": ("plain Keras + ModelCheckpoint every epoch",
                             lambda: plain_keras(data, args.epochs, checkpoint_root=root)),
        "session": ("vaegui TrainingSession (headless)", lambda: vaegui_session(data, args.epochs, root)),
        "gui": ("vaegui from the Training tab (trainer process)",
                lambda: vaegui_training_tab(data_file, len(data.train), args.epochs, root)),
    }
    rates: dict[str, list[Rate]] = {name: [] for name in sides}

    def measure(label: str, function) -> Rate:
        rate = function()
        print(f"  {label:<52} {rate.wall:7,.0f} images/s  {rate.cpu:7,.0f} per CPU-s  "
              f"(first epoch {rate.first:,.0f})", flush=True)
        return rate

    print("\nvaegui against plain Keras (identical network, same data, same validation), in rounds:")
    for _ in range(args.repeats):
        for name, (label, function) in sides.items():
            rates[name].append(measure(label, function))

    def ratio(a: str, b: str, kind: str) -> tuple[float, list[float]]:
        # Each round ran back to back, so its ratio is least disturbed by drift in the machine's load.
        pairs = [getattr(x, kind) / getattr(y, kind) for x, y in zip(rates[a], rates[b])]
        return statistics.median(pairs), pairs

    comparisons = {
        "session": ("vaegui headless / plain Keras", "session", "keras"),
        "gui": ("vaegui Training tab / plain Keras", "gui", "keras"),
        "checkpointed": ("vaegui headless / Keras + ModelCheckpoint", "session", "keras_checkpoint"),
    }
    ratios = {}
    print()
    for key, (label, a, b) in comparisons.items():
        (wall, wall_pairs), (cpu, _) = ratio(a, b, "wall"), ratio(a, b, "cpu")
        ratios[key] = (wall, cpu)
        print(f"  {label:<44} {wall:.2f}× by wall clock (rounds {', '.join(f'{r:.2f}' for r in wall_pairs)}), "
              f"{cpu:.2f}× per CPU-second  (target ≥ 1.0×)")

    def median_wall(name: str) -> float:
        return statistics.median(rate.wall for rate in rates[name])

    print("\nKL strategies side by side (vaegui headless, images/s), in rounds:")
    strategies = {"train_step": "train_step (custom train_step, GradientTape), default",
                  "encoder_layer": "encoder_layer (add_loss in an encoder layer)",
                  "model_add_loss": "model_add_loss (add_loss on the assembled model)"}
    kl_rates: dict[str, list[Rate]] = {name: [] for name in strategies}
    for _ in range(args.strategy_repeats):
        for strategy, label in strategies.items():
            kl_rates[strategy].append(measure(label, lambda s=strategy: vaegui_session(data, args.epochs, root,
                                                                                        kl_strategy=s)))
    kl_median = {name: statistics.median(r.wall for r in found) for name, found in kl_rates.items()}
    kl_cpu = {name: statistics.median(r.cpu for r in found) for name, found in kl_rates.items()}
    if args.strategy_repeats > 1:
        for name, label in strategies.items():
            print(f"  {label:<52} {kl_median[name]:7,.0f} images/s  {kl_cpu[name]:7,.0f} per CPU-s  (median)")

    speedups: dict[str, tuple[float, float]] = {}
    if not args.skip_speedups:
        print("\nSpeed-ups on this machine, each measured back to back against its baseline, in rounds:")
        trials = {
            "tf.data prefetch": (
                ("plain Keras on vaegui's tf.data pipeline, no prefetch",
                 lambda: plain_keras(data, args.epochs, pipeline="no-prefetch")),
                ("  … with prefetch (vaegui's pipeline)", lambda: plain_keras(data, args.epochs,
                                                                             pipeline="vaegui-pipeline"))),
            "steps_per_execution=8": (
                ("vaegui headless", lambda: vaegui_session(data, args.epochs, root)),
                ("  … steps_per_execution=8 (progress every 8 batches)",
                 lambda: vaegui_session(data, args.epochs, root, steps_per_execution=8))),
            "jit_compile (XLA)": (
                ("vaegui headless", lambda: vaegui_session(data, args.epochs, root)),
                ("  … jit_compile=True (XLA)", lambda: vaegui_session(data, args.epochs, root, jit_compile=True))),
        }
        for name, ((base_label, base), (label, variant)) in trials.items():
            pairs = []
            for _ in range(args.strategy_repeats):
                before, after = measure(base_label, base), measure(label, variant)
                pairs.append((after.wall / before.wall, after.cpu / before.cpu))
            speedups[name] = (statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs))
        for name, (wall, cpu) in speedups.items():
            print(f"  {name:<40} {wall:5.2f}× wall clock, {cpu:5.2f}× per CPU-second")
        print(f"  {'mixed precision':<40}   n/a  (needs a GPU; vaegui trains in float32 on a CPU)")

    print()
    for key, (label, a, b) in comparisons.items():
        wall, cpu = ratios[key]
        print(f"SUMMARY {label}: {wall:.2f}× wall, {cpu:.2f}× per CPU-second (median of {args.repeats} rounds; "
              f"{median_wall(a):,.0f} vs {median_wall(b):,.0f} images/s)")
    print("SUMMARY KL strategies images/s: " + ", ".join(f"{k} {v:,.0f}" for k, v in kl_median.items()))
    if speedups:
        print("SUMMARY speed-ups (wall / per CPU-s): "
              + ", ".join(f"{k} {wall:.2f}×/{cpu:.2f}×" for k, (wall, cpu) in speedups.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
