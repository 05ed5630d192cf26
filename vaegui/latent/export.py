"""Write map coordinates with their labels to CSV or NPZ, atomically."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import numpy as np

from vaegui.atomic_files import atomic_output_path, write_text_atomically
from vaegui.errors import VaeguiError
from vaegui.latent.encoding import SPLIT_TEST, LatentSet
from vaegui.latent.projection import Projection

COORDINATE_FORMATS = (".csv", ".npz")


def save_coordinates(
    path: str | Path, latents: LatentSet, projection: Projection, class_names: list[str] | None = None,
    rows: np.ndarray | None = None,
) -> Path:
    """CSV (one row per point: split, index, label, class, x, y, mu_*) or NPZ (the same as arrays); `rows`: only
    those points (the map's filter), else all."""
    path = Path(path)
    if rows is not None:
        rows = np.asarray(rows, np.int64)
        latents = replace(latents, mu=latents.mu[rows], log_var=latents.log_var[rows], z=latents.z[rows],
                          labels=None if latents.labels is None else latents.labels[rows],
                          split=latents.split[rows], source_index=latents.source_index[rows],
                          reconstruction_error=None if latents.reconstruction_error is None else
                          latents.reconstruction_error[rows], kl=latents.kl[rows])
        projection = replace(projection, coords=projection.coords[rows], vectors=projection.vectors[rows], _tree=None)
    if path.suffix.lower() not in COORDINATE_FORMATS:
        raise VaeguiError(f"Cannot save coordinates as {path.suffix or 'a file without extension'}: use .csv or .npz.")
    labels = latents.labels if latents.labels is not None else np.full(len(latents), -1, np.int64)
    split_names = np.where(latents.split == SPLIT_TEST, "test", "train")
    try:
        if path.suffix.lower() == ".npz":
            with atomic_output_path(path, suffix=".npz") as temp:
                np.savez_compressed(
                    temp,
                    coords=projection.coords,
                    method=np.array(projection.method),
                    labels=labels,
                    split=split_names,
                    index=latents.source_index,
                    mu=latents.mu,
                    log_var=latents.log_var,
                    z=latents.z,
                    class_names=np.array(class_names or [], dtype=str),
                )
        else:
            write_text_atomically(path, _csv_text(latents, projection, labels, split_names, class_names))
    except OSError as error:
        reason = error.strerror or error
        raise VaeguiError(f"Cannot write {path} ({reason}): choose a folder you can write to.") from None
    return path


def _csv_text(latents, projection, labels, split_names, class_names) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    mu_columns = [f"mu_{i}" for i in range(latents.z_dim)]
    writer.writerow(["split", "index", "label", "class", "x", "y", *mu_columns])
    for row in range(len(latents)):
        label = int(labels[row])
        name = class_names[label] if class_names and 0 <= label < len(class_names) else ""
        x, y = projection.coords[row]
        writer.writerow(
            [split_names[row], int(latents.source_index[row]), label, name, f"{x:.6g}", f"{y:.6g}"]
            + [f"{v:.6g}" for v in latents.mu[row]]
        )
    return out.getvalue()
