"""Files shipped with vaegui (the window icon, example training configs), found installed or in a source checkout."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from vaegui.errors import ConfigError


def resources_folder() -> Path:
    """vaegui.resources where vaegui is installed (a wheel, or editable); the checkout's resources/ otherwise.

    The repository keeps the files in its top-level resources/ folder; setup.py installs that folder
    as the vaegui.resources package. A checkout used through PYTHONPATH has no such package.
    """
    try:
        folder = importlib.resources.files("vaegui.resources")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "resources"
    return Path(str(folder))  # pip installs wheels unpacked, so this is a real folder


def icon_file() -> Path:
    return resources_folder() / "vaegui.svg"


def example_configs() -> dict[str, Path]:
    """The shipped example settings by name: {'digits': .../digits.json, 'fashion_mnist': ...}."""
    return {path.stem: path for path in sorted((resources_folder() / "configs").glob("*.json"))}


def settings_file(name_or_path: str | Path) -> Path:
    """A settings file given by its path, or a shipped example given by its name ('fashion_mnist')."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    examples = example_configs()
    name = path.name[: -len(".json")] if path.name.endswith(".json") else path.name
    if path.parent == Path() and name in examples:
        return examples[name]
    raise ConfigError(
        f"Settings file {name_or_path} does not exist, and it is not the name of a shipped example "
        f"({', '.join(examples) or 'none found'}): check the path, or give one of those names."
    )
