"""The run folder: settings, per-epoch checkpoints, optimizer state and loss history, written atomically."""

from __future__ import annotations

from vaegui.runs.folder import Run, load_run_dataset, new_run_folder
from vaegui.runs.history import BATCH_COLUMNS, EPOCH_COLUMNS

__all__ = ["BATCH_COLUMNS", "EPOCH_COLUMNS", "Run", "load_run_dataset", "new_run_folder"]
