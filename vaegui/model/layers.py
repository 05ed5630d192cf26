"""Keras layers of the VAE: the sampling layer (with the mu-only factor) and the KL-loss layer."""

from __future__ import annotations

import keras
from keras import ops


def kl_divergence(mu, log_var):
    """KL(N(mu, sigma²) ‖ N(0, I)) summed over latent dimensions and averaged over the batch."""
    per_sample = -0.5 * ops.sum(1.0 + log_var - ops.square(mu) - ops.exp(log_var), axis=1)
    return ops.mean(per_sample)


@keras.saving.register_keras_serializable(package="vaegui")
class Sampling(keras.layers.Layer):
    """z = mu + exp(log_var / 2) * eps * factor.

    `factor` is a plain Python attribute on purpose (as in the seed articles): Keras reads it
    when it traces the predict function and freezes that value into the cached graph, so
    changing it has no effect until the function is rebuilt. `VAE.set_mu_only` does both.
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.factor = 1.0
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mu, log_var = inputs
        epsilon = keras.random.normal(ops.shape(mu), dtype=mu.dtype, seed=self.seed_generator)
        return mu + ops.exp(0.5 * log_var) * epsilon * self.factor

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="vaegui")
class KLDivergenceLayer(keras.layers.Layer):
    """Identity on (mu, log_var) that adds their KL divergence as a layer loss (the seeds' 'encoder_layer')."""

    def call(self, inputs):
        mu, log_var = inputs
        self.add_loss(kl_divergence(ops.cast(mu, "float32"), ops.cast(log_var, "float32")))
        return mu, log_var
