"""A keras.io-style encoder/decoder pair opens; anything else gets a message saying what was expected."""
from __future__ import annotations

import numpy as np
import pytest

from vaegui.errors import ModelFileError


def _keras_io_pair(folder, z_dim=2, image_shape=(8, 8, 1)):
    """The keras.io VAE example's layout, with its own unregistered Sampling class."""
    import keras
    from keras import layers, ops

    class Sampling(layers.Layer):
        def call(self, inputs):
            z_mean, z_log_var = inputs
            epsilon = keras.random.normal(shape=ops.shape(z_mean))
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    images = keras.Input(shape=image_shape)
    x = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(images)
    x = layers.Flatten()(x)
    z_mean = layers.Dense(z_dim, name="z_mean")(x)
    z_log_var = layers.Dense(z_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(images, [z_mean, z_log_var, z], name="encoder")
    latent = keras.Input(shape=(z_dim,))
    y = layers.Dense(image_shape[0] * image_shape[1] * image_shape[2], activation="sigmoid")(latent)
    decoder = keras.Model(latent, layers.Reshape(image_shape)(y), name="decoder")
    encoder.save(folder / "encoder.keras")
    decoder.save(folder / "decoder.keras")
    return encoder, decoder


def test_keras_io_pair_opens_and_its_sampling_obeys_mu_only(tmp_path, digits):
    from vaegui.latent import encode_split
    from vaegui.latent.foreign_model import load_foreign_vae

    _, decoder = _keras_io_pair(tmp_path)
    vae = load_foreign_vae(tmp_path / "encoder.keras", tmp_path / "decoder.keras")
    assert vae.image_shape == (8, 8, 1) and vae.z_dim == 2
    noisy = encode_split(vae, digits, "test")
    assert np.abs(noisy.z - noisy.mu).max() > 1e-3
    vae.set_mu_only(True)
    quiet = encode_split(vae, digits, "test")
    np.testing.assert_array_equal(quiet.z, quiet.mu)
    z = np.array([0.3, -0.2], np.float32)
    np.testing.assert_allclose(vae.decode_one(z), decoder.predict(z[None], verbose=0)[0], rtol=1e-5, atol=1e-6)


def test_swapped_files_say_what_was_expected(tmp_path):
    import keras

    from vaegui.latent.foreign_model import load_foreign_vae

    _keras_io_pair(tmp_path)
    with pytest.raises(ModelFileError, match=r"decoder.keras takes \(None, 2\), not one batch of images.*keras.io"):
        load_foreign_vae(tmp_path / "decoder.keras", tmp_path / "encoder.keras")
    images = keras.Input(shape=(8, 8, 1))
    keras.Model(images, keras.layers.Flatten()(images)).save(tmp_path / "plain.keras")
    with pytest.raises(ModelFileError, match=r"1 output\(s\) shaped \(None, 64\), not \[z_mean"):
        load_foreign_vae(tmp_path / "plain.keras", tmp_path / "decoder.keras")


def test_decoder_of_another_size_is_refused(tmp_path):
    from vaegui.latent.foreign_model import load_foreign_vae

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _keras_io_pair(tmp_path / "a", z_dim=2)
    _keras_io_pair(tmp_path / "b", z_dim=3)
    with pytest.raises(ModelFileError, match=r"vectors of size 2: it expects \(None, 2\)"):
        load_foreign_vae(tmp_path / "a" / "encoder.keras", tmp_path / "b" / "decoder.keras")


def test_missing_or_non_keras_files_are_named(tmp_path):
    from vaegui.latent.foreign_model import load_foreign_vae

    with pytest.raises(ModelFileError, match="does not exist"):
        load_foreign_vae(tmp_path / "nope.keras", tmp_path / "decoder.keras")
    (tmp_path / "weights.h5").write_bytes(b"x")
    with pytest.raises(ModelFileError, match=r"not a \.keras file"):
        load_foreign_vae(tmp_path / "weights.h5", tmp_path / "weights.h5")
    (tmp_path / "broken.keras").write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="Cannot open the encoder broken.keras"):
        load_foreign_vae(tmp_path / "broken.keras", tmp_path / "broken.keras")
