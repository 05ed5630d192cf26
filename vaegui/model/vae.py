"""The convolutional VAE: encoder/decoder builders, the train_step, and fast encode/decode helpers."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from vaegui.config import ModelConfig
from vaegui.model.layers import KLDivergenceLayer, Sampling, kl_divergence


@dataclass
class LatentCodes:
    """What the encoder says about a set of images: the posterior's mean, log-variance, and a sample."""

    mu: np.ndarray
    log_var: np.ndarray
    z: np.ndarray


def build_encoder(config: ModelConfig, image_shape: tuple[int, int, int]) -> keras.Model:
    """Image → (mu, log_var, z), the keras.io VAE layout, with the KL layer when that strategy is chosen."""
    config.check_image_shape(image_shape)
    images = keras.Input(shape=image_shape, name="images")
    x = images
    for filters in config.conv_filters:
        x = layers.Conv2D(filters, 3, strides=2, padding="same", activation=config.activation)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(config.dense_units, activation=config.activation)(x)
    mu = layers.Dense(config.z_dim, name="z_mean", dtype="float32")(x)
    log_var = layers.Dense(config.z_dim, name="z_log_var", dtype="float32")(x)
    if config.kl_strategy == "encoder_layer":
        mu, log_var = KLDivergenceLayer(name="kl_divergence")([mu, log_var])
    z = Sampling(name="sampling")([mu, log_var])
    return keras.Model(images, [mu, log_var, z], name="encoder")


def build_decoder(config: ModelConfig, image_shape: tuple[int, int, int]) -> keras.Model:
    """z → image in [0, 1], mirroring the encoder with transposed convolutions."""
    height, width, channels = image_shape
    step = 2 ** len(config.conv_filters)
    latent = keras.Input(shape=(config.z_dim,), name="z")
    x = layers.Dense((height // step) * (width // step) * config.conv_filters[-1], activation=config.activation)(latent)
    x = layers.Reshape((height // step, width // step, config.conv_filters[-1]))(x)
    for filters in reversed(config.conv_filters):
        x = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation=config.activation)(x)
    # float32 output keeps the loss stable under mixed precision.
    reconstruction = layers.Conv2DTranspose(channels, 3, padding="same", activation="sigmoid", dtype="float32")(x)
    return keras.Model(latent, reconstruction, name="decoder")


def build_vae(config: ModelConfig, image_shape: tuple[int, int, int]) -> VAE:
    config.validate()
    vae = VAE(
        build_encoder(config, image_shape),
        build_decoder(config, image_shape),
        kl_weight=config.kl_weight,
        kl_strategy=config.kl_strategy,
        reconstruction_loss=config.reconstruction_loss,
    )
    vae.build((None, *image_shape))
    return vae


class VAE(keras.Model):
    """Encoder + decoder trained on reconstruction + β·KL, with the KL term added in one of three ways."""

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        *,
        kl_weight: float = 1.0,
        kl_strategy: str = "train_step",
        reconstruction_loss: str = "bce",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.kl_strategy = kl_strategy
        self.reconstruction_loss_name = reconstruction_loss
        # A variable, not a float, so KL warm-up can change β without retracing the train function.
        self.beta = keras.Variable(kl_weight, trainable=False, dtype="float32", name="beta")
        self.total_loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    def build(self, input_shape):
        self.encoder.build(input_shape)
        self.decoder.build((None, self.z_dim))
        self.built = True

    @property
    def image_shape(self) -> tuple[int, int, int]:
        return tuple(self.encoder.inputs[0].shape[1:])

    @property
    def z_dim(self) -> int:
        return int(self.encoder.outputs[0].shape[-1])

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, images, training=False):
        mu, log_var, z = self.encoder(images, training=training)
        if self.kl_strategy == "model_add_loss":
            self.add_loss(kl_divergence(mu, log_var))
        return self.decoder(z, training=training)

    def compute_losses(self, images, training: bool = False):
        """(reconstruction loss, unweighted KL) for a batch, the KL taken where the strategy puts it."""
        if self.kl_strategy == "model_add_loss":
            reconstruction = self(images, training=training)
            kl = ops.sum(self.losses)
        else:
            mu, log_var, z = self.encoder(images, training=training)
            reconstruction = self.decoder(z, training=training)
            if self.kl_strategy == "encoder_layer":
                kl = ops.sum(self.encoder.losses)
            else:
                kl = kl_divergence(mu, log_var)
        return self._reconstruction_loss(images, reconstruction), kl

    def _reconstruction_loss(self, images, reconstruction):
        images = ops.cast(images, "float32")
        if self.reconstruction_loss_name == "mse":
            per_pixel = ops.square(images - reconstruction)
        else:
            per_pixel = ops.binary_crossentropy(images, reconstruction)
        return ops.mean(ops.sum(per_pixel, axis=(1, 2, 3)))

    def _update_metrics(self, total, reconstruction_loss, kl):
        self.total_loss_tracker.update_state(total)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        images = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            reconstruction_loss, kl = self.compute_losses(images, training=True)
            total = reconstruction_loss + self.beta * kl
            # Replicas' gradients are summed under tf.distribute, so each replica carries its share.
            replicas = tf.distribute.get_strategy().num_replicas_in_sync
            scaled = self.optimizer.scale_loss(total / replicas)
        gradients = tape.gradient(scaled, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        return self._update_metrics(total, reconstruction_loss, kl)

    def test_step(self, data):
        images = data[0] if isinstance(data, tuple) else data
        reconstruction_loss, kl = self.compute_losses(images, training=False)
        return self._update_metrics(reconstruction_loss + self.beta * kl, reconstruction_loss, kl)

    # ---- interactive use -------------------------------------------------------------------

    @property
    def sampling(self) -> Sampling:
        return self.encoder.get_layer("sampling")

    @property
    def mu_only(self) -> bool:
        return self.sampling.factor == 0.0

    def set_mu_only(self, on: bool) -> None:
        """Switch the encoder's sampling noise off (z = mu) or back on.

        Setting the factor alone changes nothing: the encoder's cached predict function froze
        the old value when it was traced. Rebuilding it makes the new value take effect.
        """
        self.sampling.factor = 0.0 if on else 1.0
        self.encoder.make_predict_function(force=True)

    def set_kl_weight(self, kl_weight: float) -> None:
        self.beta.assign(kl_weight)

    def encode(self, images, batch_size: int = 256) -> LatentCodes:
        """Encode many images (an array or lazily loaded images) in batches."""
        from vaegui.pipeline import prediction_input

        mu, log_var, z = self.encoder.predict(prediction_input(images, batch_size), batch_size=batch_size, verbose=0)
        return LatentCodes(np.asarray(mu), np.asarray(log_var), np.asarray(z))

    def decode(self, z: np.ndarray, batch_size: int = 256) -> np.ndarray:
        return np.asarray(self.decoder.predict(np.asarray(z, dtype="float32"), batch_size=batch_size, verbose=0))

    def encode_one(self, image: np.ndarray) -> LatentCodes:
        """One image, through the cached predict function: predict() would set up a whole batch loop for it."""
        mu, log_var, z = self.encoder.predict_on_batch(np.asarray(image, dtype="float32")[None])
        return LatentCodes(np.asarray(mu)[0], np.asarray(log_var)[0], np.asarray(z)[0])

    def decode_one(self, z: np.ndarray) -> np.ndarray:
        """One latent vector → one image (H, W, C), through the decoder's cached predict function."""
        return np.asarray(self.decoder.predict_on_batch(np.asarray(z, dtype="float32").reshape(1, -1)))[0]

    def decode_many(self, z: np.ndarray) -> np.ndarray:
        """A small set of latent vectors (a strip, a grid) in one call of the cached predict function."""
        return np.asarray(self.decoder.predict_on_batch(np.asarray(z, dtype="float32")))
