"""The run folder: settings, checkpoints, optimizer state and loss history, written atomically, and its lock."""

from __future__ import annotations

from vaegui.runs.folder import Run, load_run_dataset, new_run_folder, relocate_dataset
from vaegui.runs.history import BATCH_COLUMNS, EPOCH_COLUMNS
from vaegui.runs.lock import LockHolder, RunFolderInUseError, RunFolderLock, run_folder_holder

__all__ = [
    "BATCH_COLUMNS",
    "EPOCH_COLUMNS",
    "LockHolder",
    "Run",
    "RunFolderInUseError",
    "RunFolderLock",
    "load_run_dataset",
    "new_run_folder",
    "relocate_dataset",
    "run_folder_holder",
]
