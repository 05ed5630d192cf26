"""Find mu, log_var and z in a foreign encoder's graph and give the encoder vaegui's outputs (mu, log_var, z)."""

from __future__ import annotations

import re

import keras

from vaegui.errors import ModelFileError
from vaegui.model.layers import Sampling

# Words in layer names that say which tensor is which, e.g. `mu`, `z_mean`, `log_var`, `z_log_var`, `logvar`.
MU_WORDS = frozenset({"mu", "mean", "means"})
LOG_VAR_WORDS = frozenset({"var", "logvar", "variance", "logvariance"})


def encoder_in_vaegui_order(encoder: keras.Model, file_name: str) -> keras.Model:
    """A model over the same layers returning (mu, log_var, z), read from the sampling layer's inputs and output.

    The encoder's own output order says nothing (the seed article returns [z, mu, log_var], keras.io
    [z_mean, z_log_var, z]); the sampling layer's inputs are mu and log_var in that order, and the
    names of the layers that compute them must not say otherwise. A Lambda doing the sampling is
    replaced by vaegui's Sampling layer, whose noise the mu-only switch can turn off.
    """
    sampling = _sampling_layer(encoder, file_name)
    mu, log_var = _mu_and_log_var(encoder, sampling, file_name)
    z = sampling.output if isinstance(sampling, Sampling) else Sampling(name=sampling.name)([mu, log_var])
    return keras.Model(encoder.inputs, [mu, log_var, z], name=encoder.name)


def _sampling_layer(encoder: keras.Model, file_name: str) -> keras.layers.Layer:
    samplers = [layer for layer in encoder.layers if isinstance(layer, Sampling)]
    if not samplers:
        lambdas = [layer for layer in encoder.layers if isinstance(layer, keras.layers.Lambda)]
        samplers = [layer for layer in lambdas if _takes_a_pair(layer)]
    if len(samplers) == 1:
        return samplers[0]
    if samplers:
        raise ModelFileError(
            f"The encoder {file_name} has {len(samplers)} layers that could compute z "
            f"({', '.join(repr(layer.name) for layer in samplers)}), so vaegui cannot tell which one gives z. "
            "Save an encoder with one sampling layer."
        )
    shapes = ", ".join(str(tuple(t.shape)) for t in encoder.outputs)
    raise ModelFileError(
        f"The encoder {file_name} has no sampling layer (it returns {len(encoder.outputs)} output(s) shaped "
        f"{shapes}), so it is not a VAE encoder and vaegui cannot switch its noise off. Is it a decoder, or a "
        "plain autoencoder? Save the encoder with a layer computing z = mu + exp(0.5 * log_var) * epsilon (a "
        "class named Sampling as in the keras.io example, or a Lambda)."
    )


def _takes_a_pair(layer: keras.layers.Layer) -> bool:
    """Two inputs of one shape (batch, size) and an output of that shape: what a sampling step takes and gives."""
    inputs, output = layer.input, layer.output
    if not isinstance(inputs, (list, tuple)) or len(inputs) != 2 or not hasattr(output, "shape"):
        return False
    shapes = {tuple(inputs[0].shape), tuple(inputs[1].shape), tuple(output.shape)}
    return len(shapes) == 1 and len(next(iter(shapes))) == 2


def _mu_and_log_var(encoder: keras.Model, sampling: keras.layers.Layer, file_name: str):
    if not _takes_a_pair(sampling):
        raise ModelFileError(
            f"The sampling layer '{sampling.name}' of the encoder {file_name} does not take two vectors "
            "[mu, log_var] of one size and return z of that size, so vaegui cannot tell which is which."
        )
    mu, log_var = sampling.input
    names = [_producer_name(encoder, tensor) for tensor in (mu, log_var)]
    roles = [_role(name) for name in names]
    if roles[0] == "log_var" or roles[1] == "mu":
        raise ModelFileError(
            f"The sampling layer '{sampling.name}' of the encoder {file_name} takes [{names[0]}, {names[1]}] in "
            "that order: a sampling layer takes the centre first and the log-variance second ([mu, log_var]), "
            "but these names say the opposite, so vaegui cannot tell which is which. Save the encoder with its "
            "sampling layer called on [mu, log_var]."
        )
    return mu, log_var


def _producer_name(encoder: keras.Model, tensor) -> str:
    """The name of the layer whose output `tensor` is (the sampling layer's inputs are layer outputs)."""
    for layer in encoder.layers:
        if any(output is tensor for output in keras.tree.flatten(layer.output)):
            return layer.name
    return tensor.name


def _role(layer_name: str) -> str | None:
    """'mu' or 'log_var' when the name says so (`z_mean`, `mu`, `z_log_var`, `logvar`), else None."""
    words = set(re.split(r"[^a-z0-9]+", layer_name.lower()))
    says_mu, says_log_var = bool(words & MU_WORDS), bool(words & LOG_VAR_WORDS)
    if says_mu == says_log_var:
        return None
    return "mu" if says_mu else "log_var"
