"""Open a VAE trained elsewhere: a keras.io-style `.keras` encoder (returning z_mean, z_log_var, z) and decoder."""

from __future__ import annotations

from pathlib import Path

import keras

from vaegui.errors import ModelFileError
from vaegui.model.layers import Sampling
from vaegui.model.vae import VAE

EXPECTED = (
    "vaegui expects the keras.io VAE layout: an encoder taking images (height, width, 1 or 3 channels) and "
    "returning three vectors [z_mean, z_log_var, z] of the same size, and a decoder taking that vector and "
    "returning an image of the encoder's input size."
)


class ForeignVAE(VAE):
    """A VAE assembled from separately saved encoder and decoder models."""

    @property
    def sampling(self) -> Sampling:
        for layer in self.encoder.layers:
            if isinstance(layer, Sampling):
                return layer
        raise ModelFileError("This encoder has no sampling layer, so it cannot be switched to mu-only.")


def load_foreign_vae(encoder_path: str | Path, decoder_path: str | Path) -> ForeignVAE:
    """Load and check the pair; the image size comes from the encoder's input."""
    encoder = _load(encoder_path, "encoder")
    decoder = _load(decoder_path, "decoder")
    image_shape = _check_encoder(encoder, Path(encoder_path))
    z_dim = int(encoder.outputs[0].shape[-1])
    _check_decoder(decoder, Path(decoder_path), z_dim, image_shape)
    if not any(isinstance(layer, Sampling) for layer in encoder.layers):
        raise ModelFileError(
            f"The encoder {Path(encoder_path).name} computes z without a layer named 'Sampling' (as in the keras.io "
            "example), so vaegui cannot switch its noise off. Save the encoder with a Sampling layer computing "
            "z = z_mean + exp(0.5 * z_log_var) * epsilon."
        )
    vae = ForeignVAE(encoder, decoder)
    vae.build((None, *image_shape))
    return vae


def _load(path: str | Path, role: str) -> keras.Model:
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"The {role} file {path} does not exist: choose the saved {role} (.keras) file.")
    if path.suffix != ".keras":
        raise ModelFileError(
            f"{path.name} is not a .keras file: save the {role} with model.save('{role}.keras') and open that."
        )
    try:
        # The keras.io Sampling layer is an unregistered class named 'Sampling'; ours computes the same
        # thing and adds the mu-only factor.
        model = keras.saving.load_model(path, custom_objects={"Sampling": Sampling}, compile=False)
    except Exception as error:
        text = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
        raise ModelFileError(f"Cannot open the {role} {path.name}: {text}. {EXPECTED}") from None
    if not isinstance(model, keras.Model):
        raise ModelFileError(f"{path.name} holds a {type(model).__name__}, not a Keras model. {EXPECTED}")
    return model


def _shape(tensor) -> tuple:
    return tuple(None if d is None else int(d) for d in tensor.shape)


def _check_encoder(encoder: keras.Model, path: Path) -> tuple[int, int, int]:
    inputs, outputs = encoder.inputs, encoder.outputs
    if len(inputs) != 1 or len(_shape(inputs[0])) != 4 or _shape(inputs[0])[-1] not in (1, 3):
        found = ", ".join(str(_shape(t)) for t in inputs)
        raise ModelFileError(
            f"The encoder {path.name} takes {found}, not one batch of images (None, height, width, 1 or 3). {EXPECTED}"
        )
    shapes = [_shape(t) for t in outputs]
    if len(outputs) != 3 or any(len(s) != 2 for s in shapes) or len({s[-1] for s in shapes}) != 1:
        raise ModelFileError(
            f"The encoder {path.name} returns {len(outputs)} output(s) shaped {', '.join(map(str, shapes))}, not "
            f"[z_mean, z_log_var, z]. Is it a decoder, or a plain autoencoder? {EXPECTED}"
        )
    height, width, channels = _shape(inputs[0])[1:]
    if height is None or width is None:
        raise ModelFileError(f"The encoder {path.name} has no fixed image size. {EXPECTED}")
    return int(height), int(width), int(channels)


def _check_decoder(decoder: keras.Model, path: Path, z_dim: int, image_shape: tuple[int, int, int]) -> None:
    inputs, outputs = decoder.inputs, decoder.outputs
    takes = [_shape(t) for t in inputs]
    if len(inputs) != 1 or takes[0] != (None, z_dim):
        raise ModelFileError(
            f"The decoder {path.name} takes {', '.join(map(str, takes))}, but the encoder gives vectors of size "
            f"{z_dim}: it expects (None, {z_dim}). Choose the decoder saved with this encoder."
        )
    gives = [_shape(t) for t in outputs]
    if len(outputs) != 1 or gives[0][1:] != image_shape:
        raise ModelFileError(
            f"The decoder {path.name} returns {', '.join(map(str, gives))}, but the encoder takes images of "
            f"{image_shape}: expected (None, {', '.join(map(str, image_shape))}). Choose the decoder saved with "
            "this encoder."
        )
