"""The app's JobRunner, its one way to run work off the GUI thread: superqt workers on Qt thread pools (each loaded
model's lane a pool of one thread), whose progress and outcome reach the GUI thread through queued connections."""

from __future__ import annotations

import traceback
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

from vaegui.app.jobs import Work, failure_message
from vaegui.cancel import Cancelled, CancelToken
from vaegui.compat import run_worker_without_warning_hook

QUEUED = Qt.ConnectionType.QueuedConnection
# Every job until its worker's run() has emitted its last signal: the worker and its signals object live on even if
# the runner that started them is deleted first (a closed window), so no thread ever emits from a deleted object.
_UNFINISHED: set[QtJob] = set()
_RUNNERS: weakref.WeakSet[QtJobRunner] = weakref.WeakSet()


def busy_threads() -> int:
    """Threads of every runner's lanes still running a job (the app's exit waits a moment for them)."""
    total = 0
    for runner in list(_RUNNERS):
        try:
            total += runner.busy_threads()
        except RuntimeError:  # its Qt side is gone: so are its pools
            pass
    return total


class _JobSignals(QObject):
    # The signals superqt's WorkerBase.run emits (its own signals class is private), then ours.
    started = Signal()
    finished = Signal()
    _finished = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    warned = Signal(tuple)
    progress = Signal(object)
    outcome = Signal(object, object)  # (result, error), from the worker thread, before `finished`


_worker_class: type | None = None


def _job_worker(work: Work, token: CancelToken):
    """A superqt worker running `work` (superqt imported at the first job: the window's first paint needs none)."""
    global _worker_class
    if _worker_class is None:
        from superqt.utils import WorkerBase

        class _JobWorker(WorkerBase):
            """Runs work(report, cancel); hands the outcome to the GUI thread through a queued signal.

            Its signals object lives on the GUI thread (created there), so it is also deleted there: a QObject
            deleted in a worker thread can deadlock PySide against the GUI thread.
            """

            def __init__(self, work: Work, token: CancelToken):
                super().__init__(SignalsClass=_JobSignals)
                self._work, self.token = work, token
                # Python keeps the runnable (the pool would delete it on the worker thread, and its signals with
                # it); the runner drops it on the GUI thread once run() has emitted its last signal.
                self.setAutoDelete(False)

            def run(self) -> None:
                try:
                    run_worker_without_warning_hook(self)  # not WorkerBase.run: vaegui/compat.py (f)
                except RuntimeError:
                    pass  # its signals object is gone: the app is being torn down and nobody waits for this job

            def work(self) -> None:
                try:
                    result, error = self._work(self.signals.progress.emit, self.token), None
                except Exception as caught:  # reported on the GUI thread, whatever it is
                    result, error = None, caught
                    if not isinstance(caught, Cancelled) and not self.token.cancelled and \
                            type(caught).__module__.split(".")[0] != "vaegui":
                        traceback.print_exc()
                self.signals.outcome.emit(result, error)

        _worker_class = _JobWorker
    return _worker_class(work, token)


class _Delivery(QObject):
    """Made on the GUI thread and living there: the worker's signals are queued to these slots, so every callback of
    a job (progress, done, failed, cancelled) runs on the GUI thread, whichever thread emitted."""

    def __init__(self, on_progress: Callable[[Any], None] | None, finish: Callable[[Any, Any], None],
                 released: Callable[[], None], token: CancelToken, runner_alive: list[bool]):
        super().__init__()
        self._on_progress, self._finish, self._released, self._token = on_progress, finish, released, token
        self._runner_alive = runner_alive  # [False] once the runner (and what it worked for) is deleted

    @Slot(object)
    def progress(self, payload: Any) -> None:
        if self._on_progress is not None and not self._token.cancelled and self._runner_alive[0]:
            self._on_progress(payload)

    @Slot(object, object)
    def outcome(self, result: Any, error: Any) -> None:
        if self._runner_alive[0]:  # a job whose runner went with its view (a map removed) tells nobody
            self._finish(result, error)

    @Slot(object)
    def released(self, _worker: Any) -> None:
        self._released()


class QtJob:
    def __init__(self, worker, lane: QtLane | None):
        self.worker, self.lane = worker, lane
        self.token = worker.token
        self.delivery: _Delivery | None = None

    def cancel(self) -> None:
        self.token.cancel()
        self.worker.quit()


class QtLane:
    """A pool of one thread that never expires: every job of one loaded model runs on that same thread."""

    def __init__(self, name: str, parent: QObject):
        self.name = name
        self.pool = QThreadPool(parent)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)


class QtJobRunner(QObject):
    """Starts jobs on a lane's pool (a model's own thread) or on Qt's global pool (projections)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._running: set[QtJob] = set()  # until the outcome is delivered
        self._lanes: list[QtLane] = []
        self._retired: list[QtLane] = []
        _RUNNERS.add(self)
        alive = self._alive = [True]
        self.destroyed.connect(lambda *_: alive.__setitem__(0, False))  # no reference to self: it is going

    def new_lane(self, name: str) -> QtLane:
        lane = QtLane(name, self)
        self._lanes.append(lane)
        return lane

    def retire_lane(self, lane: QtLane) -> None:
        """Its model is no longer explored: its jobs are cancelled, and its thread ends once they are done."""
        for job in list(self._running):
            if job.lane is lane:
                job.cancel()
        if lane in self._lanes:
            self._lanes.remove(lane)
            lane.pool.setExpiryTimeout(0)
            # Kept until its thread has ended: deleting a busy QThreadPool would wait for it here.
            self._retired = [old for old in self._retired if old.pool.activeThreadCount()] + [lane]

    def submit(self, work: Work, *, lane: QtLane | None, on_done: Callable[[Any], None],
               on_failed: Callable[[str], None], on_cancelled: Callable[[], None],
               on_progress: Callable[[Any], None] | None = None) -> QtJob:
        token = CancelToken()
        worker = _job_worker(work, token)
        job = QtJob(worker, lane)

        def finish(result, error) -> None:
            self._running.discard(job)
            if token.cancelled or isinstance(error, Cancelled):
                on_cancelled()
            elif error is not None:
                on_failed(failure_message(error))
            else:
                on_done(result)

        delivery = _Delivery(on_progress, finish, lambda: _UNFINISHED.discard(job), token, self._alive)
        job.delivery = delivery  # kept with the job until its last signal has been delivered
        worker.signals.progress.connect(delivery.progress, QUEUED)
        worker.signals.outcome.connect(delivery.outcome, QUEUED)
        worker.signals._finished.connect(delivery.released, QUEUED)
        self._running.add(job)
        _UNFINISHED.add(job)
        (lane.pool if lane is not None else QThreadPool.globalInstance()).start(worker)
        return job

    def running(self) -> int:
        return len(self._running)

    def shutdown(self) -> None:
        """The window is closing: every job is cancelled (each checks its token between steps); nobody waits here.

        What cannot be interrupted (a model loading, TensorFlow importing) is left to end on its own; the
        app's exit does not wait for it (vaegui.gui.app.run_app).
        """
        for job in list(self._running):
            job.cancel()

    def busy_threads(self) -> int:
        """Threads of this runner's lanes still running a job."""
        return sum(lane.pool.activeThreadCount() for lane in [*self._lanes, *self._retired])
