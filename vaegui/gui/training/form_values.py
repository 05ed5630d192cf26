"""The Training form's starting settings, its values read from text fields (numbers, a seed, conv widths), and the
size a dataset's pictures are trained at, said in words."""

from __future__ import annotations

import copy
import os

from PySide6.QtWidgets import QSpinBox

from vaegui.config import DataConfig, Range, RunConfig, TrainingConfig
from vaegui.data.image_folder import DEFAULT_FOLDER_IMAGE_SIZE, IMAGE_EXTENSIONS
from vaegui.errors import ConfigError
from vaegui.training.first_run import best_offline_dataset, first_run

# The settings the form starts with: vaegui.config's defaults (the same as `vaegui train`'s), except the
# number of epochs. Pressing Train at once trains the digits: 1,617 images are 26 batches of 64, so an
# epoch takes a fraction of a second, and 30 of them draw a 2-D map nearly as tidy as the former form's ReLU
# settings did in 20 epochs at batch 32, in the same time, with no unit dead (5-NN accuracy of mu on all
# 1,797 digits 0.57-0.70 over four runs, against 0.64-0.74 with 24-27 of 64 units dead).
GUI_DEFAULTS = RunConfig(data=DataConfig(dataset="digits"), training=TrainingConfig(epochs=30))


def gui_defaults(dataset: str | None = None) -> RunConfig:
    """The settings a new window starts with: GUI_DEFAULTS on `dataset` (default: the best one available offline),
    with that dataset's first-run subset and epochs."""
    config = copy.deepcopy(GUI_DEFAULTS)
    config.data.dataset = dataset or best_offline_dataset()
    sized = first_run(config.data.dataset)
    if sized is not None:
        config.data.subset, config.training.epochs = sized.subset, sized.epochs
    return config


# Native side of the built-in datasets, to check the conv layers fit before anything loads.
NATIVE_IMAGE_SIZES = {"digits": 8, "mnist": 28, "fashion_mnist": 28}
FOLDER_PEEK_ENTRIES = 2000  # entries looked at for one picture's size: a glance, not a scan


def native_size_words(dataset: str) -> str:
    """What 'native' trains at for `dataset`: the built-ins' side, a folder's default size, else 'native'."""
    if dataset in NATIVE_IMAGE_SIZES:
        return f"native ({NATIVE_IMAGE_SIZES[dataset]} px)"
    if dataset and os.path.isdir(dataset) and first_picture_size(dataset) is not None:
        return f"{DEFAULT_FOLDER_IMAGE_SIZE} px (folder default)"
    return "native"


def first_picture_size(folder: str) -> tuple[int, int] | None:
    """The (width, height) of a picture of `folder` or of its first sub-folders: a glance at one file's header, the
    folder listed lazily (a flat folder of 200,000 files is not read through)."""
    from PIL import Image

    seen, folders = 0, [folder]
    while folders:
        try:
            entries = os.scandir(folders.pop(0))
        except OSError:
            continue
        with entries:
            for entry in entries:
                seen += 1
                if seen > FOLDER_PEEK_ENTRIES:
                    return None
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    folders.append(entry.path)
                elif entry.name.lower().endswith(IMAGE_EXTENSIONS):
                    try:
                        with Image.open(entry.path) as image:
                            return image.size
                    except OSError:
                        continue
    return None


def set_range(box: QSpinBox, allowed: Range) -> None:
    box.setRange(int(allowed.low), int(allowed.high))


def parse_number(text: str, name: str, example: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ConfigError(f"{name} '{text}' is not a number: type a number such as {example}.") from None


def parse_seed(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"Seed '{text}' is not a whole number: type one such as 0, or leave it empty.") from None


def parse_filters(text: str) -> tuple[int, ...]:
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    try:
        return tuple(int(p) for p in parts)
    except ValueError:
        raise ConfigError(f"Conv filters '{text}' must be whole numbers separated by commas, e.g. 32,64.") from None
