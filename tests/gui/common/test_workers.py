"""Workers run off the GUI thread and come back to it when done, so that they are deleted there."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread

from tests.conftest import tiny_config
from vaegui.gui.common.workers import TaskWorker, start_worker
from vaegui.gui.training.training_worker import TrainingRequest, TrainingWorker, start_thread
from vaegui.training.control import TrainingControl

WAIT_MS = 120_000


def on_gui_thread() -> bool:
    return QThread.currentThread() is QCoreApplication.instance().thread()


def test_a_task_runs_on_its_thread_and_its_worker_is_deleted_on_the_gui_thread(qtbot):
    # PySide's QObject destructor takes the GIL under a Qt lock; deleted in the worker thread, a finished
    # worker froze the app against a GUI thread holding the GIL and waiting for that lock.
    parent = QObject()
    worker = TaskWorker(lambda: threading.current_thread() is threading.main_thread())
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS) as done:
        thread = start_worker(worker, parent)
    assert done.args == [False]  # the function ran off the GUI thread
    assert worker.thread() is QCoreApplication.instance().thread()
    deleted_on_gui_thread = []
    worker.destroyed.connect(lambda *_: deleted_on_gui_thread.append(on_gui_thread()),
                             Qt.ConnectionType.DirectConnection)
    qtbot.waitUntil(lambda: not shiboken6.isValid(worker), timeout=WAIT_MS)
    assert deleted_on_gui_thread == [True]
    # The parent owns the thread: it must have ended (and deleted itself) before the parent goes.
    qtbot.waitUntil(lambda: not shiboken6.isValid(thread) or thread.isFinished(), timeout=WAIT_MS)


def test_a_failed_task_comes_back_to_the_gui_thread_too(qtbot):
    def broken() -> None:
        raise ValueError("no such thing")

    parent = QObject()
    worker = TaskWorker(broken)
    with qtbot.waitSignal(worker.failed, timeout=WAIT_MS) as failed:
        thread = start_worker(worker, parent)
    assert failed.args == ["Something went wrong: ValueError: no such thing"]
    assert worker.thread() is QCoreApplication.instance().thread()
    # The parent owns the thread: it must have ended (and deleted itself) before the parent goes.
    qtbot.waitUntil(lambda: not shiboken6.isValid(thread) or thread.isFinished(), timeout=WAIT_MS)


def test_a_training_worker_comes_back_to_the_gui_thread_when_it_ends(qtbot, tmp_path):
    parent = QObject()
    request = TrainingRequest(config=tiny_config(epochs=1), folder=tmp_path / "run")
    worker = TrainingWorker(request, TrainingControl(), probe_size=16)
    trained_on = []
    worker.started.connect(lambda _start: trained_on.append(on_gui_thread()), Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS) as done:
        thread = start_thread(worker, parent)
    assert done.args[0].epochs_completed == 1
    assert trained_on == [False]  # trained off the GUI thread
    assert worker.thread() is QCoreApplication.instance().thread()
    assert thread.wait(WAIT_MS)
