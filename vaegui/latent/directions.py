"""Directions in the latent space from two groups of pictures (the difference of their mean codes, the seed's
"smile vector"), walked from any picture, and saved to or read from .npz or .json with the z_dim they fit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vaegui.atomic_files import atomic_output_path, write_text_atomically
from vaegui.errors import VaeguiError

DIRECTION_FORMATS = (".npz", ".json")
FORMAT_VERSION = 1


class DirectionError(VaeguiError):
    """A direction cannot be made, read, or used with this model."""


@dataclass(frozen=True, eq=False)
class Direction:
    """mean code of group `to_name` minus mean code of group `from_name`: walking it adds what B has and A has not."""

    vector: np.ndarray  # (z_dim,) float32
    from_name: str
    to_name: str
    from_count: int
    to_count: int
    source: str = ""  # the run it was made on

    @property
    def z_dim(self) -> int:
        return int(self.vector.shape[0])

    @property
    def length(self) -> float:
        return float(np.linalg.norm(self.vector))

    def describe(self) -> str:
        return (f"from {self.from_name} ({self.from_count:,} pictures) to {self.to_name} ({self.to_count:,}), "
                f"length {self.length:.3g}")


def direction_between(codes: np.ndarray, from_rows: np.ndarray, to_rows: np.ndarray, from_name: str = "A",
                      to_name: str = "B", source: str = "") -> Direction:
    """The direction from group `from_rows` to group `to_rows` of `codes` (N, z_dim): mean(to) − mean(from)."""
    from_rows, to_rows = np.asarray(from_rows, np.int64), np.asarray(to_rows, np.int64)
    if len(from_rows) == 0 or len(to_rows) == 0:
        raise DirectionError("A direction needs two groups with pictures in each: select a group and keep it as A, "
                             "then another as B.")
    codes = np.asarray(codes)
    vector = codes[to_rows].astype(np.float64).mean(axis=0) - codes[from_rows].astype(np.float64).mean(axis=0)
    return Direction(vector.astype(np.float32), from_name, to_name, len(from_rows), len(to_rows), source)


def walk(start: np.ndarray, direction: Direction, amount: float) -> np.ndarray:
    """`start` moved `amount` times along the direction (1 = the whole way from A's mean to B's)."""
    start = np.asarray(start, np.float32)
    if start.shape != direction.vector.shape:
        raise DirectionError(f"This direction was made in a {direction.z_dim}-number map; this picture has "
                             f"{start.shape[-1]} numbers. Use it with a run of z_dim {direction.z_dim}.")
    return start + np.float32(amount) * direction.vector


def save_direction(path: str | Path, direction: Direction) -> Path:
    """Write the direction atomically as .npz (arrays) or .json (readable), with its z_dim and where it comes from."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DIRECTION_FORMATS:
        raise DirectionError(f"Cannot save a direction as {path.suffix or 'a file without extension'}: "
                             "use .npz or .json.")
    fields = {"format": "vaegui-direction", "version": FORMAT_VERSION, "z_dim": direction.z_dim,
              "from_name": direction.from_name, "to_name": direction.to_name, "from_count": direction.from_count,
              "to_count": direction.to_count, "source": direction.source}
    try:
        if suffix == ".json":
            write_text_atomically(path, json.dumps({**fields, "vector": [float(v) for v in direction.vector]},
                                                   indent=1) + "\n")
        else:
            with atomic_output_path(path, suffix=".npz") as temp:
                np.savez(temp, vector=direction.vector, **{k: np.array(v) for k, v in fields.items()})
    except OSError as error:
        raise DirectionError(f"Cannot write {path} ({error.strerror or error}): choose a folder you can write to.") \
            from None
    return path


def load_direction(path: str | Path, z_dim: int | None = None) -> Direction:
    """Read a direction saved by save_direction; refused, saying why, when it is damaged or fits another z_dim."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DIRECTION_FORMATS:
        raise DirectionError(f"{path.name} is not a direction file: choose a .npz or .json saved by vaegui.")
    try:
        if suffix == ".json":
            fields = json.loads(path.read_text(encoding="utf-8"))
        else:
            with np.load(path, allow_pickle=False) as data:
                fields = {key: data[key].tolist() if data[key].ndim == 0 else data[key] for key in data.files}
        vector = np.asarray(fields["vector"], np.float32).reshape(-1)
        saved_dim = int(fields["z_dim"])
        direction = Direction(vector, str(fields.get("from_name", "A")), str(fields.get("to_name", "B")),
                              int(fields.get("from_count", 0)), int(fields.get("to_count", 0)),
                              str(fields.get("source", "")))
    except OSError as error:
        raise DirectionError(f"Cannot read {path} ({error.strerror or error}).") from None
    except (ValueError, KeyError, TypeError) as error:
        raise DirectionError(f"{path.name} is not a direction saved by vaegui (missing or damaged: {error}).") \
            from None
    if saved_dim != len(vector) or not np.isfinite(vector).all():
        raise DirectionError(f"{path.name} is damaged: its vector does not match its z_dim ({saved_dim}).")
    if z_dim is not None and saved_dim != z_dim:
        raise DirectionError(f"{path.name} was made with a z_dim {saved_dim} model; this run has z_dim {z_dim}. "
                             f"Open a run with z_dim {saved_dim}, or make a new direction from two groups here.")
    return direction
