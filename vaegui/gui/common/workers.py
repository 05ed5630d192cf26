"""Run a core call off the GUI thread and get its result, error or progress back as Qt signals."""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

from vaegui.app.jobs import failure_message
from vaegui.cancel import CancelToken
from vaegui.errors import VaeguiError

# Niceness given to every thread but the GUI thread when training starts. TensorFlow keeps both cores
# busy; at equal priority the window's thread got ~40 % of a core, so a 40 ms paint froze it ~100 ms.
# It stays after training (an unprivileged process cannot raise it back), so the Explorer's TensorFlow
# work also yields to the window.
BACKGROUND_NICE = 10
_TASKS_FOLDER = Path("/proc/self/task")


def give_the_gui_thread_priority() -> None:
    """Lower the priority of every thread of this process except the GUI (main) thread.

    Linux only (a thread's niceness is set through its id there); elsewhere nothing changes. Threads
    started later by a lowered thread (TensorFlow's pools, tf.data's) inherit its niceness.
    """
    if not _TASKS_FOLDER.is_dir() or not hasattr(os, "setpriority"):
        return
    gui_thread = threading.main_thread().native_id
    for task in _TASKS_FOLDER.iterdir():
        if int(task.name) != gui_thread:
            _lower_priority(int(task.name))


def yield_to_the_gui_thread() -> None:
    """Lower the calling background thread's priority, so that the window's frames come first (Linux only)."""
    if _TASKS_FOLDER.is_dir() and hasattr(os, "setpriority"):
        _lower_priority(threading.get_native_id())


def _lower_priority(thread_id: int) -> None:
    try:
        if os.getpriority(os.PRIO_PROCESS, thread_id) < BACKGROUND_NICE:
            os.setpriority(os.PRIO_PROCESS, thread_id, BACKGROUND_NICE)
    except OSError:  # the thread has ended, or the system refuses: the window is merely less smooth
        pass


class TaskWorker(QObject):
    """Wraps `function(*args, progress=..., cancel=...)` if it accepts those keywords, else `function(*args)`.

    Errors become a plain message (VaeguiError's own text; anything else a short summary and the
    traceback on stderr), never a traceback in a dialog.
    """

    finished = Signal(object)
    failed = Signal(str)
    progress = Signal(object)

    def __init__(
        self, function: Callable[..., Any], *args: Any, pass_progress: bool = False, pass_cancel: bool = False
    ):
        super().__init__()
        self.function = function
        self.args = args
        self.pass_progress = pass_progress
        self.pass_cancel = pass_cancel
        self.cancel_token = CancelToken()

    def run(self) -> None:
        kwargs: dict[str, Any] = {}
        if self.pass_progress:
            kwargs["progress"] = self.progress.emit
        if self.pass_cancel:
            kwargs["cancel"] = self.cancel_token
        run_and_report(self, lambda: self.function(*self.args, **kwargs), "Something went wrong")


def run_and_report(worker: QObject, work: Callable[[], Any], unexpected: str) -> None:
    """Run `work` in the worker's thread, hand the worker back to the GUI thread, then emit the outcome.

    `worker.finished` gets the result; `worker.failed` a plain message: a VaeguiError's own text, or for
    anything else `unexpected` and a short summary, with the traceback on stderr.
    """
    try:
        signal, value = worker.finished, work()
    except VaeguiError as error:
        signal, value = worker.failed, str(error)
    except Exception as error:  # a bug: say so plainly, keep the details for the terminal
        traceback.print_exc()
        signal, value = worker.failed, failure_message(error, unexpected)
    hand_back_to_gui_thread(worker)
    signal.emit(value)


def hand_back_to_gui_thread(worker: QObject) -> None:
    """Move a worker whose work is done to the GUI thread, so that it is deleted there.

    PySide's QObject destructor takes the GIL while Qt holds one of its shared signal-slot locks. In a
    worker thread that deadlocks against the GUI thread when it holds the GIL and waits for the same
    lock (seen: ~QObject of a finished worker on one side, QComboBox.addItem on the other, both frozen).
    Called from the worker's own thread, as moveToThread requires.
    """
    application = QCoreApplication.instance()
    if application is not None and worker.thread() is not application.thread():
        worker.moveToThread(application.thread())


def start_worker(worker: TaskWorker, parent: QObject) -> QThread:
    """Move `worker` to a new thread owned by `parent`, start it, and clean both up when it ends."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    worker.failed.connect(thread.quit)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    # Keep Python references alive until the thread ends.
    thread._worker = worker  # type: ignore[attr-defined]
    thread.start()
    return thread
