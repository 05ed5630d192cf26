"""Loading images (and optional labels) from a NumPy .npz archive in one of the common layouts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from vaegui.data.dataset import (
    ImageDataset,
    build_dataset,
    images_to_pixels,
    labels_to_int,
    prepare_images,
)
from vaegui.errors import DataError

# (train images, train labels, test images, test labels); labels and the test part are optional.
NPZ_LAYOUTS: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("x_train", "y_train", "x_test", "y_test"),  # keras.datasets' own files, e.g. mnist.npz
    ("x", "y", None, None),
    ("images", "labels", None, None),
    ("arr_0", "arr_1", None, None),  # what np.savez(path, images, labels) writes
)
CLASS_NAMES_KEY = "class_names"


def load_npz(
    path: Path,
    *,
    name: str,
    image_size: int | None,
    channels: int | None,
    test_fraction: float,
    seed: int,
) -> ImageDataset:
    """Load an .npz holding x_train/y_train[/x_test/y_test], x/y or images/labels."""
    try:
        # np.load takes anything that is not a zip for a pickle; say plainly what is wrong.
        with path.open("rb") as handle:
            is_zip = zipfile.is_zipfile(handle)
        if not is_zip:
            raise DataError(
                f"{path} is not a .npz archive (or it is incomplete). "
                "Save the arrays with np.savez and check that the file was copied completely."
            )
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except PermissionError as error:
        raise DataError(f"Cannot read {path}: permission denied. Check the file's permissions.") from error
    except ValueError as error:
        # allow_pickle=False refuses object arrays: they could run code when loaded.
        raise DataError(
            f"{path} holds Python objects, which are not loaded for safety. "
            "Save the images and labels as plain numeric arrays (np.savez)."
        ) from error
    except (OSError, zipfile.BadZipFile, EOFError) as error:
        raise DataError(
            f"{path} cannot be read as a .npz archive ({error}). "
            "Check that it was written with np.savez and is complete."
        ) from error

    layout = next((layout for layout in NPZ_LAYOUTS if layout[0] in arrays), None)
    if layout is None:
        found = ", ".join(sorted(arrays)) or "nothing"
        raise DataError(
            f"{path} holds {found}, but vaegui looks for images under x_train (with y_train, "
            "x_test, y_test), x (with y) or images (with labels). Re-save with one of those names."
        )
    images_key, labels_key, test_images_key, test_labels_key = layout

    def read_part(part_images_key: str, part_labels_key: str | None) -> tuple[np.ndarray, np.ndarray | None]:
        images = images_to_pixels(arrays[part_images_key], f"'{part_images_key}' in {path}")
        labels = None
        if part_labels_key is not None and part_labels_key in arrays:
            labels = labels_to_int(arrays[part_labels_key], len(images), f"'{part_labels_key}' in {path}")
        return prepare_images(images, image_size, channels), labels

    train_images, train_labels = read_part(images_key, labels_key)
    test_images = test_labels = None
    if test_images_key is not None and test_images_key in arrays:
        test_images, test_labels = read_part(test_images_key, test_labels_key)
        if test_images.shape[1:] != train_images.shape[1:]:
            raise DataError(
                f"In {path}, '{images_key}' images are {train_images.shape[1:]} but "
                f"'{test_images_key}' images are {test_images.shape[1:]}; both parts must "
                "have the same height, width and channels."
            )

    class_names = None
    if CLASS_NAMES_KEY in arrays:
        class_names = [str(item) for item in np.asarray(arrays[CLASS_NAMES_KEY]).ravel()]
    return build_dataset(
        name=name,
        source=str(path.resolve()),
        train_images=train_images,
        train_labels=train_labels,
        test_images=test_images,
        test_labels=test_labels,
        class_names=class_names,
        test_fraction=test_fraction,
        seed=seed,
    )
