"""Peak memory of `vaegui train` on the full Fashion-MNIST beside a plain Keras `fit` of the same network.

Each figure is the whole-process peak RSS (getrusage of the finished child), one epoch each, run in
turn as subprocesses on the same machine: vaegui's CLI with its default model (conv 32,64, dense 16,
z_dim 2, batch 128) against the keras.io VAE example (the same network) fitted on arrays loaded the
plain way (gzip + numpy, divided by 255 into float32), with the test images as validation data as
vaegui evaluates them. Prints SUMMARY lines: each median in MiB and their ratio (target: ≤ 1.1).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
MIB = 1024 * 1024

PLAIN_KERAS = r'''
import gzip, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
import tensorflow as tf
from keras import layers, ops

folder = sys.argv[1]

def idx(name, offset):
    with gzip.open(os.path.join(folder, name)) as handle:
        return np.frombuffer(handle.read(), np.uint8, offset=offset)

x_train = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype("float32") / 255
x_test = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1).astype("float32") / 255

class Sampling(layers.Layer):
    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean))
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)
x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
x = layers.Dense(16, activation="relu")(layers.Flatten()(x))
z_mean, z_log_var = layers.Dense(2)(x), layers.Dense(2)(x)
encoder = keras.Model(inputs, [z_mean, z_log_var, Sampling()([z_mean, z_log_var])])
latent = keras.Input(shape=(2,))
x = layers.Reshape((7, 7, 64))(layers.Dense(7 * 7 * 64, activation="relu")(latent))
x = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
decoder = keras.Model(latent, layers.Conv2DTranspose(1, 3, padding="same", activation="sigmoid")(x))

class VAE(keras.Model):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def losses_of(self, data, training):
        z_mean, z_log_var, z = self.encoder(data, training=training)
        reconstruction = self.decoder(z, training=training)
        bce = ops.mean(ops.sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)))
        kl = ops.mean(ops.sum(-0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)), axis=1))
        return bce + kl

    def train_step(self, data):
        with tf.GradientTape() as tape:
            total = self.losses_of(data, True)
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.loss_tracker.update_state(total)
        return {"loss": self.loss_tracker.result()}

    def test_step(self, data):
        self.loss_tracker.update_state(self.losses_of(data, False))
        return {"loss": self.loss_tracker.result()}

vae = VAE(encoder, decoder)
vae.compile(optimizer=keras.optimizers.Adam(1e-3))
vae.fit(x_train, epochs=1, batch_size=128, validation_data=(x_test,), verbose=0)
'''


def peak_rss_mib(command: list[str], cwd: str) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of `command` run to its end as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{command[:4]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # RUSAGE_CHILDREN keeps the largest child so far: run the smaller one first, or one per process.
    if peak <= before:
        sys.exit("the peak of this child was hidden by an earlier, larger one: use --one")
    return peak / 1024, seconds


def measure(which: str, folder: str) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as temp:
        if which == "plain":
            return peak_rss_mib([sys.executable, "-c", PLAIN_KERAS, folder], temp)
        return peak_rss_mib(
            [sys.executable, "-m", "vaegui.cli", "train", "--dataset", folder, "--epochs", "1", "--out",
             os.path.join(temp, "run"), "--quiet"],
            temp,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--data", default=FASHION_MNIST, help="a folder with Fashion-MNIST's four IDX files")
    parser.add_argument("--one", choices=("plain", "vaegui"), help="measure one side once (used internally)")
    args = parser.parse_args()
    if args.one:
        peak, seconds = measure(args.one, args.data)
        print(f"{peak:.1f} {seconds:.1f}")
        return
    figures: dict[str, list[float]] = {"plain": [], "vaegui": []}
    for repeat in range(args.repeats):
        for which in ("plain", "vaegui"):
            # A fresh parent per measurement: RUSAGE_CHILDREN only ever reports the largest child.
            out = subprocess.run([sys.executable, __file__, "--one", which, "--data", args.data],
                                 capture_output=True, text=True, check=True).stdout.split()
            figures[which].append(float(out[0]))
            print(f"repeat {repeat + 1}: {which:6s} peak RSS {float(out[0]):7.1f} MiB ({float(out[1]):.0f} s)")
    plain, vaegui = (statistics.median(figures[k]) for k in ("plain", "vaegui"))
    print(f"SUMMARY train_memory plain_keras_fit_peak_rss_mib={plain:.0f} (median of {args.repeats})")
    print(f"SUMMARY train_memory vaegui_train_peak_rss_mib={vaegui:.0f} (median of {args.repeats})")
    print(f"SUMMARY train_memory ratio={vaegui / plain:.2f} (target <= 1.10; 1 epoch of Fashion-MNIST, batch 128)")


if __name__ == "__main__":
    main()
