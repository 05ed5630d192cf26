"""What each epoch's views need, kept in the run folder: the probe images' latent means, a reconstruction strip,
per-dimension KL and spread, and the latent-quality figures; written atomically, read back to replay the epochs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from vaegui.atomic_files import atomic_output_path

EPOCHS_DIR = "epochs"
PROBE_FILE = "probe.npz"  # the fixed images every epoch is seen through: written once
_EPOCH_FILE = re.compile(r"^epoch-(\d{5,})\.npz$")


@dataclass(frozen=True, eq=False)
class Probe:
    """The fixed test images each epoch is looked at through (the same ones every epoch)."""

    split: str  # "test", or "train" when the data has no test images
    indices: np.ndarray  # (P,) positions in that split
    labels: np.ndarray | None  # (P,)
    strip: np.ndarray  # (S, H, W, C) the first S probe images, shown above their reconstructions


@dataclass(frozen=True, eq=False)
class EpochViews:
    """One completed epoch seen through the probe images."""

    epoch: int
    mu: np.ndarray  # (P, d) the latent means of the probe images
    kl_per_dim: np.ndarray  # (d,) mean KL of each dimension: how much each carries
    mu_variance: np.ndarray  # (d,) variance over the images of each dimension's mean (active units: > 0.01)
    reconstructions: np.ndarray  # (S, H, W, C) the strip images decoded from their mu
    quality: dict[str, float] = field(default_factory=dict)  # figures also written to history.csv
    probe: Probe | None = None
    coords: np.ndarray | None = None  # (P, 2) for the preview map: mu itself, or its two main directions
    axes_label: str = "z"  # "z" (latent axes) or "PC" (main directions)

    @property
    def labels(self) -> np.ndarray | None:
        return None if self.probe is None else self.probe.labels

    @property
    def originals(self) -> np.ndarray | None:
        return None if self.probe is None else self.probe.strip


def save_probe(folder: Path, probe: Probe) -> None:
    arrays = {"split": np.array(probe.split), "indices": probe.indices, "strip": _to_bytes(probe.strip)}
    if probe.labels is not None:
        arrays["labels"] = probe.labels
    _save(Path(folder) / EPOCHS_DIR / PROBE_FILE, arrays)


def save_epoch_views(folder: Path, views: EpochViews) -> None:
    """Write one epoch's views (atomically, like the checkpoints), after its checkpoint; the probe once."""
    if views.probe is not None and not (Path(folder) / EPOCHS_DIR / PROBE_FILE).is_file():
        save_probe(folder, views.probe)
    arrays = {"epoch": np.array(views.epoch), "mu": views.mu.astype(np.float32),
              "kl_per_dim": views.kl_per_dim.astype(np.float32), "mu_variance": views.mu_variance.astype(np.float32),
              "reconstructions": _to_bytes(views.reconstructions)}
    arrays.update({f"quality.{name}": np.array(value, np.float64) for name, value in views.quality.items()})
    _save(Path(folder) / EPOCHS_DIR / f"epoch-{views.epoch:05d}.npz", arrays)


def load_epoch_views(folder: Path, up_to: int | None = None) -> dict[int, EpochViews]:
    """Every stored epoch (up to the run's last completed one), with preview coordinates; {} for older runs.

    A file that cannot be read is skipped: the epoch's curves stay, only its pictures are missing.
    """
    folder = Path(folder) / EPOCHS_DIR
    probe = _load_probe(folder / PROBE_FILE)
    if probe is None:
        return {}
    views = {}
    for path in sorted(folder.glob("epoch-*.npz")):
        found = _EPOCH_FILE.match(path.name)
        if not found or (up_to is not None and int(found[1]) > up_to):
            continue
        epoch_views = _load_epoch_file(path, probe)
        if epoch_views is not None:
            views[epoch_views.epoch] = epoch_views
    return with_preview_coordinates(views)


class EpochViewsReader:
    """Reads a run's epochs' views one at a time as training saves them (the probe once), each with its preview
    coordinates, axes kept from the epoch read before. Used by one thread at a time."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._probe: Probe | None = None
        self._axes: np.ndarray | None = None

    def read(self, epoch: int) -> EpochViews | None:
        """The epoch's views, or None when the folder has none for it (an older run, a damaged file)."""
        if self._probe is None:
            self._probe = _load_probe(self.folder / EPOCHS_DIR / PROBE_FILE)
            if self._probe is None:
                return None
        views = _load_epoch_file(self.folder / EPOCHS_DIR / f"epoch-{epoch:05d}.npz", self._probe)
        if views is None:
            return None
        coords, self._axes = preview_coordinates(views.mu, self._axes)
        return replace(views, coords=coords, axes_label="PC" if self._axes is not None else "z")


def _load_epoch_file(path: Path, probe: Probe) -> EpochViews | None:
    try:
        with np.load(path, allow_pickle=False) as saved:
            quality = {key.removeprefix("quality."): float(saved[key]) for key in saved.files
                       if key.startswith("quality.")}
            return EpochViews(int(saved["epoch"]), saved["mu"], saved["kl_per_dim"], saved["mu_variance"],
                              _from_bytes(saved["reconstructions"]), quality, probe)
    except (OSError, ValueError, KeyError):
        return None


def with_preview_coordinates(views: dict[int, EpochViews]) -> dict[int, EpochViews]:
    """Each epoch with its preview coordinates, each turned to agree with the epoch before (see preview_coordinates)."""
    previous, out = None, {}
    for epoch in sorted(views):
        coords, previous = preview_coordinates(views[epoch].mu, previous)
        out[epoch] = replace(views[epoch], coords=coords, axes_label="PC" if previous is not None else "z")
    return out


def preview_coordinates(mu: np.ndarray, previous: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """2-D coordinates of `mu` for the preview, and what the next epoch is turned to agree with (None when z_dim is
    2: drawn as is, its axes the latent dimensions themselves).

    For z_dim > 2, the two main directions are fitted on each epoch's own codes (the first epochs' codes are
    nearly collapsed, so axes fitted on them would show later epochs badly), and the map is then turned (or
    mirrored, never stretched: orthogonal Procrustes) to agree as closely as it can with the previous epoch's
    map of the same probe images, so scrubbing the epochs shows points moving, not the map jumping.
    """
    mu = np.asarray(mu, dtype=np.float64)
    if mu.shape[1] <= 2:
        return mu[:, :2].astype(np.float32), None
    centred = mu - mu.mean(axis=0)
    _, _, rows = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ rows[:2].T
    if previous is not None and previous.shape == coords.shape:
        from vaegui.latent.projection import procrustes_turn

        coords = coords @ procrustes_turn(coords, previous)
    coords = coords.astype(np.float32)
    return coords, coords


def _load_probe(path: Path) -> Probe | None:
    try:
        with np.load(path, allow_pickle=False) as saved:
            labels = saved["labels"] if "labels" in saved.files else None
            return Probe(str(saved["split"]), saved["indices"], labels, _from_bytes(saved["strip"]))
    except (OSError, ValueError, KeyError):
        return None


def _save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with atomic_output_path(path, suffix=".npz") as temp:
        np.savez_compressed(temp, **arrays)


def _to_bytes(images: np.ndarray) -> np.ndarray:
    # Pictures for the eye: 8 bits a channel, a quarter of float32's room on disk.
    return np.clip(np.asarray(images, np.float32) * 255.0 + 0.5, 0, 255).astype(np.uint8)


def _from_bytes(images: np.ndarray) -> np.ndarray:
    return images.astype(np.float32) / 255.0
