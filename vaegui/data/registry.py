"""The named datasets (digits, mnist, fashion_mnist) and `load_dataset`, which also takes paths."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vaegui.cancel import CancelToken
from vaegui.config import CHANNELS, IMAGE_SIZE, SEED, SUBSET, TEST_FRACTION
from vaegui.data.dataset import (
    ImageDataset,
    build_dataset,
    images_to_float,
    images_to_pixels,
    labels_to_int,
    prepare_images,
    take_subset,
)
from vaegui.data.idx import IMAGES_PATTERN, has_idx_images, load_idx_folder
from vaegui.data.image_folder import IMAGE_EXTENSIONS, load_image_folder
from vaegui.data.npz import load_npz
from vaegui.errors import DataError

DIGIT_CLASS_NAMES = [str(digit) for digit in range(10)]
FASHION_MNIST_CLASS_NAMES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

FASHION_MNIST_DIR_ENV = "VAEGUI_FASHION_MNIST_DIR"
MNIST_DIR_ENV = "VAEGUI_MNIST_DIR"


def _keras_dataset_dirs(sub_folder: str = "") -> tuple[str, ...]:
    """Where keras.datasets caches downloads: $KERAS_HOME, ~/.keras, or /tmp/.keras."""
    homes = [os.environ["KERAS_HOME"]] if os.environ.get("KERAS_HOME") else []
    homes += ["~/.keras", "/tmp/.keras"]
    return tuple(os.path.join(home, "datasets", sub_folder).rstrip("/") for home in homes)


# Searched in order (after the folder named by the environment variable, when set); tests and
# other machines can replace these tuples. Debian's dataset-fashion-mnist installs the first.
FASHION_MNIST_DIRS: tuple[str, ...] = (
    "/usr/share/datasets/fashion-mnist",
    *_keras_dataset_dirs("fashion-mnist"),
)
MNIST_DIRS: tuple[str, ...] = ("/usr/share/datasets/mnist", *_keras_dataset_dirs())
MNIST_NPZ_NAME = "mnist.npz"  # the file name keras.datasets.mnist caches


def dataset_names() -> list[str]:
    """The names `load_dataset` knows besides paths; the first one is the default."""
    return list(_REGISTRY)


def registry_key(text: str | os.PathLike[str]) -> str | None:
    """The built-in dataset `text` names ("Fashion-MNIST" → "fashion_mnist"), or None when it is a path."""
    key = os.fspath(text).strip().lower().replace("-", "_")
    return key if key in _REGISTRY else None


def offline_dataset_names() -> list[str]:
    """The named datasets that load without the network here, best first (28×28 real images before 8×8 digits)."""
    found = []
    for name, env_var, defaults in (("fashion_mnist", FASHION_MNIST_DIR_ENV, FASHION_MNIST_DIRS),
                                    ("mnist", MNIST_DIR_ENV, MNIST_DIRS)):
        for folder in _search_dirs(env_var, defaults):
            if (name == "mnist" and (folder / MNIST_NPZ_NAME).is_file()) or (
                    _has_idx_pair(folder, "train") and _has_idx_pair(folder, "t10k")):
                found.append(name)
                break
    return [*found, "digits"]


def load_dataset(
    name_or_path: str | os.PathLike[str],
    *,
    image_size: int | None = None,
    channels: int | None = None,
    test_fraction: float = 0.1,
    seed: int = 0,
    subset: int | None = None,
    progress: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
) -> ImageDataset:
    """Load a named dataset, a folder of images or IDX files, or an .npz file; a folder's long scan says what it
    does, with counts, to `progress`, and ends with Cancelled soon after `cancel` is set.

    A registry name wins over a folder of the same name; write ./digits for the folder.
    `image_size` resizes to a square (folders default to 64); `channels` 1 or 3 converts
    (folders default to 3); sources without a test part are split by `test_fraction`;
    `subset` keeps that many images, drawn with `seed` (the same ones every time).
    """
    _check_options(image_size, channels, test_fraction, seed, subset)
    whole = _load_whole(name_or_path, image_size, channels, test_fraction, seed, progress, cancel)
    return take_subset(whole, subset, seed)


def _load_whole(name_or_path: str | os.PathLike[str], image_size: int | None, channels: int | None,
                test_fraction: float, seed: int, progress: Callable[[str], None] | None = None,
                cancel: CancelToken | None = None) -> ImageDataset:
    text = os.fspath(name_or_path)
    key = registry_key(text)
    options = {
        "image_size": image_size,
        "channels": channels,
        "test_fraction": test_fraction,
        "seed": seed,
    }
    if key is not None:
        return _REGISTRY[key](**options)

    path = Path(text).expanduser()
    if not path.exists():
        names = ", ".join(dataset_names())
        raise DataError(
            f"'{text}' is neither a built-in dataset ({names}) nor an existing file or folder. "
            "Give one of those names, or the path to a folder of images, a folder of IDX "
            "files or an .npz file."
        )
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            raise DataError(
                f"Cannot open the folder {path}: permission denied. Check its permissions "
                "(it must be readable and openable) or choose another folder."
            )
        if has_idx_images(path):
            return load_idx_folder(path, name=text, **options)
        return load_image_folder(path, name=text, progress=progress, cancel=cancel, **options)
    if not os.access(path, os.R_OK):
        raise DataError(f"Cannot read {path}: permission denied. Check the file's permissions or choose another file.")
    if path.suffix.lower() == ".npz":
        return load_npz(path, name=text, **options)
    if IMAGES_PATTERN.search(path.name):
        raise DataError(f"{path} is a single IDX file. Give the folder that holds it (with its labels file) instead.")
    raise DataError(
        f"{path} is not a dataset vaegui can read. Give a folder of images "
        f"({', '.join(IMAGE_EXTENSIONS)}), a folder of IDX files, or an .npz file."
    )


def _check_options(
    image_size: int | None, channels: int | None, test_fraction: float, seed: int, subset: int | None
) -> None:
    """The same ranges as a run's settings (vaegui.config), said in the loader's words."""
    if image_size is not None and (
        isinstance(image_size, bool)
        or not isinstance(image_size, (int, np.integer))
        or int(image_size) not in IMAGE_SIZE
    ):
        raise DataError(
            f"Image size {image_size!r} is not possible: give a whole number of pixels "
            f"from {IMAGE_SIZE.low} to {IMAGE_SIZE.high} (e.g. 28 or 64), or leave it empty for the native size."
        )
    if channels is not None and channels not in CHANNELS:
        raise DataError(f"Channels {channels!r} is not possible: give 1 (grey) or 3 (colour), or leave it empty.")
    if isinstance(test_fraction, bool) or test_fraction not in TEST_FRACTION:
        raise DataError(
            f"Test fraction {test_fraction!r} is not possible: give a number from {TEST_FRACTION.low:g} "
            f"(no test images) to {TEST_FRACTION.high:g}, e.g. 0.1."
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or int(seed) not in SEED:
        raise DataError(f"Seed {seed!r} is not possible: give a whole number from {SEED.low} to {SEED.high}.")
    if subset is not None and (
        isinstance(subset, bool) or not isinstance(subset, (int, np.integer)) or int(subset) not in SUBSET
    ):
        raise DataError(
            f"Subset {subset!r} is not possible: give a whole number of images from {SUBSET.low:,} to "
            f"{SUBSET.high:,}, or leave it empty for all of them."
        )


def _load_digits(*, image_size: int | None, channels: int | None, test_fraction: float, seed: int) -> ImageDataset:
    # Imported here: scikit-learn takes about a second to import and only digits needs it.
    from sklearn.datasets import load_digits

    bunch = load_digits()
    # Pixel values are 0..16 (4-bit counts of an 8x8 grid over 32x32 bitmaps).
    images = prepare_images(
        images_to_float(bunch.images.astype(np.float32) / 16.0, "scikit-learn digits"),
        image_size,
        channels,
    )
    labels = labels_to_int(bunch.target, len(images), "scikit-learn digits labels")
    return build_dataset(
        name="digits",
        source="scikit-learn bundled digits",
        train_images=images,
        train_labels=labels,
        class_names=DIGIT_CLASS_NAMES,
        test_fraction=test_fraction,
        seed=seed,
    )


def _search_dirs(env_var: str, defaults: Sequence[str]) -> list[Path]:
    folders = [os.environ[env_var]] if os.environ.get(env_var) else []
    return [Path(folder).expanduser() for folder in (*folders, *defaults)]


def _has_idx_pair(folder: Path, prefix: str) -> bool:
    return any((folder / f"{prefix}-images-idx3-ubyte{suffix}").is_file() for suffix in ("", ".gz"))


def _load_mnist_like(
    name: str,
    display_name: str,
    env_var: str,
    search_dirs: Sequence[str],
    class_names: list[str],
    *,
    image_size: int | None,
    channels: int | None,
    test_fraction: float,
    seed: int,
) -> ImageDataset:
    options = {
        "image_size": image_size,
        "channels": channels,
        "test_fraction": test_fraction,
        "seed": seed,
    }
    folders = _search_dirs(env_var, search_dirs)
    for folder in folders:
        if name == "mnist" and (folder / MNIST_NPZ_NAME).is_file():
            dataset = load_npz(folder / MNIST_NPZ_NAME, name=name, **options)
        elif _has_idx_pair(folder, "train") and _has_idx_pair(folder, "t10k"):
            dataset = load_idx_folder(folder, name=name, **options)
        else:
            continue
        dataset.class_names = list(class_names)
        return dataset

    x_train, y_train, x_test, y_test, cache = _download_with_keras(name, display_name, env_var, folders)
    where = f"keras.datasets.{name}"
    train_images = prepare_images(images_to_pixels(x_train, where), image_size, channels)
    test_images = prepare_images(images_to_pixels(x_test, where), image_size, channels)
    return build_dataset(
        name=name,
        source=f"Keras download ({cache})",
        train_images=train_images,
        train_labels=labels_to_int(y_train, len(train_images), f"{where} labels"),
        test_images=test_images,
        test_labels=labels_to_int(y_test, len(test_images), f"{where} labels"),
        class_names=class_names,
        test_fraction=test_fraction,
        seed=seed,
    )


def _download_with_keras(
    name: str, display_name: str, env_var: str, searched: Sequence[Path]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]:
    """Fetch `name` with keras.datasets (a real download); return arrays and the cache folder."""
    looked_in = ", ".join(str(folder) for folder in searched)
    remedy = (
        f"Copy the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
        f"t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) into one of those folders, "
        f"or set {env_var} to the folder that holds them."
    )
    try:
        # Imported here only: Keras pulls in TensorFlow, which takes seconds to import.
        import keras
    except ImportError as error:
        raise DataError(
            f"{display_name} is not on this computer (looked in {looked_in}) and Keras, "
            f"which could download it, is not installed. {remedy}"
        ) from error
    try:
        (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    except Exception as error:  # network, disk and checksum failures all end up here
        raise DataError(
            f"{display_name} is not on this computer (looked in {looked_in}) and downloading "
            f"it failed: {error}. Connect to the internet and try again, or: {remedy}"
        ) from error
    sub_folder = "fashion-mnist" if name == "fashion_mnist" else ""
    return x_train, y_train, x_test, y_test, _keras_dataset_dirs(sub_folder)[0]


def _load_mnist(**options: Any) -> ImageDataset:
    return _load_mnist_like("mnist", "MNIST", MNIST_DIR_ENV, MNIST_DIRS, DIGIT_CLASS_NAMES, **options)


def _load_fashion_mnist(**options: Any) -> ImageDataset:
    return _load_mnist_like(
        "fashion_mnist",
        "Fashion-MNIST",
        FASHION_MNIST_DIR_ENV,
        FASHION_MNIST_DIRS,
        FASHION_MNIST_CLASS_NAMES,
        **options,
    )


_REGISTRY: dict[str, Callable[..., ImageDataset]] = {
    "digits": _load_digits,
    "mnist": _load_mnist,
    "fashion_mnist": _load_fashion_mnist,
}
