"""Open a VAE trained elsewhere: an encoder and a decoder saved whole as .keras or .h5 files."""

from __future__ import annotations

import contextlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import keras

from vaegui.errors import ModelFileError, UntrustedCodeError
from vaegui.keras_errors import plain_error_text
from vaegui.latent.foreign_graph import encoder_in_vaegui_order
from vaegui.latent.foreign_sampling import STAND_IN, named_sampling_lambdas, stand_in_sampling, with_stand_in
from vaegui.latent.foreign_sampling import describe as describe_named_sampling
from vaegui.model.layers import Sampling
from vaegui.model.vae import VAE

EXPECTED = (
    "vaegui expects the keras.io VAE layout: an encoder taking images (height, width, 1 or 3 channels) whose "
    "sampling layer computes z from mu and log_var, and a decoder taking z and returning an image of the "
    "encoder's input size, each saved whole with model.save('encoder.keras')."
)
SUFFIXES = (".keras", ".h5", ".hdf5")


class ForeignVAE(VAE):
    """A VAE assembled from separately saved encoder and decoder models."""

    note = ""  # what vaegui did to open it, said to the person (e.g. it computes z itself)

    @property
    def sampling(self) -> Sampling:
        for layer in self.encoder.layers:
            if isinstance(layer, Sampling):
                return layer
        raise ModelFileError("This encoder has no sampling layer, so it cannot be switched to mu-only.")


def load_foreign_vae(encoder_path: str | Path, decoder_path: str | Path, *, trust_code: bool = False) -> ForeignVAE:
    """Load and check the pair; the image size comes from the encoder's input.

    A file holding Python code (a Lambda layer, as in the seed article's sampling) raises
    UntrustedCodeError unless `trust_code` is True: Keras runs that code when it opens the file.
    """
    paths = {"encoder": Path(encoder_path), "decoder": Path(decoder_path)}
    configs = {role: _saved_config(path, role) for role, path in paths.items()}
    with_code = list(dict.fromkeys(paths[role].name for role, config in configs.items() if _holds_code(config)))
    if with_code and not trust_code:
        raise UntrustedCodeError(
            f"{' and '.join(with_code)} {'contains' if len(with_code) == 1 else 'contain'} Python code (a Lambda "
            "layer); open it only if you trust its source: opening it runs that code. vaegui then computes z with "
            "its own Sampling layer."
        )
    named = named_sampling_lambdas(configs["encoder"])
    encoder = _load(paths["encoder"], "encoder", configs["encoder"], named)
    decoder = _load(paths["decoder"], "decoder", configs["decoder"])
    image_shape = _check_encoder(encoder, paths["encoder"])
    encoder = encoder_in_vaegui_order(encoder, paths["encoder"].name)
    z_dim = int(encoder.outputs[0].shape[-1])
    _check_decoder(decoder, paths["decoder"], z_dim, image_shape)
    vae = ForeignVAE(encoder, decoder)
    vae.build((None, *image_shape))
    vae.note = describe_named_sampling(named) if named else ""
    return vae


def _saved_config(path: Path, role: str) -> dict:
    """The model's architecture as saved: config.json in a .keras archive, the model_config of an .h5 file."""
    if not path.is_file():
        raise ModelFileError(f"The {role} file {path} does not exist: choose the saved {role} (.keras or .h5) file.")
    if path.suffix.lower() not in SUFFIXES:
        raise ModelFileError(
            f"{path.name} is not a .keras or .h5 file: save the {role} with model.save('{role}.keras') and open that."
        )
    if path.stat().st_size == 0:
        raise ModelFileError(
            f"The {role} file {path.name} is empty (0 bytes): it was not saved completely. Save the {role} again "
            f"with model.save('{role}.keras')."
        )
    try:
        if path.suffix.lower() == ".keras":
            with zipfile.ZipFile(path) as archive:
                return json.loads(archive.read("config.json"))
        import h5py

        with h5py.File(path, "r") as file:
            raw = file.attrs.get("model_config")
        if raw is None:
            raise ModelFileError(
                f"The {role} file {path.name} holds weights only, without the model's layers (it was saved with "
                f"save_weights). Save the whole {role} with model.save('{role}.keras') and open that."
            )
        return json.loads(raw.decode() if isinstance(raw, bytes) else raw)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ModelFileError(f"Cannot open the {role} {path.name}: {_keras_cause(error)} {EXPECTED}") from None


def _layer_configs(config) -> Iterator[dict]:
    """Every serialized object in a saved config, nested models' layers included."""
    if isinstance(config, dict):
        if "class_name" in config:
            yield config
        for value in config.values():
            yield from _layer_configs(value)
    elif isinstance(config, list):
        for value in config:
            yield from _layer_configs(value)


def _holds_code(config: dict) -> bool:
    """A Lambda layer whose function was saved as Python bytecode (Keras 3, and TF 2.x's list form)."""
    for item in _layer_configs(config):
        if item["class_name"] == "Lambda" and isinstance(item.get("config"), dict):
            function = item["config"].get("function")
            if isinstance(function, list) or (isinstance(function, dict) and function["class_name"] == "__lambda__"):
                return True
    return False


def _sampling_names(config: dict) -> set[str]:
    """The names the sampling class was saved under: 'Sampling' (keras.io), 'Custom>Sampling' (registered), ..."""
    names = {"Sampling"}
    for item in _layer_configs(config):
        for name in (item["class_name"], item.get("registered_name")):
            if isinstance(name, str) and name.split(">")[-1] == "Sampling":
                names.add(name)
    return names


def _load(path: Path, role: str, config: dict, named: list | None = None) -> keras.Model:
    """Load a model whose config was read (and, when it holds code, whose source the user trusts); `named`: its
    sampling Lambdas whose function was saved by name (opened with a stand-in, see foreign_sampling)."""
    # The keras.io Sampling layer is a class of the user's script, saved under whatever name it was
    # registered with; vaegui's computes the same z and adds the mu-only factor. A scope, unlike
    # custom_objects, also wins over a class of that name registered in this process.
    replacements = {**dict.fromkeys(_sampling_names(config), Sampling), STAND_IN: stand_in_sampling}
    try:
        with keras.saving.custom_object_scope(replacements), \
                (with_stand_in(path, config, named) if named else contextlib.nullcontext(path)) as readable:
            model = keras.saving.load_model(readable, compile=False, safe_mode=not _holds_code(config))
    except Exception as error:
        raise ModelFileError(f"Cannot open the {role} {path.name}: {_keras_cause(error)} {EXPECTED}") from None
    if not isinstance(model, keras.Model):
        raise ModelFileError(f"{path.name} holds a {type(model).__name__}, not a Keras model. {EXPECTED}")
    return model


def _keras_cause(error: BaseException) -> str:
    """The part of a Keras error that says what went wrong, in words the person can act on (vaegui.keras_errors)."""
    text = plain_error_text(error)
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _shape(tensor) -> tuple:
    return tuple(None if d is None else int(d) for d in tensor.shape)


def _check_encoder(encoder: keras.Model, path: Path) -> tuple[int, int, int]:
    inputs = encoder.inputs
    if len(inputs) != 1 or len(_shape(inputs[0])) != 4 or _shape(inputs[0])[-1] not in (1, 3):
        found = ", ".join(str(_shape(t)) for t in inputs)
        raise ModelFileError(
            f"The encoder {path.name} takes {found}, not one batch of images (None, height, width, 1 or 3). {EXPECTED}"
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
