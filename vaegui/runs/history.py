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


def merge_epoch_rows(rows, epoch: int, new_rows) -> list[dict[str, float]]:
    """The one rule for an epoch trained (again): drop the rows of `epoch` and later, then append `new_rows`.

    A stopped epoch trained again, or a run rolled back and continued, replaces what the rows said of it.
    """
    return [row for row in rows if row["epoch"] < epoch] + [dict(row) for row in new_rows]


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
    """The rows of a history file as numbers ([] when the file does not exist).

    A row cut short (a crash or a full disk mid-write, a hand edit: its line unfinished, or fewer values
    than the header names) is left out; Run.open restores the epochs that are then missing, where it can
    (vaegui.runs.history_repair). A value that is not a number means the file is damaged.
    """
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines = lines[:-1]  # the last line was never finished
        rows = [row for row in csv.DictReader(lines) if None not in row.values() and None not in row]
        return [{k: float(v) for k, v in row.items() if v != ""} for row in rows]
    except (OSError, ValueError, csv.Error) as error:
        raise RunFolderError(
            f"{path} is damaged ({first_line(error)}): delete it to reopen the run without curves."
        ) from None
