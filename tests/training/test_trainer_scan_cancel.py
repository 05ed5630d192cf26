"""Stop during a big folder's first scan, in the trainer: the scan takes the stop as its cancel token, the job ends
at once as "stopped", and no run folder is left behind."""

from __future__ import annotations

import io
import json
import time

import numpy as np
from PIL import Image

from tests.conftest import tiny_config
from vaegui.training.stream import StreamWriter
from vaegui.training.trainer_process import StreamedControl, run_job

FILES = 3_000


class StopWhenScanning(StreamWriter):
    """The window's Stop, pressed as soon as the trainer says it is looking at the pictures."""

    def __init__(self, out, stop_on: str):
        super().__init__(out)
        self.control: StreamedControl | None = None
        self.stop_on = stop_on
        self.stopped_at: float | None = None

    def write(self, event: str, /, **fields) -> None:
        super().write(event, **fields)
        if event == "status" and self.stop_on in fields["text"] and self.stopped_at is None:
            self.stopped_at = time.perf_counter()
            self.control.stop()


def test_stop_during_a_folder_scan_ends_the_job_at_once_and_leaves_no_run(tmp_path, monkeypatch):
    monkeypatch.setenv("VAEGUI_CACHE", str(tmp_path / "cache"))  # a first scan: every header is opened
    folder = tmp_path / "pictures"
    folder.mkdir()
    picture = io.BytesIO()
    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8), mode="L").save(picture, format="PNG")
    for number in range(FILES):
        (folder / f"{number:05d}.png").write_bytes(picture.getvalue())
    config = tiny_config(epochs=1)
    config.data.dataset = str(folder)
    out = io.BytesIO()
    writer = StopWhenScanning(out, stop_on="Listing the pictures")
    control = writer.control = StreamedControl(writer)
    runs = tmp_path / "runs"

    run_job({"kind": "new", "config": config.to_dict(), "folder": None, "runs_root": str(runs)}, control, writer)
    ended = time.perf_counter()

    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert writer.stopped_at is not None, events
    assert events[-1]["event"] == "stopped" and events[-1]["epochs_completed"] == 0 and events[-1]["folder"] == ""
    assert not any(e["event"] in ("run", "start", "failed") for e in events), events
    assert not any("of 3,000 files" in e.get("text", "") for e in events)  # it never got to count them all
    assert ended - writer.stopped_at < 1.0  # checked every 256 files: a 200,000-file scan ends as soon
    assert not runs.exists() or not any(runs.iterdir())  # nothing half made
