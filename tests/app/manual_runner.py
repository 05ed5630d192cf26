"""A JobRunner for the state models' tests: jobs wait in a queue until the test runs them, in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vaegui.app.jobs import failure_message
from vaegui.cancel import Cancelled, CancelToken


@dataclass(eq=False)
class ManualLane:
    name: str
    retired: bool = False


@dataclass(eq=False)
class ManualJob:
    work: Any
    lane: ManualLane | None
    callbacks: dict
    token: CancelToken = field(default_factory=CancelToken)
    reports: list = field(default_factory=list)

    def cancel(self) -> None:
        self.token.cancel()


class ManualRunner:
    def __init__(self) -> None:
        self.queue: list[ManualJob] = []
        self.lanes: list[ManualLane] = []

    def new_lane(self, name: str) -> ManualLane:
        lane = ManualLane(name)
        self.lanes.append(lane)
        return lane

    def retire_lane(self, lane: ManualLane) -> None:
        lane.retired = True
        for job in self.queue:
            if job.lane is lane:
                job.cancel()

    def submit(self, work, *, lane, on_done, on_failed, on_cancelled, on_progress=None) -> ManualJob:
        job = ManualJob(work, lane, {"done": on_done, "failed": on_failed, "cancelled": on_cancelled,
                                     "progress": on_progress})
        self.queue.append(job)
        return job

    def run_next(self, *, cancel_after_work: bool = False) -> ManualJob:
        """Run the oldest job's work here, then deliver its reports and its outcome, as the app's runner does."""
        job = self.queue.pop(0)
        try:
            result, error = job.work(job.reports.append, job.token), None
        except Exception as caught:  # noqa: BLE001 (delivered like the app's runner)
            result, error = None, caught
        if cancel_after_work:
            job.cancel()
        for payload in job.reports:
            if job.callbacks["progress"] is not None and not job.token.cancelled:
                job.callbacks["progress"](payload)
        if job.token.cancelled or isinstance(error, Cancelled):
            job.callbacks["cancelled"]()
        elif error is not None:
            job.callbacks["failed"](failure_message(error))
        else:
            job.callbacks["done"](result)
        return job

    def run_all(self) -> None:
        while self.queue:
            self.run_next()
