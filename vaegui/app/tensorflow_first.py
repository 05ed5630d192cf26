"""A JobRunner whose model jobs (those on a lane) start only once TensorFlow is in this process: the Explorer's
models are loaded and traced on their lanes, and TensorFlow first imported on such a lane crashed that lane's next
tracing while the GUI thread decoded. The app imports it on a thread of its own first (AppState.with_tensorflow)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vaegui.app.jobs import Job, JobRunner, Lane, Work
from vaegui.cancel import CancelToken


class _Waiting:
    """A job submitted before TensorFlow was in: it starts then, unless cancelled meanwhile."""

    def __init__(self) -> None:
        self.token = CancelToken()
        self.started: Job | None = None

    def cancel(self) -> None:
        self.token.cancel()
        if self.started is not None:
            self.started.cancel()


class TensorFlowFirst:
    """`runner`'s jobs on a lane wait for `when_tensorflow_is_in(then)` to call back; the others start at once."""

    def __init__(self, runner: JobRunner, when_tensorflow_is_in: Callable[[Callable[[], None]], None]):
        self.runner, self.when_in = runner, when_tensorflow_is_in

    def new_lane(self, name: str) -> Lane:
        return self.runner.new_lane(name)

    def retire_lane(self, lane: Lane) -> None:
        self.runner.retire_lane(lane)

    def submit(self, work: Work, *, lane: Lane | None, on_done: Callable[[Any], None],
               on_failed: Callable[[str], None], on_cancelled: Callable[[], None],
               on_progress: Callable[[Any], None] | None = None) -> Job:
        submit = lambda: self.runner.submit(work, lane=lane, on_done=on_done, on_failed=on_failed,  # noqa: E731
                                            on_cancelled=on_cancelled, on_progress=on_progress)
        if lane is None:
            return submit()
        waiting = _Waiting()

        def start() -> None:
            if waiting.token.cancelled:
                on_cancelled()
            else:
                waiting.started = submit()

        self.when_in(start)
        return waiting if waiting.started is None else waiting.started
