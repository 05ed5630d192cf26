"""Qt-free training: a session that runs Keras fit() on a run folder and reports progress."""

from __future__ import annotations

from vaegui.training.progress import (
    BatchProgress,
    EpochProgress,
    TrainingListener,
    TrainingResult,
    TrainingStart,
)
from vaegui.training.session import TrainingSession

__all__ = [
    "BatchProgress",
    "EpochProgress",
    "TrainingListener",
    "TrainingResult",
    "TrainingSession",
    "TrainingStart",
]
