"""Keras errors reach the person as what they can do: no colour codes, no tensor or config dumps, a function the file
names but does not hold named plainly (real models saved and opened with Keras)."""

from __future__ import annotations

import numpy as np
import pytest

from vaegui.app.jobs import failure_message
from vaegui.errors import ModelFileError
from vaegui.keras_errors import plain_error_text


def _encoder_with(sampling_layer):
    import keras
    from keras import layers

    images = keras.Input(shape=(8, 8, 1))
    x = layers.Flatten()(images)
    mu, log_var = layers.Dense(2, name="mu")(x), layers.Dense(2, name="log_var")(x)
    return keras.Model(images, [sampling_layer([mu, log_var]), mu, log_var], name="encoder")


def _decoder():
    import keras
    from keras import layers

    latent = keras.Input(shape=(2,))
    return keras.Model(latent, layers.Reshape((8, 8, 1))(layers.Dense(64, activation="sigmoid")(latent)))


def test_a_function_the_file_names_but_does_not_hold_is_named_plainly(tmp_path):
    from keras import layers, ops

    from vaegui.latent.foreign_model import load_foreign_vae

    def sampling(args):
        return args[0] + ops.exp(args[1] / 2)

    sampling.__module__ = "their_training_script"  # saved by name, as a script's function is
    _encoder_with(layers.Lambda(sampling, output_shape=(2,))).save(tmp_path / "encoder.keras")
    _decoder().save(tmp_path / "decoder.keras")
    with pytest.raises(ModelFileError) as caught:
        load_foreign_vae(tmp_path / "encoder.keras", tmp_path / "decoder.keras")
    text = str(caught.value)
    assert "'sampling'" in text and "does not hold its code" in text
    assert "register_keras_serializable" not in text and "{'module'" not in text and "config" not in text


def test_a_lambda_calling_code_that_was_not_saved_fails_in_plain_words(tmp_path):
    import keras
    from keras import layers

    _encoder_with(layers.Lambda(lambda args: helper(args), output_shape=(2,))).save(tmp_path / "encoder.keras")  # noqa: F821
    encoder = keras.saving.load_model(tmp_path / "encoder.keras", compile=False, safe_mode=False)
    with pytest.raises(NameError) as caught:
        encoder.predict(np.zeros((2, 8, 8, 1), np.float32), verbose=0)
    assert "\x1b[" in str(caught.value) and "Arguments received" in str(caught.value)  # what Keras says
    text = failure_message(caught.value)
    assert "\x1b" not in text and "Arguments received" not in text and "tf.Tensor" not in text
    assert "'helper'" in text and "not saved in the file" in text


def test_tensor_dumps_and_colour_codes_are_left_out():
    raw = ("Exception encountered when calling Dense.call().\n\n\x1b[1mInput 0 of layer \"dense\" is incompatible "
           "with the layer: expected axis -1 of input shape to have value 64, but received input with shape "
           "(None, 32)\x1b[0m\n\nArguments received by Dense.call():\n  • inputs=<KerasTensor shape=(None, 32), "
           "dtype=float32, sparse=False, name=keras_tensor_3>")
    text = plain_error_text(raw)
    assert "\x1b" not in text and "KerasTensor" not in text and "Arguments received" not in text
    assert text.startswith("Input 0 of layer") and "received input with shape (None, 32)" in text
