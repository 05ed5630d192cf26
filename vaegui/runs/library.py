"""The run library, Qt-free: a run folder summed up cheaply (settings, state, last history row), its own name, and
where run folders are found."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from vaegui.atomic_files import write_text_atomically
from vaegui.config import RunConfig
from vaegui.errors import RunFolderError, VaeguiError, first_line
from vaegui.runs.folder import CONFIG_FILE, STATE_FILE
from vaegui.runs.history import HISTORY_FILE

NAME_FILE = "run.json"  # {"name": "..."}: the person's name for the run; the folder keeps its own name
MAX_NAME_LENGTH = 120
_TAIL_BYTES = 16_384  # the end of history.csv read to find its last row (one row is ~300 bytes)


@dataclass(frozen=True)
class Figure:
    """One figure a run is described by: its key in history.csv, and how people read it."""

    key: str
    label: str  # plain words first, the technical name after
    kind: str  # "loss", "count" or "share"
    tip: str = ""


# The figures a run's last epoch is summed up by, in the library, the comparison and `vaegui metrics`.
FIGURES = (
    Figure("loss", "Loss (training)", "loss", "The last epoch's mean loss on the training images: "
           "reconstruction + β × KL. Lower is better, but only between runs of the same β."),
    Figure("val_loss", "Loss on test images", "loss", "The same loss on images the model never trained on."),
    Figure("reconstruction_loss", "Reconstruction loss (training)", "loss",
           "How far the reconstructions are from the images, summed over pixels (reconstruction loss)."),
    Figure("kl_loss", "Distance from the standard cloud (KL)", "loss",
           "How far the codes are from the prior N(0, I): KL divergence per image, before the weight β."),
    Figure("active_units", "Directions in use (active units)", "count",
           "Latent dimensions whose centre (mu) moves from image to image: variance over the images > 0.01 "
           "(Burda et al. 2016)."),
    Figure("effective_dimensions", "Main directions (effective dimensionality)", "count",
           "How many main directions (principal components) hold 95 % of the spread of the codes: "
           "1 means every dimension moves together."),
    Figure("dead_hidden_units", "Dead hidden units", "count",
           "Units of the encoder's last hidden layer that give the same output for every image: they carry nothing."),
    Figure("knn_accuracy", "Neighbours share their label (5-NN accuracy)", "share",
           "How often an image's 5 nearest codes carry its label, cross-validated on the test images: "
           "how well the latent space keeps the classes apart."),
    Figure("noise_size", "Size of the random draw (noise |z − mu|)", "loss",
           "How far, on average, the sampled point z lies from the centre mu: 0 for a plain autoencoder."),
)
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}


def format_figure(key: str, value: float | None) -> str:
    """A figure as people read it: counts whole, shares in percent, losses to 4 significant digits; '—' if none."""
    if value is None or not math.isfinite(value):
        return "—"
    kind = FIGURES_BY_KEY[key].kind if key in FIGURES_BY_KEY else "loss"
    if kind == "count":
        return str(int(round(value)))
    if kind == "share":
        return f"{value:.0%}"
    return f"{value:.4g}"


@dataclass(frozen=True)
class RunSummary:
    """What the library shows of a run folder, read cheaply: no weights, no per-epoch views."""

    folder: Path
    folder_name: str
    own_name: str | None  # the name the person gave it (run.json), if any
    dataset: str | None = None
    z_dim: int | None = None
    kl_weight: float | None = None
    epochs_completed: int = 0
    epochs_planned: int | None = None
    last_epoch: dict[str, float] = field(default_factory=dict)  # the last completed epoch's row of history.csv
    trained_at: float | None = None  # when its last epoch was saved (seconds since the epoch)
    problem: str = ""  # why the folder cannot be opened; empty when it can

    @property
    def name(self) -> str:
        return self.own_name or self.folder_name

    def figure(self, key: str) -> float | None:
        value = self.last_epoch.get(key)
        return None if value is None or not math.isfinite(value) else float(value)

    def describe(self) -> str:
        """'digits · z_dim 2 · β 0.0005 · 30 epochs': the settings that tell two runs apart."""
        if self.problem:
            return self.problem
        parts = [self.dataset or "?", f"z_dim {self.z_dim}", f"β {self.kl_weight:g}",
                 f"{self.epochs_completed} epoch{'s' if self.epochs_completed != 1 else ''}"]
        return " · ".join(parts)


def read_run_summary(folder: str | Path) -> RunSummary:
    """Sum up a run folder from config.json, state.json, run.json and the last row of history.csv (milliseconds).

    A folder that cannot be read still gets a summary, whose `problem` says why.
    """
    folder = Path(folder)
    own_name = read_run_name(folder)
    base = {"folder": folder, "folder_name": folder.name, "own_name": own_name}
    if not (folder / CONFIG_FILE).is_file():
        return RunSummary(**base, problem=f"Not a vaegui run folder: it has no {CONFIG_FILE}.")
    try:
        config = RunConfig.from_json_file(folder / CONFIG_FILE)
        state = _read_json(folder / STATE_FILE) if (folder / STATE_FILE).is_file() else {}
        epochs = int(state.get("epochs_completed", 0) or 0)
        last = _last_history_row(folder / HISTORY_FILE, epochs) if epochs else {}
    except (VaeguiError, OSError, ValueError, TypeError) as error:
        return RunSummary(**base, problem=first_line(error))
    return RunSummary(**base, dataset=config.data.dataset, z_dim=config.model.z_dim,
                      kl_weight=config.model.kl_weight, epochs_completed=epochs,
                      epochs_planned=config.training.epochs, last_epoch=last, trained_at=_saved_at(folder))


def read_run_name(folder: str | Path) -> str | None:
    """The name the person gave the run, or None (a missing or damaged run.json is no name)."""
    try:
        name = _read_json(Path(folder) / NAME_FILE).get("name")
    except (OSError, ValueError, VaeguiError):
        return None
    return (name.strip() or None) if isinstance(name, str) else None


def rename_run(folder: str | Path, name: str) -> str | None:
    """Give the run a name of its own (run.json, written atomically); an empty name goes back to the folder's.

    Returns the name kept (cleaned of line breaks and surrounding spaces), or None for the folder's name.
    """
    folder = Path(folder)
    if not (folder / CONFIG_FILE).is_file():
        raise RunFolderError(f"{folder} is not a vaegui run folder (it has no {CONFIG_FILE}): it cannot be renamed.")
    cleaned = " ".join(str(name).split())
    if len(cleaned) > MAX_NAME_LENGTH:
        raise RunFolderError(f"That name has {len(cleaned)} characters: keep it to {MAX_NAME_LENGTH} or fewer.")
    try:
        if cleaned:
            write_text_atomically(folder / NAME_FILE, json.dumps({"name": cleaned}, ensure_ascii=False) + "\n")
        elif (folder / NAME_FILE).exists():
            (folder / NAME_FILE).unlink()
    except OSError as error:
        raise RunFolderError(
            f"Cannot rename the run in {folder} ({error.strerror or error}): the folder must be writable."
        ) from None
    return cleaned or None


def find_run_folders(root: str | Path, depth: int = 2) -> list[Path]:
    """Run folders (holding config.json) in `root` itself or up to `depth` levels below it, sorted by path."""
    root = Path(root)
    if (root / CONFIG_FILE).is_file():
        return [root]
    if depth <= 0 or not root.is_dir():
        return []
    found: list[Path] = []
    try:
        children = sorted(child for child in root.iterdir() if child.is_dir() and not child.name.startswith("."))
    except OSError:
        return []
    for child in children:
        found.extend(find_run_folders(child, depth - 1))
    return found


def library_folders(root: str | Path, remembered: list[str | Path]) -> list[Path]:
    """The runs under `root`, then those opened elsewhere that still exist; each folder once."""
    folders, seen = [], set()
    for folder in [*find_run_folders(root), *(Path(p) for p in remembered)]:
        key = _identity(folder)
        if key in seen or not (folder / CONFIG_FILE).is_file():
            continue
        seen.add(key)
        folders.append(folder)
    return folders


def remember(remembered: list[str], folder: str | Path, keep: int = 200) -> list[str]:
    """`remembered` with `folder` first (absolute, once), at most `keep` entries: the list a settings store keeps."""
    path = str(Path(folder).absolute())
    return [path, *(p for p in remembered if p != path)][:keep]


def _identity(folder: Path) -> str:
    try:
        return str(folder.resolve())
    except OSError:
        return str(folder.absolute())


def _read_json(path: Path) -> dict:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RunFolderError(f"{path.name} is damaged ({first_line(error)}).") from None
    if not isinstance(value, dict):
        raise RunFolderError(f"{path.name} is damaged (unexpected content).")
    return value


def _last_history_row(path: Path, up_to_epoch: int) -> dict[str, float]:
    """The last row of history.csv whose epoch was completed, reading only the file's head and tail."""
    if not path.is_file():
        return {}
    with open(path, "rb") as handle:
        header = handle.readline().decode("utf-8")
        size = handle.seek(0, os.SEEK_END)
        start = max(len(header.encode("utf-8")), size - _TAIL_BYTES)
        handle.seek(start)
        tail = handle.read().decode("utf-8", errors="replace")
    lines = tail.splitlines()
    if start > len(header.encode("utf-8")) and lines:
        lines = lines[1:]  # the first line may be cut
    # Rows past the last checkpoint belong to an epoch that never finished.
    for row in reversed(list(csv.DictReader(io.StringIO(header + "\n".join(lines))))):
        values = {key: float(value) for key, value in row.items() if key and value not in ("", None)}
        if 0 < values.get("epoch", 0) <= up_to_epoch:
            return values
    return {}


def _saved_at(folder: Path) -> float | None:
    for name in (STATE_FILE, CONFIG_FILE):
        try:
            return (folder / name).stat().st_mtime
        except OSError:
            continue
    return None
