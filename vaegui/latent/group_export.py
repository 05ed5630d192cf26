"""Writing a group of map points: its pictures' numbers (CSV), the pictures as one PNG sheet, its codes (NPZ/CSV).
Every file is written atomically: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from vaegui.atomic_files import atomic_output_path, write_text_atomically
from vaegui.errors import VaeguiError
from vaegui.latent.encoding import SPLIT_TEST, LatentSet

SHEET_LIMIT = 2_500  # pictures on one sheet (50 × 50): a 200,000-picture group would make a gigapixel file
SHEET_GAP = 2  # pixels between pictures


class ExportError(VaeguiError):
    """A group cannot be written where the person asked."""


def _checked(path: str | Path, allowed: tuple[str, ...], what: str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in allowed:
        raise ExportError(f"Cannot save {what} as {path.suffix or 'a file without extension'}: use "
                          f"{' or '.join(allowed)}.")
    return path


def _class(label: int, class_names: list[str] | None) -> str:
    return class_names[label] if class_names and 0 <= label < len(class_names) else ""


def _columns(latents: LatentSet, rows: np.ndarray, class_names):
    splits = np.where(latents.split[rows] == SPLIT_TEST, "test", "train")
    labels = latents.labels[rows] if latents.labels is not None else np.full(len(rows), -1, np.int64)
    return splits, latents.source_index[rows], labels, [_class(int(label), class_names) for label in labels]


def save_indices(path: str | Path, latents: LatentSet, rows: np.ndarray, class_names: list[str] | None = None
                 ) -> Path:
    """CSV: one line per picture of the group (split, index in that split, label, class)."""
    path = _checked(path, (".csv",), "the pictures' numbers")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["split", "index", "label", "class"])
    for split, index, label, name in zip(*_columns(latents, rows, class_names)):
        writer.writerow([split, int(index), int(label), name])
    try:
        write_text_atomically(path, out.getvalue())
    except OSError as error:
        raise ExportError(f"Cannot write {path} ({error.strerror or error}): choose a folder you can write to.") \
            from None
    return path


def save_codes(path: str | Path, latents: LatentSet, rows: np.ndarray, class_names: list[str] | None = None) -> Path:
    """NPZ (arrays split, index, label, mu, log_var, z, class_names) or CSV (one line per picture, mu_* and
    log_var_* columns) of the group's codes."""
    path = _checked(path, (".npz", ".csv"), "the codes")
    splits, indices, labels, names = _columns(latents, rows, class_names)
    try:
        if path.suffix.lower() == ".npz":
            with atomic_output_path(path, suffix=".npz") as temp:
                np.savez_compressed(temp, split=splits, index=indices, label=labels, mu=latents.mu[rows],
                                    log_var=latents.log_var[rows], z=latents.z[rows],
                                    class_names=np.array(class_names or [], dtype=str))
        else:
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            dims = range(latents.z_dim)
            writer.writerow(["split", "index", "label", "class", *(f"mu_{d}" for d in dims),
                             *(f"log_var_{d}" for d in dims)])
            for position, row in enumerate(rows):
                writer.writerow([splits[position], int(indices[position]), int(labels[position]), names[position],
                                 *(f"{v:.6g}" for v in latents.mu[row]), *(f"{v:.6g}" for v in latents.log_var[row])])
            write_text_atomically(path, out.getvalue())
    except OSError as error:
        raise ExportError(f"Cannot write {path} ({error.strerror or error}): choose a folder you can write to.") \
            from None
    return path


def sheet(images: np.ndarray, columns: int | None = None) -> np.ndarray:
    """(H, W, 3) uint8 picture of `images` (N, h, w, c) in [0, 1] side by side, rows of `columns`, grey gaps."""
    images = np.asarray(images, np.float32)
    count, height, width, channels = images.shape
    columns = columns or max(1, int(np.ceil(np.sqrt(count))))
    rows = int(np.ceil(count / columns))
    out = np.full((rows * (height + SHEET_GAP) + SHEET_GAP, columns * (width + SHEET_GAP) + SHEET_GAP, 3), 64,
                  np.uint8)
    pixels = np.clip(np.rint(images * 255), 0, 255).astype(np.uint8)
    if channels == 1:
        pixels = np.repeat(pixels, 3, axis=3)
    for position in range(count):
        row, column = divmod(position, columns)
        top, left = SHEET_GAP + row * (height + SHEET_GAP), SHEET_GAP + column * (width + SHEET_GAP)
        out[top:top + height, left:left + width] = pixels[position, ..., :3]
    return out


def save_sheet(path: str | Path, latents: LatentSet, rows: np.ndarray) -> tuple[Path, int]:
    """PNG of the group's pictures (the first SHEET_LIMIT); returns the path and how many are on it."""
    from PIL import Image

    path = _checked(path, (".png",), "the pictures")
    chosen = np.asarray(rows, np.int64)[:SHEET_LIMIT]
    if len(chosen) == 0:
        raise ExportError("The group is empty: select some pictures first.")
    picture = sheet(latents.images(chosen))
    try:
        with atomic_output_path(path, suffix=".png") as temp:
            Image.fromarray(picture).save(temp, format="PNG")
    except OSError as error:
        raise ExportError(f"Cannot write {path} ({error.strerror or error}): choose a folder you can write to.") \
            from None
    return path, len(chosen)
