"""Keras's and TensorFlow's error messages said as what the person can do: no terminal colour codes, no dumps of
tensors or configs, a function the file names but does not hold named plainly."""

from __future__ import annotations

import re
import textwrap

ANSI_CODES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # Keras marks the cause in bold for a terminal: \x1b[1m … \x1b[0m
TENSOR_DUMP = re.compile(r"<KerasTensor [^>]*>|tf\.Tensor\([^)]*\)")
MISSING_OBJECT = re.compile(r"Could not locate (function|class) '([^']+)'")
NOT_DEFINED = re.compile(r"name '([^']+)' is not defined")
CALLING = re.compile(r"Exception encountered when calling ([\w.]+)\.call\(\)\.?")
LIMIT = 400


def plain_error_text(error: BaseException | str) -> str:
    """One or two sentences from a Keras or TensorFlow error: what went wrong and, where known, what to do."""
    text = ANSI_CODES.sub("", str(error)).strip() or type(error).__name__
    missing = MISSING_OBJECT.search(text)
    if missing:
        kind, name = missing.groups()
        return (f"the file names a {kind} '{name}' but does not hold its code, so it cannot be run here. Save the "
                f"model again with '{name}' inside it (a Keras layer, or a Lambda layer of its own code), or register "
                f"'{name}' with Keras where the model was made.")
    undefined = NOT_DEFINED.search(text)
    calling = CALLING.search(text)
    if undefined:
        layer = f"a {calling.group(1)} layer" if calling else "a layer"
        return (f"{layer} of the model calls '{undefined.group(1)}', which was not saved in the file (it belonged to "
                f"the script that made the model). Save the model with that code inside the layer, or use a layer "
                "class such as keras.io's Sampling.")
    # Keras wraps the cause in paragraphs about get_config, the config itself and the arguments received.
    text = text.rsplit("Exception encountered:", 1)[-1]
    text = re.split(r"\s*(?:Full object config:|config=\{|Arguments received by)", text)[0]
    text = CALLING.sub("", text)
    text = TENSOR_DUMP.sub("a tensor", text)
    return textwrap.shorten(" ".join(text.split()), LIMIT, placeholder=" …") or type(error).__name__
