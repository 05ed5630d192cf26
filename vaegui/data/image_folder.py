"""Folders of image files, flat or one sub-folder per class, decoded lazily on indexing."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from vaegui.cancel import CancelToken
from vaegui.data.dataset import ImageDataset, build_dataset
from vaegui.data.image_array import float_to_pixels, pixels_to_float
from vaegui.data.scan_progress import ScanProgress
from vaegui.data.verified_images import VerifiedImages
from vaegui.errors import DataError

logger = logging.getLogger(__name__)

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm", ".pbm", ".pnm")
DEFAULT_FOLDER_IMAGE_SIZE = 64
DEFAULT_FOLDER_CHANNELS = 3
EXIF_ORIENTATION_TAG = 0x0112
HIGH_BIT_DEPTH_MODES = ("I", "I;16", "I;16L", "I;16B", "I;16N")
ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")
# Batches at least this long, of files at least this big, are decoded on several threads: PIL
# releases the GIL while it decodes and resizes, so a batch of photos goes faster with the cores
# there are. Small files (MNIST-sized PNGs) are mostly Python around a tiny decode, and threads
# only fight over the GIL: slower than one thread.
PARALLEL_DECODE_MIN_BATCH = 16
PARALLEL_DECODE_MIN_FILE_BYTES = 4096
FILE_SIZE_SAMPLE = 32
MAX_DECODE_THREADS = 8
CANCEL_CHECK_FILES = 256  # a scan checks its cancel token this often (a header read is ~50 µs to a few ms)

_decode_pool: ThreadPoolExecutor | None = None
_decode_pool_pid = 0
_decode_pool_lock = threading.Lock()
_skipped_files_lock = threading.Lock()


def _shared_decode_pool() -> ThreadPoolExecutor | None:
    """One pool per process, made on first use; None on a single core."""
    global _decode_pool, _decode_pool_pid
    threads = min(MAX_DECODE_THREADS, os.cpu_count() or 1)
    if threads < 2:
        return None
    with _decode_pool_lock:
        # A forked worker (e.g. a multiprocessing data loader) inherits the pool object but
        # not its threads; work sent to it would wait forever, so it gets its own pool.
        if _decode_pool is None or _decode_pool_pid != os.getpid():
            _decode_pool = ThreadPoolExecutor(threads, thread_name_prefix="vaegui-decode")
            _decode_pool_pid = os.getpid()
        return _decode_pool


def decode_image(path: str, image_size: int, channels: int) -> np.ndarray:
    """Decode one file to uint8 (image_size, image_size, channels), centre-cropped (16-bit images rounded to 8)."""
    with Image.open(path) as image:
        if image.format == "JPEG":
            # Let libjpeg scale down while decoding (up to 8x): far less work for big photos.
            image.draft(None, (image_size, image_size))
        image.load()
        if image.getexif().get(EXIF_ORIENTATION_TAG, 1) != 1:
            image = ImageOps.exif_transpose(image)
        image = _to_standard_mode(image, channels)
        fitted = ImageOps.fit(image, (image_size, image_size), Image.Resampling.BICUBIC)
    if fitted.mode == "F":
        # Float planes (from 16-bit files) are in [0, 1]; bicubic may overshoot slightly.
        pixels = float_to_pixels(np.asarray(fitted, dtype=np.float32))
    else:
        pixels = np.asarray(fitted, dtype=np.uint8)
    if pixels.ndim == 2:
        pixels = pixels[..., np.newaxis]
    if pixels.shape[-1] != channels:
        pixels = np.repeat(pixels, channels, axis=-1)
    return pixels


def _to_standard_mode(image: Image.Image, channels: int) -> Image.Image:
    """Bring any PIL mode to "L", "RGB" or (for high bit depths) "F" in [0, 1]."""
    mode = image.mode
    if mode in HIGH_BIT_DEPTH_MODES:
        # 16-bit PNG/TIFF greys; PIL's own convert("L") would clip instead of scaling.
        plane = np.asarray(image, dtype=np.float32) / 65535.0
        return Image.fromarray(np.clip(plane, 0.0, 1.0))
    if mode == "F":
        plane = np.asarray(image, dtype=np.float32)
        if plane.size and plane.max() > 1.0:
            plane = plane / 255.0
        return Image.fromarray(np.clip(plane, 0.0, 1.0))
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode == "1":
        image = image.convert("L")
    if image.mode in ALPHA_MODES:
        # Transparent areas become black, the same for every file, whatever RGB they hide.
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        image = Image.alpha_composite(background, rgba).convert("RGB")
    target = "L" if channels == 1 else "RGB"
    if image.mode != target:
        image = image.convert(target)
    return image


class LazyImages:
    """Image files that behave like a read-only float32 array (N, H, W, C) in [0, 1], decoded on indexing.

    Only the file list is kept in memory; `pixels(index)` gives the decoded uint8 pixels themselves.
    Files that could not be decoded are listed in `skipped_files` as (path, reason); one that passed
    the scan but fails when decoded (e.g. a truncated JPEG) is added there and read as a black image,
    so training goes on.
    """

    dtype = np.dtype(np.float32)
    pixel_dtype = np.dtype(np.uint8)
    ndim = 4

    def __init__(
        self,
        paths: Sequence[str],
        image_size: int,
        channels: int,
        skipped_files: list[tuple[str, str]] | None = None,
    ) -> None:
        self.paths: tuple[str, ...] = tuple(paths)
        self.image_size = image_size
        self.channels = channels
        # Shared between the splits of one folder, so each one reports every skipped file.
        self.skipped_files: list[tuple[str, str]] = [] if skipped_files is None else skipped_files
        self._files_are_big: bool | None = None  # decided on the first large batch

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return len(self.paths), self.image_size, self.image_size, self.channels

    def __len__(self) -> int:
        return len(self.paths)

    def __repr__(self) -> str:
        return f"LazyImages(shape={self.shape}, skipped={len(self.skipped_files)})"

    def __getitem__(self, index: int | slice | np.ndarray | Sequence[int]) -> np.ndarray:
        return pixels_to_float(self.pixels(index))

    def pixels(self, index: int | slice | np.ndarray | Sequence[int]) -> np.ndarray:
        """The decoded uint8 pixels of the images at `index`."""
        if isinstance(index, (int, np.integer)):
            return self._decode(self._position(int(index)))
        positions = self._positions(index)
        batch = np.empty((len(positions), *self.shape[1:]), dtype=np.uint8)
        pool = self._decode_pool() if len(positions) >= PARALLEL_DECODE_MIN_BATCH else None
        decoded = map(self._decode, positions) if pool is None else pool.map(self._decode, positions)
        for row, image in enumerate(decoded):
            batch[row] = image
        return batch

    def __array__(self, dtype: np.dtype | None = None, copy: bool | None = None) -> np.ndarray:
        # np.asarray(lazy) decodes everything: meant for small folders and tests.
        batch = self[:]
        return batch if dtype is None else batch.astype(dtype)

    def _decode_pool(self) -> ThreadPoolExecutor | None:
        """The shared decoding threads when these files are big enough to gain from them, else None."""
        if self._files_are_big is None:
            sizes = []
            for path in self.paths[:: max(1, len(self.paths) // FILE_SIZE_SAMPLE)][:FILE_SIZE_SAMPLE]:
                try:
                    sizes.append(os.path.getsize(path))
                except OSError:
                    pass  # reported when it is decoded
            self._files_are_big = bool(sizes) and float(np.median(sizes)) >= PARALLEL_DECODE_MIN_FILE_BYTES
        return _shared_decode_pool() if self._files_are_big else None

    def subset(self, positions: Sequence[int] | np.ndarray) -> LazyImages:
        """A LazyImages over some of these files, still lazy, sharing `skipped_files`."""
        return LazyImages(
            [self.paths[position] for position in self._positions(positions)],
            self.image_size,
            self.channels,
            self.skipped_files,
        )

    def _position(self, index: int) -> int:
        count = len(self.paths)
        if not -count <= index < count:
            raise IndexError(f"image index {index} is out of range for {count} images")
        return index % count

    def _positions(self, index: slice | np.ndarray | Sequence[int]) -> list[int]:
        if isinstance(index, slice):
            return list(range(len(self.paths))[index])
        selection = np.asarray(index)
        if selection.dtype == np.bool_:
            if selection.shape != (len(self.paths),):
                raise IndexError(f"boolean mask of shape {selection.shape} does not match {len(self.paths)} images")
            return np.flatnonzero(selection).tolist()
        if selection.size == 0:
            return []
        if selection.ndim != 1 or not np.issubdtype(selection.dtype, np.integer):
            raise TypeError(
                "LazyImages can be indexed by an int, a slice, a boolean mask or a 1-D array "
                f"of ints, not {type(index).__name__}"
            )
        return [self._position(int(position)) for position in selection]

    def _decode(self, position: int) -> np.ndarray:
        path = self.paths[position]
        try:
            return decode_image(path, self.image_size, self.channels)
        except Exception as error:  # PIL raises many types for damaged files
            with _skipped_files_lock:
                if all(skipped_path != path for skipped_path, _ in self.skipped_files):
                    self.skipped_files.append((path, f"cannot be decoded: {error}"))
                    logger.warning("Reading %s as a black image: %s", path, error)
            return np.zeros(self.shape[1:], dtype=np.uint8)


@dataclass
class FolderScan:
    """What a scan of an image folder found: readable files, their labels, and the rest."""

    paths: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)


def check_image_file(path: str, size: int) -> str | None:
    """Why `path` cannot be used as an image, or None when its header reads fine."""
    if size == 0:
        return "empty file (0 bytes)"
    try:
        # Reads the header (and, for PNG, checks every chunk) without decoding pixels.
        with Image.open(path) as image:
            image.verify()
    except PermissionError:
        return "permission denied: check the file's permissions"
    except Exception as error:  # PIL raises many types for bad files
        return f"cannot be decoded: {error}"
    return None


def _visible_entries(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as entries:
        return sorted(
            (entry for entry in entries if not entry.name.startswith(".")),
            key=lambda entry: entry.name,
        )


def _is_image_name(name: str) -> bool:
    return name.lower().endswith(IMAGE_EXTENSIONS)


def _add_checked_files(entries: Sequence[os.DirEntry[str]], label: int, scan: FolderScan,
                       verified: VerifiedImages, progress: ScanProgress | None = None,
                       cancel: CancelToken | None = None) -> int:
    added = 0
    for number, entry in enumerate(entries):
        if cancel is not None and number % CANCEL_CHECK_FILES == 0:
            cancel.raise_if_cancelled()
        if progress is not None:
            progress.checked()
        try:
            status = entry.stat()
        except OSError as error:
            scan.skipped_files.append((entry.path, f"cannot be read: {error.strerror}"))
            continue
        size, time_ns = status.st_size, status.st_mtime_ns
        reason = None if verified.is_known(entry.path, size, time_ns) else check_image_file(entry.path, size)
        if reason is None:
            verified.add(entry.path, size, time_ns)
            scan.paths.append(entry.path)
            scan.labels.append(label)
            added += 1
        else:
            scan.skipped_files.append((entry.path, reason))
    return added


def _image_files_below(folder: str, scan: FolderScan, cancel: CancelToken | None = None) -> list[os.DirEntry[str]]:
    """Image files in `folder` and its sub-folders, in a stable (sorted) order."""
    if cancel is not None:
        cancel.raise_if_cancelled()
    files = []
    try:
        entries = _visible_entries(folder)
    except OSError as error:
        scan.skipped_files.append((folder, f"cannot open folder: {error.strerror}"))
        return files
    for entry in entries:
        # Linked folders below a class folder are not followed: a link to a parent would loop.
        if entry.is_dir(follow_symlinks=False):
            files.extend(_image_files_below(entry.path, scan, cancel))
        elif entry.is_file() and _is_image_name(entry.name):
            files.append(entry)
    return files


def scan_image_folder(folder: Path, progress: Callable[[str], None] | None = None,
                      cancel: CancelToken | None = None) -> FolderScan:
    """List the readable images of `folder` without decoding them; `progress` is told, in words, what is done
    ("Checking the pictures: 12,000 of 30,000 files"), a few times a second; Cancelled soon after `cancel` is set.

    Layout: image files directly in `folder` make a flat, unlabelled set (sub-folders are then
    ignored). Otherwise each sub-folder is a class (its files found recursively), labelled by
    its index in the sorted sub-folder names; with only one such class the set is unlabelled.
    """
    say = ScanProgress(progress)
    say.now(f"Listing the pictures in {folder.name}…")
    try:
        entries = _visible_entries(str(folder))
    except PermissionError as error:
        raise DataError(
            f"Cannot open {folder}: permission denied. Check the folder's permissions "
            "(it must be readable and openable) or choose another folder."
        ) from error
    except OSError as error:
        raise DataError(f"Cannot open {folder}: {error.strerror or error}.") from error

    scan, verified = FolderScan(), VerifiedImages(folder)
    top_files = [entry for entry in entries if entry.is_file() and _is_image_name(entry.name)]
    sub_folders = [entry for entry in entries if entry.is_dir()]
    if top_files or not sub_folders:
        say.total = len(top_files)
        _add_checked_files(top_files, 0, scan, verified, say, cancel)
        say.now(say.counted())
        verified.save(len(top_files))
        scan.labels = []
        return scan
    classes = []
    for sub_folder in sub_folders:
        classes.append((sub_folder.name, _image_files_below(sub_folder.path, scan, cancel)))
        say.later(f"Listing the pictures in {folder.name}: {sum(len(files) for _, files in classes):,} files…")
    say.total = sum(len(files) for _, files in classes)
    for class_name, files in classes:
        if _add_checked_files(files, len(scan.class_names), scan, verified, say, cancel):
            scan.class_names.append(class_name)
    say.now(say.counted())
    verified.save(say.total)
    if len(scan.class_names) < 2:
        # One class says nothing (e.g. celeba/img_align_celeba): treat it as unlabelled.
        scan.labels = []
        scan.class_names = []
    return scan


def load_image_folder(
    folder: Path,
    *,
    name: str,
    image_size: int | None,
    channels: int | None,
    test_fraction: float,
    seed: int,
    progress: Callable[[str], None] | None = None,
    cancel: CancelToken | None = None,
) -> ImageDataset:
    """Scan `folder` (saying what it does to `progress`; Cancelled soon after `cancel` is set) and return a dataset
    whose splits are LazyImages."""
    scan = scan_image_folder(folder, progress, cancel)
    if not scan.paths:
        detail = ""
        if scan.skipped_files:
            examples = "; ".join(f"{path}: {reason}" for path, reason in scan.skipped_files[:3])
            detail = f" {len(scan.skipped_files)} file(s) could not be read, e.g. {examples}."
        raise DataError(
            f"No images found in {folder}; supported: {', '.join(IMAGE_EXTENSIONS)}.{detail} "
            "Choose a folder that holds images, or one sub-folder of images per class."
        )
    images = LazyImages(
        scan.paths,
        DEFAULT_FOLDER_IMAGE_SIZE if image_size is None else image_size,
        DEFAULT_FOLDER_CHANNELS if channels is None else channels,
        scan.skipped_files,
    )
    labels = np.asarray(scan.labels, dtype=np.int64) if scan.labels else None
    return build_dataset(
        name=name,
        source=str(folder.resolve()),
        train_images=images,
        train_labels=labels,
        class_names=scan.class_names or None,
        test_fraction=test_fraction,
        seed=seed,
    )
