"""One section of settings read from JSON: every name known, every value of its setting's type, or a message saying
which is wrong and what it should be."""

from __future__ import annotations

import types
import typing
from dataclasses import fields
from functools import cache
from typing import Any

from vaegui.errors import ConfigError

# What each JSON type is called in a message, for people who have never heard of a type annotation.
PLAIN_TYPE_NAMES = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


def read_section(kind: type, raw: Any, name: str, source: str) -> Any:
    """The dataclass `kind` (DataConfig, ...) from `raw`, the JSON object of section `name`; unset fields keep their
    defaults."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: section '{name}' must be a JSON object of settings.")
    types_of = _field_types(kind)
    unknown = set(raw) - set(types_of)
    if unknown:
        raise ConfigError(
            f"{source}: unknown setting(s) {', '.join(sorted(unknown))} in '{name}'. "
            f"Known settings there: {', '.join(types_of)}."
        )
    return kind(**{key: _convert(value, types_of[key], f"{name}.{key}", source) for key, value in raw.items()})


@cache
def _field_types(kind: type) -> dict[str, Any]:
    """Each field's type as a type object (the annotations are strings under `from __future__ import annotations`),
    in the order the dataclass declares them."""
    hints = typing.get_type_hints(kind)
    return {f.name: hints[f.name] for f in fields(kind)}


def _convert(value: Any, annotation: Any, key: str, source: str) -> Any:
    """`value` as `annotation` by JSON's own rules (msgspec, strict: no text read as a number, no 1 as true), the
    one leniency being a whole number written with a decimal point (10.0), as some tools write every number."""
    # Imported here, when the first settings file is read, not with vaegui.config on the way to the first window
    # (docs/performance.md, Settings validation).
    import msgspec

    try:
        return msgspec.convert(value, annotation)
    except msgspec.ValidationError:
        if isinstance(value, float) and value.is_integer():
            try:
                return msgspec.convert(int(value), annotation)
            except msgspec.ValidationError:
                pass
    if value is None:
        raise ConfigError(f"{source}: setting '{key}' must not be empty.")
    raise ConfigError(f"{source}: setting '{key}' has the wrong type ({value!r}); expected {_describe(annotation)}.")


def _describe(annotation: Any) -> str:
    """`annotation` in plain words: int -> "a whole number", tuple[int, ...] -> "a list of whole numbers"."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        kinds = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return " or ".join(_describe(kind) for kind in kinds)
    if typing.get_origin(annotation) is tuple:
        item = typing.get_args(annotation)[0]
        return "a list of " + PLAIN_TYPE_NAMES.get(item, str(item)).removeprefix("a ").replace("number", "numbers")
    return PLAIN_TYPE_NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))
