"""One way to work off the GUI thread: JobRunner jobs run on their threads, and every callback a view receives (job
outcomes and progress, the state models' signals) runs on the GUI thread, also while a trainer process trains."""

from __future__ import annotations

import threading

import psygnal
from PySide6.QtCore import QThreadPool

from vaegui.cancel import Cancelled
from vaegui.gui.common.job_runner import QtJobRunner

WAIT_MS = 180_000


def on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def test_every_job_callback_runs_on_the_gui_thread_and_the_work_off_it(qtbot):
    runner = QtJobRunner()
    lane = runner.new_lane("a model's")
    calls: list[tuple[str, bool]] = []

    def work(report, cancel):
        calls.append(("work", on_gui_thread()))
        for step in range(3):
            report(step)
        return "result"

    def broken(report, cancel):
        raise ValueError("no such thing")

    def cancelled(report, cancel):
        raise Cancelled()

    def record(name):
        return lambda *args: calls.append((name, on_gui_thread()))

    failures = []
    for job_work, chosen in ((work, lane), (work, None), (broken, lane), (cancelled, None)):
        runner.submit(job_work, lane=chosen, on_done=record("done"), on_progress=record("progress"),
                      on_failed=lambda message: (failures.append(message), record("failed")()),
                      on_cancelled=record("cancelled"))
    qtbot.waitUntil(lambda: runner.running() == 0, timeout=WAIT_MS)
    assert [name for name, _ in calls].count("progress") == 6
    assert {name for name, _ in calls} == {"work", "progress", "done", "failed", "cancelled"}
    assert all(gui for name, gui in calls if name != "work") and not any(gui for name, gui in calls if name == "work")
    assert failures == ["Something went wrong: ValueError: no such thing"]
    assert QThreadPool.globalInstance().waitForDone(10_000)


def watch_signals(model, record: list[tuple[str, bool]]) -> int:
    """Record the thread of every emission of `model`'s psygnal signals (whether it was the GUI thread); returns how
    many signals it has. The Training tab's test uses it while a trainer trains and the Explorer follows."""
    kind = type(model)
    signals = [name for name in dir(kind) if isinstance(getattr(kind, name, None), psygnal.Signal)]
    for name in signals:
        label = f"{kind.__name__}.{name}"
        getattr(model, name).connect(lambda *args, label=label: record.append((label, on_gui_thread())))
    return len(signals)
