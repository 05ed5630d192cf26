"""Images kept as stored (uint8, or float32 in [0, 1]) and read as float32 in [0, 1]: the one way to read images.

Every image container of a dataset (InMemoryImages here, LazyImages for folders, the pipeline's
DecodedImageCache) answers `images[index]` with float32 in [0, 1], whatever it keeps, so no reader
needs to know; the tf.data pipeline alone asks for `pixels(index)` (as kept) and scales each batch
itself, so 8-bit data stays 8-bit in memory: a quarter of float32's size, one copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

# What a stored pixel value is divided by to read it as [0, 1].
PIXEL_SCALES = {np.dtype(np.uint8): 255.0, np.dtype(np.float32): 1.0}


class ImageArray(Protocol):
    """Images that index like a read-only float32 (N, H, W, C) array in [0, 1] (InMemoryImages, LazyImages)."""

    dtype: np.dtype  # float32: what indexing gives
    pixel_dtype: np.dtype  # uint8 or float32: what `pixels` gives

    @property
    def shape(self) -> tuple[int, int, int, int]: ...

    def __len__(self) -> int: ...

    def __getitem__(self, index) -> np.ndarray: ...

    def pixels(self, index) -> np.ndarray: ...

    def subset(self, positions: Sequence[int] | np.ndarray) -> ImageArray: ...


def pixels_to_float(pixels: np.ndarray) -> np.ndarray:
    """Stored pixels as float32 in [0, 1] (uint8 divided by 255 as float32, the same values tf.data computes)."""
    if pixels.dtype == np.uint8:
        images = pixels.astype(np.float32)
        images /= np.float32(255.0)
        return images
    return np.asarray(pixels, dtype=np.float32)


def float_to_pixels(images: np.ndarray) -> np.ndarray:
    """float32 images in [0, 1] rounded to uint8 (exact for images that came from 8 bits)."""
    return np.round(np.clip(images, 0.0, 1.0) * np.float32(255.0)).astype(np.uint8)


class InMemoryImages:
    """One array of images as stored (uint8, or float32 in [0, 1]), read as float32 in [0, 1] by indexing.

    `np.asarray(images)` converts them all (meant for small sets and tests); `pixels(index)` reads
    them as kept, without conversion.
    """

    dtype = np.dtype(np.float32)
    ndim = 4

    def __init__(self, pixels: np.ndarray):
        if pixels.ndim != 4 or np.dtype(pixels.dtype) not in PIXEL_SCALES:
            raise ValueError(f"InMemoryImages keeps (N, H, W, C) uint8 or float32 arrays, not {pixels.dtype} "
                             f"{pixels.shape}")
        self._pixels = pixels
        self.pixel_dtype = np.dtype(pixels.dtype)

    @property
    def shape(self) -> tuple[int, int, int, int]:
        return tuple(int(side) for side in self._pixels.shape)

    @property
    def nbytes(self) -> int:
        """Memory the stored pixels take."""
        return int(self._pixels.nbytes)

    def __len__(self) -> int:
        return len(self._pixels)

    def __repr__(self) -> str:
        return f"InMemoryImages(shape={self.shape}, stored as {self.pixel_dtype})"

    def __getitem__(self, index) -> np.ndarray:
        return pixels_to_float(self._pixels[index])

    def __array__(self, dtype: np.dtype | None = None, copy: bool | None = None) -> np.ndarray:
        images = pixels_to_float(self._pixels)
        return images if dtype is None else images.astype(dtype, copy=False)

    def pixels(self, index) -> np.ndarray:
        """The images at `index` as stored (uint8 or float32), for the pipeline to scale per batch."""
        return self._pixels[index]

    def subset(self, positions: Sequence[int] | np.ndarray) -> InMemoryImages:
        return InMemoryImages(self._pixels[np.asarray(positions, dtype=np.int64)])


def as_image_array(images: np.ndarray | ImageArray) -> ImageArray:
    """An ImageArray for `images`: a plain float array in [0, 1] (or uint8 pixels) is wrapped, one is kept."""
    if not isinstance(images, np.ndarray):
        return images
    if images.dtype != np.uint8:
        images = np.asarray(images, dtype=np.float32)
    return InMemoryImages(images)
