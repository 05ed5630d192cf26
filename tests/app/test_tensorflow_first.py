"""A model's jobs (on a lane) wait until TensorFlow is in this process; other jobs, and cancelled ones, do not."""

from __future__ import annotations

from tests.app.manual_runner import ManualRunner
from vaegui.app.tensorflow_first import TensorFlowFirst


def test_lane_jobs_wait_for_tensorflow_and_a_job_cancelled_meanwhile_never_runs():
    runner, waiting = ManualRunner(), []
    first = TensorFlowFirst(runner, waiting.append)  # the app: AppState.with_tensorflow
    outcomes = []

    def submit(name, lane):
        return first.submit(lambda report, cancel: name, lane=lane, on_done=outcomes.append,
                            on_failed=outcomes.append, on_cancelled=lambda: outcomes.append(f"{name} cancelled"))

    lane = first.new_lane("a model")
    projection = submit("projection", None)  # numpy only: at once
    load = submit("load", lane)
    encode = submit("encode", lane)
    assert [job.work(None, None) for job in runner.queue] == ["projection"] and len(waiting) == 2
    encode.cancel()
    for then in waiting:  # TensorFlow is in
        then()
    runner.run_all()
    assert outcomes == ["encode cancelled", "projection", "load"]
    assert projection.token is not load.token and not load.token.cancelled
