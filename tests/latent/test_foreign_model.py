"""Encoder/decoder pairs saved elsewhere, built as the keras.io example and the seed article build them, read right."""
from __future__ import annotations

import json

import keras
import numpy as np
import pytest
from keras import ops

from vaegui.errors import ModelFileError, UntrustedCodeError

IMAGE_SHAPE = (8, 8, 1)


def _keras_io_sampling_class(register: bool = False):
    """The keras.io VAE example's Sampling layer, a class of the user's script (optionally registered)."""
    import keras
    from keras import layers, ops

    class Sampling(layers.Layer):
        """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

        def call(self, inputs):
            z_mean, z_log_var = inputs
            epsilon = keras.random.normal(shape=ops.shape(z_mean))
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    return keras.saving.register_keras_serializable()(Sampling) if register else Sampling


def _seed_lambda_sampling(epsilon_factor: float = 1.0):
    """The seed article's sampling: a Python lambda closing over the epsilon factor, for a Lambda layer.

    Like the seed's, it uses the backend functions of its module (`keras`, `ops`), not closure cells.
    """
    return lambda args: args[0] + ops.exp(args[1] / 2) * keras.random.normal(ops.shape(args[0])) * epsilon_factor


def _trunk(image_shape):
    import keras
    from keras import layers

    images = keras.Input(shape=image_shape)
    x = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")(images)
    return images, layers.Flatten()(x)


def _decoder(z_dim, image_shape):
    import keras
    from keras import layers

    latent = keras.Input(shape=(z_dim,))
    y = layers.Dense(image_shape[0] * image_shape[1] * image_shape[2], activation="sigmoid")(latent)
    return keras.Model(latent, layers.Reshape(image_shape)(y), name="decoder")


def _save_pair(folder, encoder, decoder, suffix):
    encoder.save(folder / f"encoder{suffix}")
    decoder.save(folder / f"decoder{suffix}")
    return encoder, decoder


def _keras_io_pair(folder, z_dim=2, image_shape=IMAGE_SHAPE, suffix=".keras"):
    """The keras.io VAE example's layout: outputs [z_mean, z_log_var, z], its own unregistered Sampling class."""
    import keras
    from keras import layers

    images, x = _trunk(image_shape)
    z_mean = layers.Dense(z_dim, name="z_mean")(x)
    z_log_var = layers.Dense(z_dim, name="z_log_var")(x)
    z = _keras_io_sampling_class()()([z_mean, z_log_var])
    encoder = keras.Model(images, [z_mean, z_log_var, z], name="encoder")
    return _save_pair(folder, encoder, _decoder(z_dim, image_shape), suffix)


def _seed_pair(folder, sampling="lambda", z_dim=2, suffix=".keras", image_shape=IMAGE_SHAPE):
    """The seed article's layout: layers named mu and log_var, outputs in the order [z, mu, log_var].

    sampling: "lambda" (the seed's Lambda with a closure), "class" (keras.io's Sampling), or
    "registered" (keras.io's Sampling registered as Custom>Sampling, then unregistered, as it is in
    any other program that opens the file).
    """
    import keras
    from keras import layers

    images, x = _trunk(image_shape)
    mu = layers.Dense(z_dim, name="mu")(x)
    log_var = layers.Dense(z_dim, name="log_var")(x)
    if sampling == "lambda":
        z = layers.Lambda(_seed_lambda_sampling(1.0), output_shape=(z_dim,), name="z")([mu, log_var])
    else:
        z = _keras_io_sampling_class(register=sampling == "registered")(name="z")([mu, log_var])
    encoder = keras.Model(images, [z, mu, log_var], name="encoder")
    try:
        return _save_pair(folder, encoder, _decoder(z_dim, image_shape), suffix)
    finally:
        keras.saving.get_custom_objects().pop("Custom>Sampling", None)


def _refused(error_type, match, *paths, **options):
    from vaegui.latent.foreign_model import load_foreign_vae

    with pytest.raises(error_type, match=match) as caught:
        load_foreign_vae(*paths, **options)
    assert ".." not in str(caught.value)
    return str(caught.value)


def _assert_read_right(vae, encoder, digits):
    """vaegui's mu and log_var are the encoder's own, z is noisy, and mu-only gives z == mu exactly."""
    from vaegui.model.layers import Sampling

    assert isinstance(vae.sampling, Sampling)
    images = digits.test.images[:64]
    own = dict(zip(encoder.output_names, encoder.predict_on_batch(images)))
    mu, log_var, z = vae.encoder.predict_on_batch(images)
    np.testing.assert_allclose(mu, own[next(name for name in own if "mu" in name or "mean" in name)], atol=1e-5)
    np.testing.assert_allclose(log_var, own[next(name for name in own if "var" in name)], atol=1e-5)
    assert np.abs(z - mu).max() > 1e-3
    vae.set_mu_only(True)
    quiet_mu, _, quiet_z = vae.encoder.predict_on_batch(images)
    np.testing.assert_array_equal(quiet_z, quiet_mu)
    np.testing.assert_array_equal(quiet_mu, mu)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_keras_io_pair_opens_and_its_sampling_obeys_mu_only(tmp_path, digits, suffix):
    from vaegui.latent.foreign_model import load_foreign_vae

    encoder, decoder = _keras_io_pair(tmp_path, suffix=suffix)
    vae = load_foreign_vae(tmp_path / f"encoder{suffix}", tmp_path / f"decoder{suffix}")
    assert vae.image_shape == (8, 8, 1) and vae.z_dim == 2
    _assert_read_right(vae, encoder, digits)
    z = np.array([0.3, -0.2], np.float32)
    np.testing.assert_allclose(vae.decode_one(z), decoder.predict(z[None], verbose=0)[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sampling", ["class", "registered"])
def test_seed_order_z_mu_log_var_is_read_from_the_graph(tmp_path, digits, sampling):
    from vaegui.latent.foreign_model import load_foreign_vae

    encoder, _ = _seed_pair(tmp_path, sampling=sampling)
    assert [name.split("_")[0] for name in encoder.output_names] == ["z", "mu", "log"]
    _assert_read_right(load_foreign_vae(tmp_path / "encoder.keras", tmp_path / "decoder.keras"), encoder, digits)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_seed_lambda_sampling_opens_only_when_trusted_then_uses_vaegui_sampling(tmp_path, digits, suffix):
    from vaegui.latent.foreign_model import load_foreign_vae

    encoder, _ = _seed_pair(tmp_path, sampling="lambda", suffix=suffix)
    paths = (tmp_path / f"encoder{suffix}", tmp_path / f"decoder{suffix}")
    message = _refused(UntrustedCodeError, "contains Python code", *paths)
    assert f"encoder{suffix} contains Python code (a Lambda layer); open it only if you trust its source" in message
    vae = load_foreign_vae(*paths, trust_code=True)
    assert not any(layer.__class__.__name__ == "Lambda" for layer in vae.encoder.layers)
    _assert_read_right(vae, encoder, digits)


def z_point_sampling(args):
    """The seed article's sampling function, by its name: a plain function reading the factor of its module."""
    mu, log_var = args
    return mu + ops.exp(log_var / 2) * keras.random.normal(ops.shape(mu)) * SEED_FACTOR


SEED_FACTOR = 1.0


class _SeedAutoencoder:
    """The seed article's way: the model's object holds the factor, and its method z_point_sampling reads it."""

    def __init__(self, z_dim=2, form="method"):
        from keras import layers

        self.enc_v_eps_factor = 1.0
        images, x = _trunk(IMAGE_SHAPE)
        self.mu = layers.Dense(z_dim, name="mu")(x)
        self.log_var = layers.Dense(z_dim, name="log_var")(x)
        function = self.z_point_sampling if form == "method" else z_point_sampling
        self._z = layers.Lambda(function, name="encoder_output")([self.mu, self.log_var])
        self.encoder = keras.Model(images, [self._z, self.mu, self.log_var], name="encoder")

    def z_point_sampling(self, args):
        mu, log_var = args
        epsilon = keras.random.normal(shape=ops.shape(mu), mean=0.0, stddev=1.0)
        return mu + ops.exp(log_var / 2) * epsilon * self.enc_v_eps_factor


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("form", ["method", "function"])
def test_seed_named_sampling_function_opens_and_vaegui_computes_z(tmp_path, digits, form, suffix):
    """Saved by name only, the seed's sampling cannot be opened by Keras itself (not even with its safety off);
    vaegui recognises it between mu, log_var and z, says so, and its mu-only gives z == mu exactly."""
    from vaegui.latent.foreign_model import load_foreign_vae

    encoder = _SeedAutoencoder(form=form).encoder
    _save_pair(tmp_path, encoder, _decoder(2, IMAGE_SHAPE), suffix)
    path = tmp_path / f"encoder{suffix}"
    with pytest.raises(Exception, match="z_point_sampling|method"):
        keras.saving.load_model(path, compile=False, safe_mode=False)  # what any other program meets
    vae = load_foreign_vae(path, tmp_path / f"decoder{suffix}")  # no code in the file: nothing to trust
    assert "z_point_sampling" in vae.note and "computes z itself" in vae.note
    _assert_read_right(vae, encoder, digits)


def test_tf2_style_h5_lambda_in_the_old_list_form_opens_when_trusted(tmp_path, digits):
    """TF 2.x saved a Lambda's function as [code, defaults, closure] with function_type 'lambda'."""
    import h5py

    encoder, _ = _seed_pair(tmp_path, sampling="lambda", suffix=".h5")
    with h5py.File(tmp_path / "encoder.h5", "r+") as file:
        config = json.loads(file.attrs["model_config"])
        for layer in config["config"]["layers"]:
            if layer["class_name"] == "Lambda":
                code = layer["config"]["function"]["config"]
                layer["config"]["function"] = [code["code"], code["defaults"], code["closure"]]
                layer["config"]["function_type"] = "lambda"
        file.attrs["model_config"] = json.dumps(config)
    paths = (tmp_path / "encoder.h5", tmp_path / "decoder.h5")
    _refused(UntrustedCodeError, "encoder.h5 contains Python code", *paths)
    from vaegui.latent.foreign_model import load_foreign_vae

    _assert_read_right(load_foreign_vae(*paths, trust_code=True), encoder, digits)


def test_sampling_fed_log_var_first_by_name_is_refused_as_ambiguous(tmp_path):
    import keras
    from keras import layers

    images, x = _trunk(IMAGE_SHAPE)
    mu, log_var = layers.Dense(2, name="z_mean")(x), layers.Dense(2, name="z_log_var")(x)
    z = _keras_io_sampling_class()()([log_var, mu])
    _save_pair(tmp_path, keras.Model(images, [mu, log_var, z]), _decoder(2, IMAGE_SHAPE), ".keras")
    _refused(ModelFileError, r"takes \[z_log_var, z_mean\] in that order.*cannot tell which is which",
             tmp_path / "encoder.keras", tmp_path / "decoder.keras")


def test_two_sampling_layers_are_refused_as_ambiguous(tmp_path):
    import keras
    from keras import layers

    images, x = _trunk(IMAGE_SHAPE)
    mu, log_var = layers.Dense(2, name="mu")(x), layers.Dense(2, name="log_var")(x)
    sampling = _keras_io_sampling_class()
    z1, z2 = sampling(name="z1")([mu, log_var]), sampling(name="z2")([mu, log_var])
    _save_pair(tmp_path, keras.Model(images, [z1, z2, mu, log_var]), _decoder(2, IMAGE_SHAPE), ".keras")
    _refused(ModelFileError, r"2 layers that could compute z \('z1', 'z2'\)",
             tmp_path / "encoder.keras", tmp_path / "decoder.keras")


def test_an_unknown_layer_class_is_named_with_keras_own_cause(tmp_path):
    import keras
    from keras import layers, ops

    class Reparameterize(layers.Layer):
        def call(self, inputs):
            return inputs[0] + ops.exp(0.5 * inputs[1]) * keras.random.normal(ops.shape(inputs[0]))

    images, x = _trunk(IMAGE_SHAPE)
    mu, log_var = layers.Dense(2, name="mu")(x), layers.Dense(2, name="log_var")(x)
    encoder = keras.Model(images, [mu, log_var, Reparameterize()([mu, log_var])])
    _save_pair(tmp_path, encoder, _decoder(2, IMAGE_SHAPE), ".keras")
    cause = "Cannot open the encoder encoder.keras: the file names a class 'Reparameterize' but does not hold its code"
    message = _refused(ModelFileError, cause, tmp_path / "encoder.keras", tmp_path / "decoder.keras")
    assert "Full object config" not in message and "could not be deserialized properly" not in message


def test_swapped_files_say_what_was_expected(tmp_path):
    import keras

    _keras_io_pair(tmp_path)
    _refused(ModelFileError, r"decoder.keras takes \(None, 2\), not one batch of images.*keras.io",
             tmp_path / "decoder.keras", tmp_path / "encoder.keras")
    images = keras.Input(shape=(8, 8, 1))
    keras.Model(images, keras.layers.Flatten()(images)).save(tmp_path / "plain.keras")
    _refused(ModelFileError, r"plain.keras has no sampling layer \(it returns 1 output\(s\) shaped \(None, 64\)\)",
             tmp_path / "plain.keras", tmp_path / "decoder.keras")


def test_decoder_of_another_size_is_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _keras_io_pair(tmp_path / "a", z_dim=2)
    _keras_io_pair(tmp_path / "b", z_dim=3)
    _refused(ModelFileError, r"vectors of size 2: it expects \(None, 2\)",
             tmp_path / "a" / "encoder.keras", tmp_path / "b" / "decoder.keras")


def test_missing_empty_broken_and_weights_only_files_are_named(tmp_path):
    _refused(ModelFileError, "does not exist", tmp_path / "nope.keras", tmp_path / "decoder.keras")
    (tmp_path / "model.pt").write_bytes(b"x")
    _refused(ModelFileError, r"model.pt is not a \.keras or \.h5 file", tmp_path / "model.pt", tmp_path / "model.pt")
    (tmp_path / "empty.keras").write_bytes(b"")
    _refused(ModelFileError, r"The encoder file empty.keras is empty \(0 bytes\)",
             tmp_path / "empty.keras", tmp_path / "empty.keras")
    (tmp_path / "broken.keras").write_bytes(b"not a zip")
    _refused(ModelFileError, "Cannot open the encoder broken.keras: File is not a zip file.",
             tmp_path / "broken.keras", tmp_path / "broken.keras")
    (tmp_path / "broken.h5").write_bytes(b"not hdf5")
    _refused(ModelFileError, "Cannot open the encoder broken.h5: .*signature",
             tmp_path / "broken.h5", tmp_path / "broken.h5")
    encoder, _ = _keras_io_pair(tmp_path)
    encoder.save_weights(tmp_path / "encoder.weights.h5")
    _refused(ModelFileError, "encoder.weights.h5 holds weights only",
             tmp_path / "encoder.weights.h5", tmp_path / "decoder.keras")
