"""The seed article's sampling layer: a Lambda calling a named Python function, which a saved file holds by name only.

Keras saves `Lambda(z_point_sampling)` as the function's name ("z_point_sampling", a plain function or a method
of the object that built the model); opening the file then fails ("Could not locate function 'z_point_sampling'")
in any program but the one that defined it. Such a Lambda between the mu and log_var layers and z is recognised
in the saved configuration and opened with a stand-in function; vaegui's own Sampling layer then replaces it
(vaegui.latent.foreign_graph), computing the same z = mu + exp(log_var / 2) * epsilon, with the mu-only switch.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STAND_IN = "vaegui_named_sampling_stand_in"


@dataclass(frozen=True)
class NamedSampling:
    """A Lambda layer whose function was saved by name and that looks like a sampling step."""

    layer: str
    function: str


def stand_in_sampling(args):
    """What the named function computes (never called in the end: vaegui's Sampling layer takes its place)."""
    import keras
    from keras import ops

    mu, log_var = args
    return mu + ops.exp(log_var / 2) * keras.random.normal(ops.shape(mu))


def named_sampling_lambdas(config: dict) -> list[NamedSampling]:
    """Lambda layers of a saved model config that call a function saved by name, on two inputs of one shape [mu,
    log_var], giving one of the model's outputs (z)."""
    model = config.get("config", {}) if isinstance(config, dict) else {}
    outputs = {entry[0] for entry in model.get("output_layers", []) if isinstance(entry, list) and entry}
    found = []
    for layer in model.get("layers", []):
        if not isinstance(layer, dict) or layer.get("class_name") != "Lambda":
            continue
        name = layer.get("name") or layer.get("config", {}).get("name")
        function = _function_name(layer.get("config", {}))
        if function is None or name not in outputs:
            continue
        shapes = _input_shapes(layer)
        if len(shapes) == 2 and shapes[0] == shapes[1] and len(shapes[0]) == 2:
            found.append(NamedSampling(str(name), function))
    return found


def describe(found: list[NamedSampling]) -> str:
    """What the person is told when such a file is opened."""
    layer = found[0]
    return (f"The encoder's sampling layer '{layer.layer}' calls {layer.function}, a Python function the file holds "
            "by name only (its code is not saved): vaegui computes z itself from mu and log_var, z = mu + "
            "exp(log_var / 2) · ε, the same formula, with the mu-only switch.")


@contextlib.contextmanager
def with_stand_in(path: Path, config: dict, found: list[NamedSampling]) -> Iterator[Path]:
    """A temporary copy of the saved model whose sampling Lambdas call the stand-in function (registered under
    STAND_IN while loading), the weights untouched."""
    rewritten = json.loads(json.dumps(config))
    names = {item.layer for item in found}
    for layer in rewritten["config"]["layers"]:
        if layer.get("class_name") == "Lambda" and (layer.get("name") or layer["config"].get("name")) in names:
            layer["config"]["function"] = {"module": None, "class_name": "function", "config": STAND_IN,
                                           "registered_name": "function"}
            layer["config"].pop("function_type", None)
            layer["config"].pop("module", None)
    text = json.dumps(rewritten)
    with tempfile.TemporaryDirectory(prefix="vaegui-model-") as folder:
        copy = Path(folder) / path.name
        if path.suffix.lower() == ".keras":
            with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
                for item in source.infolist():
                    data = text.encode() if item.filename == "config.json" else source.read(item.filename)
                    target.writestr(item, data)
        else:
            import h5py

            shutil.copyfile(path, copy)
            with h5py.File(copy, "r+") as file:
                file.attrs["model_config"] = text
        yield copy


def _function_name(layer_config: dict) -> str | None:
    """The name a Lambda's function was saved under, when it was saved by name (not as code, not a Keras op)."""
    function = layer_config.get("function")
    if isinstance(function, dict) and function.get("class_name") in ("function", "method"):
        module = function.get("module") or ""
        if module == "keras" or module.startswith("keras.") or not isinstance(function.get("config"), str):
            return None
        return function["config"]
    if isinstance(function, str) and layer_config.get("function_type") == "function":
        return function  # TF 2.x's form: the name, with function_type and module beside it
    return None


def _input_shapes(layer: dict) -> list[tuple]:
    """The shapes of the tensors a layer was called on, from its saved call (Keras 3) or build config."""
    shapes = []
    for node in layer.get("inbound_nodes", []):
        if isinstance(node, list) and all(isinstance(entry, list) for entry in node):
            return [(None, None)] * len(node)  # TF 2.x's form names the layers only: the loaded graph is checked
        if isinstance(node, dict):
            arguments = node.get("args", [])
            tensors = arguments[0] if len(arguments) == 1 and isinstance(arguments[0], list) else arguments
            for tensor in tensors:
                if isinstance(tensor, dict) and tensor.get("class_name") == "__keras_tensor__":
                    shapes.append(tuple(tensor["config"]["shape"]))
            if shapes:
                return shapes
    build = layer.get("build_config", {}).get("input_shape")
    if isinstance(build, list) and all(isinstance(shape, list) for shape in build):
        return [tuple(shape) for shape in build]
    return shapes
