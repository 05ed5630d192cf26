"""TrainingWorker: the core TrainingSession in a QThread, reporting progress as time-throttled Qt signals."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, QThread, Signal

from vaegui.config import RunConfig
from vaegui.gui.common.workers import give_the_gui_thread_priority, run_and_report
from vaegui.loss_terms import LOSS_NAMES
from vaegui.runs import Run, new_run_folder
from vaegui.runs.dataset_location import DatasetMissingError
from vaegui.runs.epoch_views import EpochViews, preview_coordinates
from vaegui.runs.snapshot import RunSnapshot
from vaegui.training import (
    BatchProgress,
    EpochProgress,
    TrainingListener,
    TrainingResult,
    TrainingSession,
    TrainingStart,
)
from vaegui.training.control import TrainingControl

# At most this many progress signals a second, whatever the batch rate: the GUI redraws per signal.
MAX_SIGNALS_PER_SECOND = 10


@dataclass
class BatchUpdate:
    """The latest batch's numbers plus every batch's losses since the previous update (so curves miss none)."""

    epoch: int
    epochs: int
    batch: int
    batches: int
    images_per_second: float
    eta_seconds: float
    # Fractional epoch of each batch (epoch 3, batch 10 of 50 → 2.2) and its losses, one array per loss name.
    positions: np.ndarray
    losses: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class EpochUpdate:
    epoch: int
    epochs: int
    record: dict[str, float]
    views: EpochViews | None  # with its preview coordinates (axes kept from the previous epoch)


class ThrottledListener(TrainingListener):
    """Called by the training thread every batch; forwards to Qt at most MAX_SIGNALS_PER_SECOND times a second.

    Each call only appends to lists under a lock (microseconds), so training pays almost nothing for it.
    """

    def __init__(self, worker: TrainingWorker):
        self.worker = worker
        self.interval = 1.0 / MAX_SIGNALS_PER_SECOND
        self._lock = threading.Lock()
        self._last_sent = 0.0
        self._pending_positions: list[float] = []
        self._pending_losses: dict[str, list[float]] = {name: [] for name in LOSS_NAMES}
        self._latest: BatchProgress | None = None
        self._previous_axes: np.ndarray | None = None

    def on_start(self, start: TrainingStart) -> None:
        dataset = self.worker.dataset
        skipped = dataset.skipped_files_note() if dataset is not None else None
        if skipped:
            start = replace(start, notes=(*start.notes, skipped[0].upper() + skipped[1:]))
        self.worker.started.emit(start)

    def on_batch(self, progress: BatchProgress) -> None:
        with self._lock:
            self._pending_positions.append(progress.epoch - 1 + progress.batch / progress.batches)
            for name in LOSS_NAMES:
                self._pending_losses[name].append(float(progress.losses.get(name, np.nan)))
            self._latest = progress
        now = time.perf_counter()
        if now - self._last_sent >= self.interval:
            self._last_sent = now
            self.flush()

    def flush(self) -> None:
        """Send what has accumulated (also called at each epoch end, so an epoch's curve is complete)."""
        with self._lock:
            latest = self._latest
            if latest is None or not self._pending_positions:
                return
            update = BatchUpdate(
                epoch=latest.epoch,
                epochs=latest.epochs,
                batch=latest.batch,
                batches=latest.batches,
                images_per_second=latest.images_per_second,
                eta_seconds=latest.eta_seconds,
                positions=np.asarray(self._pending_positions, dtype=np.float64),
                losses={name: np.asarray(values, dtype=np.float64) for name, values in self._pending_losses.items()},
            )
            self._pending_positions = []
            self._pending_losses = {name: [] for name in LOSS_NAMES}
        self.worker.batch_progress.emit(update)

    def on_epoch(self, progress: EpochProgress) -> None:
        self.flush()
        views = progress.views
        if views is not None:
            coords, self._previous_axes = preview_coordinates(views.mu, self._previous_axes)
            views = replace(views, coords=coords, axes_label="PC" if self._previous_axes is not None else "z")
        self.worker.epoch_finished.emit(EpochUpdate(progress.epoch, progress.epochs, dict(progress.record), views))


@dataclass(frozen=True)
class TrainingRequest:
    """What to train, as plain values: a new run (`config`, in `folder` or a new folder under `runs_root`), or
    more epochs of the run in `folder` with `training_changes` applied to its training settings first."""

    config: RunConfig | None = None
    folder: Path | None = None
    runs_root: Path = Path("runs")
    training_changes: dict | None = None


class TrainingWorker(QObject):
    """Loads the data, creates or reopens the run, and trains it; lives in its own QThread.

    It gets a request and the training's control (pause/stop live there, set by the GUI), never a live
    object the GUI thread uses: the Run and its model are this thread's alone.
    """

    run_ready = Signal(object)  # RunSnapshot of the run being trained, once its folder exists
    status = Signal(str)  # what the worker is doing before training starts
    started = Signal(object)  # TrainingStart
    batch_progress = Signal(object)  # BatchUpdate
    epoch_finished = Signal(object)  # EpochUpdate
    finished = Signal(object)  # TrainingResult
    failed = Signal(str)
    dataset_missing = Signal(str, str)  # run folder, what is missing: the tab offers to locate it

    def __init__(self, request: TrainingRequest, control: TrainingControl, *, probe_size: int = 1000):
        super().__init__()
        self.request, self.control, self.probe_size = request, control, probe_size
        self.dataset = None  # the loaded ImageDataset, once the worker has it
        self.listener = ThrottledListener(self)

    def work(self) -> None:
        give_the_gui_thread_priority()
        run_and_report(self, self._train, "Training failed unexpectedly")

    def _train(self) -> TrainingResult:
        request = self.request
        if request.training_changes is not None:
            run = Run.open(request.folder)
            with run.locked():  # from the settings' change to the end of training: no other program in between
                # The weights fit one architecture and one image size: only the training settings may change.
                for key, value in request.training_changes.items():
                    setattr(run.config.training, key, value)
                run.save_config()
                self.status.emit(f"Loading {run.config.data.dataset}…")
                try:
                    dataset = run.load_dataset(progress=self.status.emit)  # a big folder's scan, in words
                except DatasetMissingError as missing:
                    self.dataset_missing.emit(str(run.folder), str(missing))
                    raise
                return self._run_session(run, dataset)
        config = request.config.validate()
        folder = request.folder or new_run_folder(request.runs_root, config.data.dataset)
        self.status.emit(f"Loading {config.data.dataset}…")
        # Load before creating the folder, so a dataset that fails to load leaves no empty run behind;
        # an unsaved Run loads exactly as the saved one will (same split).
        dataset = Run(folder, config, {}).load_dataset(progress=self.status.emit)
        if self.control.stop_requested:
            return TrainingResult(0, True, "")
        run = Run.create(folder, config)
        run.class_names = dataset.class_names
        return self._run_session(run, dataset)

    def _run_session(self, run: Run, dataset) -> TrainingResult:
        if run.class_names is None:
            run.class_names = dataset.class_names
        self.run_ready.emit(RunSnapshot.of(run))
        self.dataset = dataset
        if self.control.stop_requested:
            return TrainingResult(run.epochs_completed, True, str(run.folder))
        session = TrainingSession(run, dataset, self.listener, probe_size=self.probe_size, control=self.control)
        self.status.emit("Building the model…")
        result = session.run()
        self.listener.flush()
        return result


def start_thread(worker: QObject, parent: QObject, entry: str = "work") -> QThread:
    """Run `worker.<entry>` in a new QThread owned by `parent`; the thread quits as soon as the work ends.

    `worker` needs `finished` and `failed` signals (TrainingWorker, TaskWorker).
    """
    thread = QThread(parent)
    thread.setObjectName(f"vaegui-{type(worker).__name__}")
    worker.moveToThread(thread)
    thread.started.connect(getattr(worker, entry))
    # Direct: quit from the worker thread itself, so a GUI thread blocked in wait() (closing) is not needed.
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    worker.failed.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread._worker = worker  # type: ignore[attr-defined]  # the Python side must outlive the work
    thread.start()
    return thread


def start_task(worker: QObject, parent: QObject, running: list[QThread]) -> QThread:
    """Run a TaskWorker in a new thread owned by `parent`, listed in `running` until it ends (see stop_threads)."""
    thread = start_thread(worker, parent, entry="run")
    running.append(thread)
    thread.finished.connect(lambda: running.remove(thread) if thread in running else None)
    return thread


def stop_threads(threads: list[QThread | None], wait_ms: int) -> None:
    """Cancel the tasks that can be cancelled (their workers' cancel tokens), then wait for every thread to end."""
    threads = [thread for thread in threads if thread is not None]
    for thread in threads:
        token = getattr(getattr(thread, "_worker", None), "cancel_token", None)
        if token is not None:
            token.cancel()
    for thread in threads:
        try:
            if thread.isRunning():
                thread.wait(wait_ms)
        except RuntimeError:
            pass  # its C++ side is already gone
