"""Background jobs as the Qt-free state models see them: cancel tokens, lanes, and the runner the app provides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from vaegui.cancel import CancelToken
from vaegui.errors import failure_message

# work(report, cancel) runs on a worker thread; report(payload) hands a small copy back to the model's thread.
Work = Callable[[Callable[[Any], None], CancelToken], Any]


__all__ = ["Job", "JobRunner", "Lane", "Work", "failure_message"]


class Lane(Protocol):
    """Jobs submitted to one lane run one after another on one thread, which owns the Keras model they use."""

    name: str


class Job(Protocol):
    token: CancelToken

    def cancel(self) -> None: ...


class JobRunner(Protocol):
    """Runs work off the model's thread and calls back on it (the GUI thread in the app).

    `on_done(result)`, `on_failed(message)`, `on_cancelled()` and `on_progress(payload)` are called on
    the thread that owns the state model, never on the worker's. Exactly one of the first three comes
    for each job: `on_cancelled` when the job was cancelled, whatever it returned or raised.
    """

    def new_lane(self, name: str) -> Lane: ...

    def retire_lane(self, lane: Lane) -> None: ...

    def submit(
        self,
        work: Work,
        *,
        lane: Lane | None,
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        on_cancelled: Callable[[], None],
        on_progress: Callable[[Any], None] | None = None,
    ) -> Job: ...
