"""The dataset containers and the array checks, resizing and splitting every loader shares."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from vaegui.data.image_array import ImageArray, as_image_array, float_to_pixels, pixels_to_float
from vaegui.errors import DataError

# ITU-R 601-2 luma, the same weights PIL uses for RGB -> "L", so arrays and image folders agree.
LUMA_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass
class ImageSplit:
    """One part (train or test) of a dataset: images read as float32 in [0, 1], and optional integer labels.

    A plain array given as images is wrapped (InMemoryImages), so every split reads the same way.
    """

    images: ImageArray
    labels: np.ndarray | None

    def __post_init__(self) -> None:
        self.images = as_image_array(self.images)
        if self.labels is not None and len(self.labels) != len(self.images):
            raise ValueError(f"ImageSplit has {len(self.images)} images but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.images)


@dataclass
class ImageDataset:
    """A named dataset with a train and a test split, ready for training and exploring."""

    name: str
    train: ImageSplit
    test: ImageSplit
    class_names: list[str] | None
    source: str

    @property
    def image_shape(self) -> tuple[int, int, int]:
        height, width, channels = self.train.images.shape[1:]
        return int(height), int(width), int(channels)

    @property
    def skipped_files(self) -> list[tuple[str, str]]:
        """(path, reason) of each image file in the folder that could not be read, in the order met."""
        return list(getattr(self.train.images, "skipped_files", None) or [])

    def skipped_files_note(self, already: int = 0) -> str | None:
        """A sentence about the unreadable files found after the first `already` (None if none): the CLI
        prints it as a warning, the Training tab shows it beside the run folder."""
        new = self.skipped_files[already:]
        if not new:
            return None
        examples = "; ".join(f"{Path(path).name}: {reason}" for path, reason in new[:3])
        more = f"; and {len(new) - 3} more" if len(new) > 3 else ""
        if already:
            return (
                f"{len(new)} more image file(s) failed to decode during training and were read as black images "
                f"({examples}{more})."
            )
        used = len(self.train) + len(self.test)
        return (
            f"skipped {len(new)} file(s) that could not be read as images; using the other {used} "
            f"({examples}{more})."
        )


def images_to_float(array: np.ndarray, what: str) -> np.ndarray:
    """Return `array` as float32 (N, H, W, C) in [0, 1]; `what` names it in error messages."""
    return pixels_to_float(images_to_pixels(array, what))


def images_to_pixels(array: np.ndarray, what: str) -> np.ndarray:
    """Return `array` as (N, H, W, C) pixels to keep: uint8 for 8-bit data (no copy when it is uint8
    already), else float32 in [0, 1]; `what` names it in error messages."""
    array = np.asarray(array)
    if array.ndim == 3:
        array = array[..., np.newaxis]
    if array.ndim != 4 or array.shape[-1] not in (1, 3):
        raise DataError(
            f"{what} has shape {array.shape}, but images must be (count, height, width) or "
            "(count, height, width, channels) with 1 or 3 channels last. "
            "Re-save the array in one of those shapes."
        )
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * np.uint8(255)
    if np.issubdtype(array.dtype, np.integer):
        return _integer_images_to_pixels(array, what)
    if np.issubdtype(array.dtype, np.floating):
        return _float_images_to_float(array, what)
    raise DataError(
        f"{what} holds values of type {array.dtype}, not numbers. Save the images as uint8 (0-255) or float (0-1)."
    )


def _integer_images_to_pixels(array: np.ndarray, what: str) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    if array.size:
        low, high = int(array.min()), int(array.max())
        # Any integer type is fine as long as it holds 8-bit pixel values (np.save of a list
        # gives int64); larger values would need a scale we cannot guess.
        if low < 0 or high > 255:
            raise DataError(
                f"{what} holds integers from {low} to {high}, but integer pixels must be "
                "0-255. Rescale the images to 0-255 (uint8) or to floats in 0-1."
            )
    return array.astype(np.uint8)


def _float_images_to_float(array: np.ndarray, what: str) -> np.ndarray:
    images = array.astype(np.float32, copy=array.dtype != np.float32)
    if images.size:
        if not np.isfinite(images).all():
            raise DataError(f"{what} contains NaN or infinite values. Remove or replace them and save again.")
        low, high = float(images.min()), float(images.max())
        if low < 0.0 or high > 1.0:
            hint = (
                " They look like 0-255 pixel values: divide by 255 before saving."
                if low >= 0.0 and high <= 255.0
                else ""
            )
            raise DataError(f"{what} holds floats from {low:g} to {high:g}, but float pixels must be in 0-1.{hint}")
    return np.ascontiguousarray(images)


def labels_to_int(array: np.ndarray, count: int, what: str) -> np.ndarray:
    """Return labels as int64 of shape (count,); `what` names them in error messages."""
    labels = np.asarray(array)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise DataError(
            f"{what} has shape {labels.shape}, but labels must be one class number per image, "
            "shape (count,). If they are one-hot, save labels.argmax(axis=1) instead."
        )
    if len(labels) != count:
        raise DataError(
            f"{what} holds {len(labels)} labels but there are {count} images; "
            "there must be exactly one label per image."
        )
    if np.issubdtype(labels.dtype, np.integer) or labels.dtype == np.bool_:
        return labels.astype(np.int64)
    if np.issubdtype(labels.dtype, np.floating) and np.array_equal(labels, np.round(labels)):
        return labels.astype(np.int64)
    raise DataError(
        f"{what} holds values of type {labels.dtype} that are not whole class numbers. "
        "Save labels as integers 0, 1, 2, ..."
    )


def convert_channels(images: np.ndarray, channels: int | None) -> np.ndarray:
    """Turn (N, H, W, C) images into `channels` channels (grey <-> RGB); None keeps them."""
    if channels is None or images.shape[-1] == channels:
        return images
    if channels == 3:
        return np.repeat(images, 3, axis=-1)
    grey = images @ LUMA_WEIGHTS
    return grey[..., np.newaxis].astype(np.float32, copy=False)


def resize_images(images: np.ndarray, image_size: int | None) -> np.ndarray:
    """Centre-crop to square and resize (N, H, W, C) float images with PIL; None keeps them."""
    if image_size is None or images.shape[1:3] == (image_size, image_size):
        return images
    count, _, _, channels = images.shape
    resized = np.empty((count, image_size, image_size, channels), dtype=np.float32)
    for index in range(count):
        for channel in range(channels):
            plane = Image.fromarray(np.ascontiguousarray(images[index, :, :, channel]))
            fitted = ImageOps.fit(plane, (image_size, image_size), Image.Resampling.BICUBIC)
            resized[index, :, :, channel] = np.asarray(fitted)
    # Bicubic overshoots near sharp edges; pixels must stay in [0, 1].
    np.clip(resized, 0.0, 1.0, out=resized)
    return resized


def prepare_images(images: np.ndarray, image_size: int | None, channels: int | None) -> np.ndarray:
    """Apply the requested channel count and size to (N, H, W, C) pixels, keeping their kind (uint8 or float).

    8-bit images are resized and greyed in float, a chunk at a time, and rounded back to 8 bits: they
    stay a quarter of float32's size, and the float copy never exceeds a chunk.
    """
    if images.dtype != np.uint8:
        return _prepare_float_images(images, image_size, channels)
    resized = image_size is not None and images.shape[1:3] != (image_size, image_size)
    if not resized and channels in (None, images.shape[-1], 3):
        return convert_channels(images, channels)  # nothing to compute: grey → RGB repeats the plane
    first = _prepare_float_images(pixels_to_float(images[:1]), image_size, channels)
    prepared = np.empty((len(images), *first.shape[1:]), dtype=np.uint8)
    for start in range(0, len(images), PREPARE_CHUNK):
        chunk = pixels_to_float(images[start : start + PREPARE_CHUNK])
        prepared[start : start + PREPARE_CHUNK] = float_to_pixels(_prepare_float_images(chunk, image_size, channels))
    return prepared


# Images converted to float at a time when 8-bit images are resized or greyed: the float copy of a whole
# dataset would be four times its size in memory.
PREPARE_CHUNK = 4096


def _prepare_float_images(images: np.ndarray, image_size: int | None, channels: int | None) -> np.ndarray:
    # Reduce channels before resizing and add them after: fewer planes go through PIL.
    if channels == 1:
        images = convert_channels(images, 1)
    images = resize_images(images, image_size)
    return convert_channels(images, channels)


def split_indices(
    count: int, labels: np.ndarray | None, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Pick (train, test) positions, each sorted; stratified by label when labels are given.

    The test part holds round(count * test_fraction) positions; each class gets its share,
    the leftover places going to the classes with the largest remainders.
    """
    rng = np.random.default_rng(seed)
    if labels is None or count == 0:
        groups = [np.arange(count)]
    else:
        groups = [np.flatnonzero(labels == value) for value in np.unique(labels)]
    sizes = np.array([len(group) for group in groups])
    shares = sizes * test_fraction
    quotas = np.floor(shares).astype(np.int64)
    # Never the whole set: a tiny source still keeps one image to train on.
    test_count = min(math.floor(count * test_fraction + 0.5), max(count - 1, 0))
    leftover = test_count - int(quotas.sum())
    # Random tie-break (seeded) so equal remainders do not always favour the first classes.
    by_remainder = np.lexsort((rng.random(len(groups)), -(shares - quotas)))
    quotas[by_remainder[:leftover]] += 1
    test_parts = [rng.permutation(group)[:quota] for group, quota in zip(groups, quotas)]
    test = np.sort(np.concatenate(test_parts)).astype(np.int64)
    is_test = np.zeros(count, dtype=bool)
    is_test[test] = True
    return np.flatnonzero(~is_test), test


def take(images: np.ndarray | ImageArray, positions: np.ndarray) -> ImageArray:
    """Select images by position; lazy images stay lazy, stored ones keep their kind."""
    return as_image_array(images).subset(positions)


def build_dataset(
    *,
    name: str,
    source: str,
    train_images: np.ndarray | ImageArray,
    train_labels: np.ndarray | None,
    test_images: np.ndarray | ImageArray | None = None,
    test_labels: np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    test_fraction: float,
    seed: int,
) -> ImageDataset:
    """Assemble an ImageDataset, splitting the train part when the source has no test part."""
    if test_images is None:
        train_positions, test_positions = split_indices(len(train_images), train_labels, test_fraction, seed)
        train = ImageSplit(
            take(train_images, train_positions),
            None if train_labels is None else train_labels[train_positions],
        )
        test = ImageSplit(
            take(train_images, test_positions),
            None if train_labels is None else train_labels[test_positions],
        )
    else:
        train = ImageSplit(train_images, train_labels)
        test = ImageSplit(test_images, test_labels)
    return ImageDataset(
        name=name,
        train=train,
        test=test,
        class_names=None if class_names is None else [str(item) for item in class_names],
        source=source,
    )


def take_subset(dataset: ImageDataset, count: int | None, seed: int) -> ImageDataset:
    """At most `count` of the dataset's images, drawn at random (seeded, so a run reloads the same ones),
    train and test keeping the dataset's own proportion; None, or a count above the size, keeps them all."""
    train_size, test_size = len(dataset.train), len(dataset.test)
    total = train_size + test_size
    if count is None or count >= total:
        return dataset
    test_count = min(math.floor(count * test_size / total + 0.5), count - 1)
    rng = np.random.default_rng(seed)
    parts = []
    for split, kept in ((dataset.train, count - test_count), (dataset.test, test_count)):
        positions = np.sort(rng.permutation(len(split))[:kept])
        labels = None if split.labels is None else split.labels[positions]
        parts.append(ImageSplit(take(split.images, positions), labels))
    return ImageDataset(name=dataset.name, train=parts[0], test=parts[1], class_names=dataset.class_names,
                        source=f"{dataset.source}, {count:,} of its {total:,} images")
