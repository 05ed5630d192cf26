"""One section of settings read from JSON: every name known, every value of its setting's type, or a message saying
which is wrong and what it should be."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from vaegui.errors import ConfigError


def read_section(kind: type, raw: Any, name: str, source: str) -> Any:
    """The dataclass `kind` (DataConfig, ...) from `raw`, the JSON object of section `name`; unset fields keep their
    defaults."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: section '{name}' must be a JSON object of settings.")
    known = {f.name: f for f in fields(kind)}
    unknown = set(raw) - set(known)
    if unknown:
        raise ConfigError(
            f"{source}: unknown setting(s) {', '.join(sorted(unknown))} in '{name}'. "
            f"Known settings there: {', '.join(known)}."
        )
    values = {}
    defaults = kind()
    for key, value in raw.items():
        values[key] = _coerce(value, type(getattr(defaults, key)), known[key].type, f"{name}.{key}", source)
    return kind(**values)


def _coerce(value: Any, default_type: type, annotation: Any, key: str, source: str) -> Any:
    optional = "None" in str(annotation)
    if value is None:
        if optional:
            return None
        raise ConfigError(f"{source}: setting '{key}' must not be empty.")
    annotation = str(annotation)
    wrong = ConfigError(f"{source}: setting '{key}' has the wrong type ({value!r}); expected {_describe(annotation)}.")
    if annotation.startswith("tuple"):
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise wrong
        return tuple(value)
    if annotation.startswith("bool"):
        if not isinstance(value, bool):
            raise wrong
        return value
    if annotation.startswith("int"):
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise wrong
        return value
    if annotation.startswith("float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise wrong
        return float(value)
    if annotation.startswith("str"):
        if not isinstance(value, str):
            raise wrong
        return value
    return value


def _describe(annotation: str) -> str:
    base = annotation.split("|")[0].strip()
    return {
        "int": "a whole number",
        "float": "a number",
        "bool": "true or false",
        "str": "text",
    }.get(base, "a list of whole numbers" if base.startswith("tuple") else base)
