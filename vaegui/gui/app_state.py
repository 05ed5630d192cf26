"""State shared by the tabs: the trainer processes (TensorFlow loaded there, not in the window), their readiness, and
the run being trained or explored."""

from __future__ import annotations

import atexit
import sys
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal

from vaegui import tensorflow_start
from vaegui.app.trainer_link import TrainerPool
from vaegui.gui.common.job_runner import QtJobRunner

_trainers: TrainerPool | None = None


def shared_trainers() -> TrainerPool:
    """The process's trainers: one kept warm between trainings, whichever window (or test) asks next."""
    global _trainers
    if _trainers is None:
        # With --verbose, the trainers' native lines (TensorFlow's) go to the terminal too.
        _trainers = TrainerPool(QtJobRunner(), echo_log=tensorflow_start.verbose())
        # Before Qt's own clean-up (atexit runs the last registered first): no reading thread outlives the app.
        atexit.register(_trainers.end_all)
    return _trainers


class AppState(QObject):
    """One per window. Tabs listen to it instead of to each other."""

    # A trainer has loaded TensorFlow (in its own process): the device it trains on, e.g. "CPU (2 cores)".
    trainer_ready = Signal(str)
    trainer_failed = Signal(str)  # TensorFlow could not be loaded in the trainer: training is not possible
    # TensorFlow in this process, for the Explorer's decoding only (with_tensorflow): the device it decodes on.
    tensorflow_ready = Signal(str)
    tensorflow_failed = Signal(str)
    # Run folders and epoch counts, never a live Run: only a trainer process holds one to train.
    run_opened = Signal(str, int)  # a run opened or created in the Training tab: folder, epochs completed
    checkpoint_saved = Signal(str, int)  # that run saved an epoch: folder, epochs completed
    compare_requested = Signal(object, object)  # two RunSummary to show side by side in the Compare tab

    def __init__(self, trainers: TrainerPool | None = None) -> None:
        super().__init__()
        # TensorFlow in this process: in already when something before the window loaded it (a script, a test).
        self.tensorflow_loaded = "vaegui.model" in sys.modules
        self.device = ""  # the trainers' device, once one has loaded TensorFlow
        self.runs_root = Path("runs")  # where new runs go and the run library looks first
        self.runner = QtJobRunner(self)  # the Training tab's jobs (reading runs, following a run folder)
        self.trainers = trainers if trainers is not None else shared_trainers()
        self.trainers.ready.connect(self._on_trainer_ready)
        self.trainers.failed.connect(self._on_trainer_failed)
        self.trainer_failure = ""  # why TensorFlow could not be loaded in the trainer, once it could not
        self.trainer_ready_now = self.trainers.device is not None  # a trainer of this process is warm already
        if self.trainer_ready_now:
            self.device = self.trainers.device
        self._after_tensorflow: list[Callable[[], None]] = []

    def start_trainer(self) -> None:
        """Start a trainer now (TensorFlow loads in it, in the background), so that Train does not wait for it."""
        self.trainers.prewarm()

    def _on_trainer_ready(self, device: str) -> None:
        if not shiboken6.isValid(self):
            return  # its window has gone (the pool serves the whole process)
        self.trainer_ready_now, self.device = True, device
        self.trainer_ready.emit(device)

    def _on_trainer_failed(self, message: str) -> None:
        if shiboken6.isValid(self):
            self.trainer_failure = message
            self.trainer_failed.emit(message)

    def with_tensorflow(self, then: Callable[[], None]) -> None:
        """Call `then` once TensorFlow is in this process (the Explorer decodes here): at once if it is, else after it
        is imported, once, off the GUI thread.

        The import runs on a lane of its own that ends with it: TensorFlow first imported on a thread that goes
        on to trace models while the GUI thread decodes crashed (a segmentation fault in graph building).
        """
        if "vaegui.model" in sys.modules:  # imported here already (by this, or before the window: a script, a test)
            self.tensorflow_loaded = True
            then()
            return
        self._after_tensorflow.append(then)
        if len(self._after_tensorflow) > 1:
            return  # the import is under way
        lane = self.runner.new_lane("TensorFlow's import")

        def loaded(device: str) -> None:
            self.runner.retire_lane(lane)
            self.tensorflow_loaded = True
            self.tensorflow_ready.emit(device)
            waiting, self._after_tensorflow = self._after_tensorflow, []
            for call in waiting:
                call()

        def failed(message: str) -> None:
            self.runner.retire_lane(lane)
            self._after_tensorflow = []
            self.tensorflow_failed.emit(message)

        self.runner.submit(lambda report, cancel: import_tensorflow(), lane=lane, on_done=loaded, on_failed=failed,
                           on_cancelled=lambda: None)

    def shutdown(self) -> None:
        """The window is closing: a waiting trainer ends; the reading threads stop; nothing is waited for."""
        self.trainers.ready.disconnect(self._on_trainer_ready)
        self.trainers.failed.disconnect(self._on_trainer_failed)
        self.trainers.shutdown()
        self.runner.shutdown()


def import_tensorflow() -> str:
    """TensorFlow in this process, as the Explorer loads it to decode (its tests and scripts call this first);
    returns the device description. The window itself never loads TensorFlow to train."""
    import gc

    device = tensorflow_start.start_tensorflow()
    # TensorFlow and Keras leave hundreds of thousands of objects that live as long as the app. Python's full
    # garbage collection walks them all each time, holding the GIL long enough to freeze the window (the Explorer's
    # decoding runs here). Frozen here, every later collection skips them.
    gc.freeze()
    return device
