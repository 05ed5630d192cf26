"""Fixtures that write tiny IDX files and MNIST-style folders for the dataset tests."""

from __future__ import annotations

import gzip
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

WriteIdx = Callable[..., Path]


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """An IDX file's bytes for a uint8 array; `magic` overrides the marker."""
    array = np.asarray(array, dtype=np.uint8)
    marker = 0x0800 + array.ndim if magic is None else magic
    header = struct.pack(f">I{array.ndim}I", marker, *array.shape)
    return header + array.tobytes()


@pytest.fixture
def write_idx() -> WriteIdx:
    """Write `array` as an IDX file at `path`, gzip-compressed when the name ends in .gz."""

    def write(path: Path, array: np.ndarray, *, magic: int | None = None) -> Path:
        data = idx_bytes(array, magic)
        path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
        return path

    return write


@pytest.fixture
def make_mnist_folder(write_idx: WriteIdx) -> Callable[..., Path]:
    """Write train-* and t10k-* IDX pairs of random 28x28 images with labels 0..9."""

    def make(folder: Path, train_count: int = 30, test_count: int = 10, suffix: str = ".gz") -> Path:
        rng = np.random.default_rng(1)
        folder.mkdir(parents=True, exist_ok=True)
        for prefix, count in (("train", train_count), ("t10k", test_count)):
            images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
            labels = np.arange(count, dtype=np.uint8) % 10
            write_idx(folder / f"{prefix}-images-idx3-ubyte{suffix}", images)
            write_idx(folder / f"{prefix}-labels-idx1-ubyte{suffix}", labels)
        return folder

    return make
