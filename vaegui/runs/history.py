"""The run's loss history: the columns of history.csv and batch_history.csv, read and written in one way."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from vaegui.atomic_files import write_text_atomically
from vaegui.errors import RunFolderError, first_line
from vaegui.loss_terms import LOSS_NAMES

HISTORY_FILE = "history.csv"
BATCH_HISTORY_FILE = "batch_history.csv"
# Figures of the latent space measured each epoch on the probe images (vaegui.runs.epoch_views).
QUALITY_COLUMNS = ("active_units", "effective_dimensions", "participation_ratio", "hidden_units", "dead_hidden_units",
                   "knn_accuracy", "reconstruction_error", "noise_size")
EPOCH_COLUMNS = ("epoch", *LOSS_NAMES, *(f"val_{name}" for name in LOSS_NAMES), "beta", "seconds", "images_per_second",
                 *QUALITY_COLUMNS)
BATCH_COLUMNS = ("epoch", "batch", *LOSS_NAMES)
_WHOLE_NUMBER_COLUMNS = ("epoch", "batch")


def history_csv_text(columns: tuple[str, ...], rows: list[dict[str, float]]) -> str:
    """`rows` as CSV text with a header of `columns` (other keys left out); epoch and batch as whole numbers."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: (int(v) if k in _WHOLE_NUMBER_COLUMNS else f"{v:.8g}") for k, v in row.items() if k in columns}
        )
    return out.getvalue()


def write_history(folder: Path, history: list[dict[str, float]], batches: list[dict[str, float]]) -> None:
    """Replace the run's two history files (each atomically)."""
    write_text_atomically(folder / HISTORY_FILE, history_csv_text(EPOCH_COLUMNS, history))
    write_text_atomically(folder / BATCH_HISTORY_FILE, history_csv_text(BATCH_COLUMNS, batches))


def read_history_rows(path: Path) -> list[dict[str, float]]:
    """The rows of a history file as numbers ([] when the file does not exist)."""
    if not path.exists():
        return []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return [{k: float(v) for k, v in row.items() if v not in ("", None)} for row in rows]
    except (OSError, ValueError, csv.Error) as error:
        raise RunFolderError(
            f"{path} is damaged ({first_line(error)}): delete it to reopen the run without curves."
        ) from None
