"""Reading IDX files (the MNIST format), plain or gzip-compressed, and folders of them."""

from __future__ import annotations

import math
import os
import re
import struct
import zlib
from collections.abc import Sequence
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

IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions: count, rows, columns
LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension: count
GZIP_SIGNATURE = b"\x1f\x8b"
GZIP_WBITS = 16 + zlib.MAX_WBITS  # zlib's code for "a gzip header and trailer around the deflate data"
GUNZIP_STEP_BYTES = 1 << 20

IMAGES_PATTERN = re.compile(r"idx3-ubyte(\.gz)?$", re.IGNORECASE)
LABELS_PATTERN = re.compile(r"idx1-ubyte(\.gz)?$", re.IGNORECASE)


def read_idx(path: Path, expected_magic: int) -> np.ndarray:
    """Read an IDX file of unsigned bytes, checking its marker and length against its header."""
    kind = "image" if expected_magic == IMAGES_MAGIC else "label"
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise DataError(f"{path} is too short to be an IDX {kind} file ({len(raw)} bytes). Download the file again.")
    magic = int.from_bytes(raw[:4], "big")
    if magic != expected_magic:
        raise DataError(
            f"{path} is not an IDX {kind} file: it starts with 0x{magic:08X}, expected "
            f"0x{expected_magic:08X}. Check that it is the {kind} file of the pair "
            f"(…-idx{expected_magic & 0xFF}-ubyte) and download it again if it is damaged."
        )
    dimension_count = expected_magic & 0xFF
    header_size = 4 + 4 * dimension_count
    if len(raw) < header_size:
        raise DataError(f"{path} is truncated: it ends inside its {header_size}-byte header. Download the file again.")
    dimensions = struct.unpack(f">{dimension_count}I", raw[4:header_size])
    expected_size = math.prod(dimensions)
    actual_size = len(raw) - header_size
    described = _describe(dimensions)
    if actual_size < expected_size:
        raise DataError(
            f"{path} is truncated: its header announces {described} ({expected_size} bytes) "
            f"but only {actual_size} bytes follow. Download the file again."
        )
    if actual_size > expected_size:
        raise DataError(
            f"{path} is damaged: its header announces {described} ({expected_size} bytes) "
            f"but {actual_size} bytes follow. Download the file again."
        )
    return np.frombuffer(raw, dtype=np.uint8, count=expected_size, offset=header_size).reshape(dimensions)


def _describe(dimensions: Sequence[int]) -> str:
    if len(dimensions) == 1:
        return f"{dimensions[0]} labels"
    count, *size = dimensions
    return f"{count} images of {'×'.join(str(side) for side in size)} pixels"


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except PermissionError as error:
        raise DataError(f"Cannot read {path}: permission denied. Check the file's permissions.") from error
    except OSError as error:
        raise DataError(f"Cannot read {path}: {error.strerror or error}.") from error
    # Detect compression by content, not by name: files get renamed or unpacked in place.
    if raw[:2] != GZIP_SIGNATURE:
        return raw
    try:
        return _gunzip(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"{path} is a damaged gzip file ({error}). Download the file again.") from error


def _gunzip(raw: bytes) -> bytes:
    """gzip.decompress, fed GUNZIP_STEP_BYTES at a time.

    One gzip.decompress call holds the GIL while it gathers its output (~130 ms for Fashion-MNIST's
    47 MB), which froze the window while a worker thread loaded the data.
    """
    parts: list[bytes] = []
    view = memoryview(raw)
    start = 0
    while start < len(raw):  # a gzip file may hold several members, one after another
        member = zlib.decompressobj(wbits=GZIP_WBITS)
        position = start
        while not member.eof and position < len(raw):
            parts.append(member.decompress(view[position : position + GUNZIP_STEP_BYTES]))
            position = min(position + GUNZIP_STEP_BYTES, len(raw))
        if not member.eof:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        start = position - len(member.unused_data)
    return b"".join(parts)


def has_idx_images(folder: Path) -> bool:
    """True when `folder` directly holds at least one IDX image file."""
    try:
        # scandir, not Path.iterdir: no Path object for each name, which adds up in a folder of many photos.
        with os.scandir(folder) as entries:
            return any(IMAGES_PATTERN.search(entry.name) and entry.is_file() for entry in entries)
    except OSError:
        return False


def _role(file_name: str) -> str:
    lowered = file_name.lower()
    if lowered.startswith("train"):
        return "train"
    if lowered.startswith(("t10k", "test")):
        return "test"
    return "all"


def _files_by_role(folder: Path, pattern: re.Pattern[str], kind: str) -> dict[str, Path]:
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if pattern.search(path.name) and path.is_file():
            found.setdefault(_role(path.name), []).append(path)
    chosen: dict[str, Path] = {}
    for role, paths in found.items():
        if len({path.name.lower().removesuffix(".gz") for path in paths}) > 1:
            names = ", ".join(path.name for path in paths)
            raise DataError(
                f"{folder} holds several IDX {kind} files for the same part ({names}). "
                "Keep one, or name them train-… and t10k-…."
            )
        # `gunzip -k` leaves both forms side by side with the same data; plain reads faster.
        chosen[role] = min(paths, key=lambda path: path.name.lower().endswith(".gz"))
    return chosen


def load_idx_folder(
    folder: Path,
    *,
    name: str,
    image_size: int | None,
    channels: int | None,
    test_fraction: float,
    seed: int,
    class_names: Sequence[str] | None = None,
) -> ImageDataset:
    """Load train-* / t10k-* IDX pairs from `folder`, or a single pair split by `test_fraction`."""
    images = _files_by_role(folder, IMAGES_PATTERN, "image")
    labels = _files_by_role(folder, LABELS_PATTERN, "label")
    if not images:
        raise DataError(f"No IDX image file (…-idx3-ubyte or …-idx3-ubyte.gz) found in {folder}.")

    def read_pair(role: str) -> tuple[np.ndarray, np.ndarray | None]:
        images_path = images[role]
        labels_path = labels.get(role)
        if labels_path is None and len(images) == 1 and len(labels) == 1:
            labels_path = next(iter(labels.values()))
        pixels = read_idx(images_path, IMAGES_MAGIC)
        prepared = prepare_images(images_to_pixels(pixels, str(images_path)), image_size, channels)
        if labels_path is None:
            return prepared, None
        raw_labels = read_idx(labels_path, LABELS_MAGIC)
        if len(raw_labels) != len(pixels):
            raise DataError(
                f"{labels_path} holds {len(raw_labels)} labels but {images_path} holds "
                f"{len(pixels)} images; they must match. Check that both files belong to the "
                "same set (train-… with train-…, t10k-… with t10k-…) and are complete."
            )
        return prepared, labels_to_int(raw_labels, len(pixels), str(labels_path))

    source = str(folder.resolve())
    if "train" in images and "test" in images:
        train_images, train_labels = read_pair("train")
        test_images, test_labels = read_pair("test")
        return build_dataset(
            name=name,
            source=source,
            train_images=train_images,
            train_labels=train_labels,
            test_images=test_images,
            test_labels=test_labels,
            class_names=class_names,
            test_fraction=test_fraction,
            seed=seed,
        )
    if len(images) > 1:
        names = ", ".join(path.name for path in images.values())
        raise DataError(
            f"{folder} holds several IDX image files ({names}) and it is unclear which is "
            "which. Name them train-images-idx3-ubyte and t10k-images-idx3-ubyte, or keep one."
        )
    all_images, all_labels = read_pair(next(iter(images)))
    return build_dataset(
        name=name,
        source=source,
        train_images=all_images,
        train_labels=all_labels,
        class_names=class_names,
        test_fraction=test_fraction,
        seed=seed,
    )
