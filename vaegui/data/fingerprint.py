"""A dataset's fingerprint: its image shape, class count, split sizes and a hash of a fixed sample, to recognise it."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from vaegui.data.dataset import ImageDataset, ImageSplit

# Images hashed per split, spread evenly over it: enough to tell datasets apart, few enough to cost
# milliseconds even for an image folder decoded from disk. Every label is hashed (they are small).
SAMPLE_PER_SPLIT = 64
# Of an image file, its first bytes are hashed: enough to tell files apart without reading whole photos.
FILE_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class DatasetFingerprint:
    """What a run records about the data it was trained on, to accept that data again when it has moved."""

    image_shape: tuple[int, int, int]
    class_count: int | None  # None: unlabelled
    train_count: int
    test_count: int
    digest: str  # sha256 of every label and a fixed sample of images (quantised to 8 bits, or files' bytes)

    @classmethod
    def of(cls, dataset: ImageDataset) -> DatasetFingerprint:
        content = hashlib.sha256()
        for name, split in (("train", dataset.train), ("test", dataset.test)):
            content.update(name.encode())
            _hash_split(content, split)
        return cls(
            image_shape=tuple(int(side) for side in dataset.image_shape),
            class_count=_class_count(dataset),
            train_count=len(dataset.train),
            test_count=len(dataset.test),
            digest=content.hexdigest(),
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "image_shape": list(self.image_shape)}

    @classmethod
    def from_dict(cls, raw: Any) -> DatasetFingerprint | None:
        """The fingerprint a run's state.json holds (None when absent or unreadable: an older run)."""
        try:
            return cls(
                image_shape=tuple(int(side) for side in raw["image_shape"]),
                class_count=None if raw["class_count"] is None else int(raw["class_count"]),
                train_count=int(raw["train_count"]),
                test_count=int(raw["test_count"]),
                digest=str(raw["digest"]),
            )
        except (TypeError, KeyError, ValueError):
            return None

    def differences(self, other: DatasetFingerprint, other_name: str) -> list[str]:
        """How `other` (called `other_name`) differs from this recorded fingerprint, in words; [] when it matches."""
        found = []
        if other.image_shape != self.image_shape:
            found.append(f"{other_name} has {shape_text(other.image_shape)} images, the run was trained on "
                         f"{shape_text(self.image_shape)}")
        if other.class_count != self.class_count:
            found.append(f"{other_name} has {classes_text(other.class_count)}, the run was trained on "
                         f"{classes_text(self.class_count)}")
        if (other.train_count, other.test_count) != (self.train_count, self.test_count):
            found.append(f"{other_name} has {other.train_count} training and {other.test_count} test images, the "
                         f"run was trained on {self.train_count} and {self.test_count}")
        if not found and other.digest != self.digest:
            found.append(f"{other_name} holds other images or labels than the run was trained on (same size, classes "
                         "and counts, but their content differs, or they are split differently)")
        return found


def shape_text(shape: tuple[int, int, int]) -> str:
    height, width, channels = shape
    return f"{height}×{width} {'RGB' if channels == 3 else 'grayscale'}"


def classes_text(count: int | None) -> str:
    return "no labels" if count is None else f"{count} class{'es' if count != 1 else ''}"


def _class_count(dataset: ImageDataset) -> int | None:
    if dataset.class_names:
        return len(dataset.class_names)
    labels = [split.labels for split in (dataset.train, dataset.test) if split.labels is not None and len(split)]
    return int(len(np.unique(np.concatenate(labels)))) if labels else None


def _hash_split(content, split: ImageSplit) -> None:
    count = len(split)
    content.update(str(count).encode())
    if split.labels is not None:
        content.update(np.ascontiguousarray(split.labels, dtype="<i8").tobytes())
    if not count:
        return
    positions = np.unique(np.linspace(0, count - 1, min(SAMPLE_PER_SPLIT, count)).astype(np.int64))
    paths = getattr(split.images, "paths", None)
    if paths is not None:
        # An image folder: the files themselves. Decoding them here would report broken files before
        # training meets them, and costs more.
        for position in positions:
            content.update(_file_head(paths[position]))
        return
    images = np.asarray(split.images[positions], dtype=np.float32)
    # Quantised to the 8 bits images are stored in: the same data hashes alike however it is held.
    content.update(np.round(images * 255.0).astype(np.uint8).tobytes())


def _file_head(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(FILE_HEAD_BYTES)
    except OSError as error:
        return type(error).__name__.encode()
