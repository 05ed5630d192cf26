"""Background jobs as the Qt-free state models see them: cancel tokens, lanes, and the runner the app provides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from vaegui.cancel import CancelToken
from vaegui.errors import VaeguiError
from vaegui.keras_errors import plain_error_text

# work(report, cancel) runs on a worker thread; report(payload) hands a small copy back to the model's thread.
Work = Callable[[Callable[[Any], None], CancelToken], Any]


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


def failure_message(error: BaseException, unexpected: str = "Something went wrong") -> str:
    """A VaeguiError's own text; for anything else (a bug, or a model's own code failing) a short summary the person
    can act on or report: Keras's colour codes and tensor dumps left out (vaegui.keras_errors)."""
    if isinstance(error, VaeguiError):
        return str(error)
    return f"{unexpected}: {type(error).__name__}: {plain_error_text(error)}"
