"""The trainer's progress stream: what it writes is what the window reads, batches arrive all but few, and a line
that is not progress of this version is refused, never guessed at."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest

from vaegui.training.progress import BatchProgress, EpochProgress, TrainingStart
from vaegui.training.stream import (
    MAX_BATCH_LINES_PER_SECOND,
    VERSION,
    StreamError,
    StreamListener,
    StreamWriter,
    decode_command,
    decode_event,
    encode,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def written_events(out: io.BytesIO):
    return [decode_event(line) for line in out.getvalue().splitlines()]


def test_a_training_written_on_the_stream_reads_back_with_every_batch_and_few_lines():
    out, clock = io.BytesIO(), Clock()
    listener = StreamListener(StreamWriter(out), clock=clock)
    listener.notes = ("Skipped 2 files",)
    epochs, batches = 3, 400
    listener.on_start(TrainingStart("CPU (2 cores)", "runs/x", 0, epochs, batches, 25_600, ("a note",)))
    for epoch in range(1, epochs + 1):
        for batch in range(1, batches + 1):
            clock.now += 0.0025  # 400 batches a second: the window hears of them ten times a second
            kl = math.nan if batch == 7 else 0.5
            listener.on_batch(BatchProgress(epoch, epochs, batch, batches,
                                            {"loss": epoch * 1000.0 + batch, "reconstruction_loss": 1.0,
                                             "kl_loss": kl}, 100.0, 1.0))
        listener.on_epoch(EpochProgress(epoch, epochs, {"epoch": epoch, "loss": 2.0, "knn_accuracy": math.nan}, None))
    events = written_events(out)

    assert events[0].name == "start" and events[0]["notes"] == ["a note", "Skipped 2 files"]
    lines = [e for e in events if e.name == "batch"]
    seconds = epochs * batches * 0.0025
    assert len(lines) <= MAX_BATCH_LINES_PER_SECOND * seconds + epochs + 1
    positions = np.concatenate([e["positions"] for e in lines])
    losses = np.concatenate([e["losses"]["loss"] for e in lines])
    assert len(positions) == epochs * batches and np.all(np.diff(positions) > 0) and positions[-1] == epochs
    assert losses[0] == 1001 and losses[-1] == epochs * 1000 + batches
    kl = [v for e in lines for v in e["losses"]["kl_loss"]]
    assert kl.count(None) == epochs  # NaN travels as null
    epoch_lines = [e for e in events if e.name == "epoch"]
    assert [e["epoch"] for e in epoch_lines] == [1, 2, 3]
    assert epoch_lines[0]["record"]["knn_accuracy"] is None and epoch_lines[0]["views"] is None
    # Each epoch's batches are all sent before its epoch line: the curve of an epoch is complete when it ends.
    before_first_epoch = events[: events.index(epoch_lines[0])]
    assert sum(len(e["positions"]) for e in before_first_epoch if e.name == "batch") == batches


@pytest.mark.parametrize("line, problem", [
    (b"Epoch 1/2 - loss 3.2\n", "not JSON"),
    (b"[1, 2]\n", "not a JSON object"),
    (json.dumps({"version": VERSION + 1, "event": "heartbeat", "time": 1.0}).encode(), "version 2"),
    (json.dumps({"version": VERSION, "event": "explode", "time": 1.0}).encode(), "unknown event"),
    (json.dumps({"version": VERSION, "event": "heartbeat"}).encode(), "without its time"),
    (json.dumps({"version": VERSION, "event": "epoch", "time": 1.0, "epoch": "two", "epochs": 3,
                 "record": {}}).encode(), "wrong 'epoch'"),
    (json.dumps({"version": VERSION, "event": "batch", "time": 1.0, "epoch": 1, "epochs": 1, "batch": 1,
                 "batches": 1, "images_per_second": 1, "eta_seconds": 0, "positions": [0.5, 1.0],
                 "losses": {"loss": [1.0]}}).encode(), "wrong loss 'loss'"),
    (b"x" * (2 << 20), "bytes"),
])
def test_a_line_that_is_not_progress_is_refused_naming_what_is_wrong(line, problem):
    with pytest.raises(StreamError, match=problem):
        decode_event(line)


def test_commands_read_back_and_others_are_refused():
    assert decode_command(encode("command", "pause")) == ("pause", {})
    name, fields = decode_command(encode("command", "train", job={"kind": "continue", "folder": "runs/x"}))
    assert name == "train" and fields["job"]["folder"] == "runs/x"
    for line in (b"pause\n", encode("command", "format_disk"), encode("command", "train")):
        with pytest.raises(StreamError):
            decode_command(line)


def test_a_writer_whose_reader_has_gone_drops_lines_and_training_goes_on():
    class Gone(io.BytesIO):
        def write(self, data):
            raise BrokenPipeError(32, "Broken pipe")

    writer = StreamWriter(Gone())
    writer.write("heartbeat")  # no exception: the window closed, the trainer carries on as told
    writer.write("heartbeat")
