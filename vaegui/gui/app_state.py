"""State shared by the tabs: whether TensorFlow is loaded, and the run being trained or explored."""

from __future__ import annotations

import gc
from pathlib import Path

from PySide6.QtCore import QObject, Signal


class AppState(QObject):
    """One per window. Tabs listen to it instead of to each other."""

    tensorflow_ready = Signal(str)  # the device description, e.g. "CPU (2 cores)"
    tensorflow_failed = Signal(str)
    # Run folders and epoch counts, never the live Run: the training thread owns that one and its model.
    run_opened = Signal(str, int)  # a run opened or created in the Training tab: folder, epochs completed
    checkpoint_saved = Signal(str, int)  # that run saved an epoch: folder, epochs completed
    compare_requested = Signal(object, object)  # two RunSummary to show side by side in the Compare tab

    def __init__(self) -> None:
        super().__init__()
        self.tensorflow_loaded = False
        self.device = ""
        self.runs_root = Path("runs")  # where new runs go and the run library looks first


def import_tensorflow() -> str:
    """Import TensorFlow, Keras and vaegui's model code (seconds); returns the device description."""
    from vaegui.tensorflow_start import start_tensorflow

    device = start_tensorflow()
    # TensorFlow and Keras leave hundreds of thousands of objects that live as long as the app. Python's full
    # garbage collection walks them all each time, holding the GIL long enough to freeze the window when it
    # runs in the training thread. Frozen here, every later collection skips them.
    gc.freeze()
    return device
