"""The trainer process's progress stream and control channel: versioned JSON lines, written, read and checked.

The trainer (``python -m vaegui.trainer``) writes one JSON object per line on its stdout
and reads one command per line on its stdin. Every line carries ``"version": 1`` and a name; anything
else on either channel is refused, never guessed at.

Progress (trainer → window), key ``"event"``, each with ``"time"`` (seconds since 1970):

    ready      {pid, host, device}          TensorFlow is loaded; the trainer waits for a job
    heartbeat  {}                           about once a second, whatever the trainer is doing
    status     {text}                       what it does before training starts ("Loading digits…")
    note       {text}                       something the person should know (skipped files, a repaired history)
    run        {folder, epochs_completed, config, class_names}   the run folder being trained exists
    start      {device, run_folder, initial_epoch, epochs, batches_per_epoch, train_images, notes}
    batch      {epoch, epochs, batch, batches, images_per_second, eta_seconds, positions, losses}
               every batch since the previous batch line: positions are fractional epochs (epoch 3,
               batch 10 of 50 → 2.2), losses {name: [value per position]}; at most MAX_BATCH_LINES_PER_SECOND
    epoch      {epoch, epochs, record, views}   a completed, checkpointed epoch: its history.csv row, and
               the run-folder-relative file of its views (the probe's codes, copies, KL per dimension) or null
    experiment {index, count, name}          an experiment's next run starts
    timed      {pace}                       a time_default_batches job's result: this machine's pace for the
               default model (vaegui.training.first_run.Pace as a dict), or null; no ending follows
    paused     {epoch, batch, batches_done, asked_at}   the training loop waits, after that batch; batches_done
               and asked_at count the job's batches trained now and when the pause was asked
    resumed    {}
    stopped    {folder, epochs_completed, runs, batches_done, asked_at}   stopped by request (asked_at: after
               that many batches); the last completed epoch is kept
    finished   {folder, epochs_completed, runs}     trained to its last epoch (runs: an experiment's folders)
    failed     {message, reason, folder, epochs_completed, holder, problem}
               reason: "error", "in_use" (holder: who trains the run), "dataset_missing" (problem: what
               is missing), "tensorflow" (TensorFlow could not be loaded)

Commands (window → trainer), key ``"command"``:

    train   {job}   job: {kind: "new", config, folder, runs_root} | {kind: "continue", folder, changes}
                    | {kind: "experiment", planned: [{name, folder_stem, config}], runs_root}
                    | {kind: "time_default_batches", dataset, batch_size} (a few batches, for the welcome's times)
    pause, resume, stop     act at the next batch boundary
    detach  the window is closing and the person chose to keep training: go on without a reader
    quit    end once the job under way (if any) has ended; closing stdin means the same, after a stop

The same words are documented for people in docs/trainer-stream.md.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from vaegui.loss_terms import LOSS_NAMES
from vaegui.training.progress import BatchProgress, EpochProgress, TrainingListener, TrainingStart

VERSION = 1
MAX_BATCH_LINES_PER_SECOND = 10
HEARTBEAT_SECONDS = 1.0
MAX_LINE_BYTES = 1 << 20  # a longer line is not progress: refused without being parsed

EVENTS = ("ready", "heartbeat", "status", "note", "run", "start", "batch", "epoch", "experiment", "timed", "paused",
          "resumed", "stopped", "finished", "failed")
ENDINGS = ("stopped", "finished", "failed")
COMMANDS = ("train", "pause", "resume", "stop", "detach", "quit")
# The fields each event must carry, and their types (a trainer is never trusted blindly).
_NUMBER = (int, float)
_REQUIRED: dict[str, dict[str, type | tuple[type, ...]]] = {
    "ready": {"pid": int, "host": str, "device": str},
    "heartbeat": {},
    "status": {"text": str},
    "note": {"text": str},
    "run": {"folder": str, "epochs_completed": int, "config": dict},
    "start": {"device": str, "run_folder": str, "initial_epoch": int, "epochs": int, "batches_per_epoch": int,
              "train_images": int, "notes": list},
    "batch": {"epoch": int, "epochs": int, "batch": int, "batches": int, "images_per_second": _NUMBER,
              "eta_seconds": _NUMBER, "positions": list, "losses": dict},
    "epoch": {"epoch": int, "epochs": int, "record": dict},
    "experiment": {"index": int, "count": int, "name": str},
    "timed": {},
    "paused": {"epoch": int, "batch": int},
    "resumed": {},
    "stopped": {"epochs_completed": int},
    "finished": {"epochs_completed": int},
    "failed": {"message": str, "reason": str},
}


class StreamError(ValueError):
    """A line that is not progress of this version: what was wrong, and the start of the line."""


def line_start(line: bytes | str) -> str:
    """The start of a line, quoted, to name it in a message."""
    return _start_of(line)


@dataclass(frozen=True)
class Event:
    """One line of progress, checked: its name, its time and its fields."""

    name: str
    time: float
    fields: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.fields[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


def encode(kind: str, name: str, /, **fields: Any) -> bytes:
    """One line of the stream (`kind` "event") or of the control channel (`kind` "command"), newline included."""
    line = {"version": VERSION, kind: name, **({"time": time.time()} if kind == "event" else {}), **fields}
    return (json.dumps(line, separators=(",", ":"), allow_nan=True) + "\n").encode("utf-8")


def decode_event(line: bytes | str) -> Event:
    """A progress line, checked against this version's events (StreamError when it is not one)."""
    raw = _parse(line)
    name = raw.get("event")
    if name not in EVENTS:
        raise StreamError(f"unknown event {name!r}: {_start_of(line)}")
    _check_fields(name, raw, line)
    stamp = raw.get("time")
    if not isinstance(stamp, _NUMBER) or isinstance(stamp, bool):
        raise StreamError(f"{name} without its time: {_start_of(line)}")
    fields = {k: v for k, v in raw.items() if k not in ("version", "event", "time")}
    if name == "batch":
        _check_batch(fields, line)
    return Event(name, float(stamp), fields)


def decode_command(line: bytes | str) -> tuple[str, dict[str, Any]]:
    """A control line: the command and its fields (StreamError when it is not one of this version's)."""
    raw = _parse(line)
    name = raw.get("command")
    if name not in COMMANDS:
        raise StreamError(f"unknown command {name!r}: {_start_of(line)}")
    if name == "train" and not isinstance(raw.get("job"), dict):
        raise StreamError(f"train without a job: {_start_of(line)}")
    return name, {k: v for k, v in raw.items() if k not in ("version", "command")}


def _parse(line: bytes | str) -> dict[str, Any]:
    if len(line) > MAX_LINE_BYTES:
        raise StreamError(f"a line of {len(line):,} bytes: {_start_of(line)}")
    try:
        raw = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise StreamError(f"not JSON: {_start_of(line)}") from None
    if not isinstance(raw, dict):
        raise StreamError(f"not a JSON object: {_start_of(line)}")
    if raw.get("version") != VERSION:
        raise StreamError(f"version {raw.get('version')!r}, expected {VERSION}: {_start_of(line)}")
    return raw


def _check_fields(name: str, raw: dict[str, Any], line: bytes | str) -> None:
    for key, kind in _REQUIRED[name].items():
        value = raw.get(key)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise StreamError(f"{name} with a missing or wrong {key!r}: {_start_of(line)}")


def _check_batch(fields: dict[str, Any], line: bytes | str) -> None:
    positions, losses = fields["positions"], fields["losses"]
    if not positions or not all(isinstance(p, _NUMBER) for p in positions):
        raise StreamError(f"batch without its positions: {_start_of(line)}")
    for name, values in losses.items():
        if name not in LOSS_NAMES or not isinstance(values, list) or len(values) != len(positions):
            raise StreamError(f"batch with a wrong loss {name!r}: {_start_of(line)}")
        if not all(v is None or isinstance(v, _NUMBER) for v in values):
            raise StreamError(f"batch with a loss that is not a number: {_start_of(line)}")


def _start_of(line: bytes | str) -> str:
    text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
    text = text.strip()
    return repr(text[:80] + ("…" if len(text) > 80 else ""))


def _finite(value: float) -> float | None:
    # JSON has no NaN: a missing loss (a plain autoencoder's KL) travels as null.
    return float(value) if math.isfinite(value) else None


class StreamWriter:
    """Writes events to the trainer's stdout, one whole line at a time, from any of its threads.

    Once the reader is gone (a broken pipe, or `detach`) lines are dropped: training goes on.
    """

    def __init__(self, out: IO[bytes] | None):
        self._out = out
        self._lock = threading.Lock()

    def write(self, event: str, /, **fields: Any) -> None:
        line = encode("event", event, **fields)
        with self._lock:
            if self._out is None:
                return
            try:
                self._out.write(line)
                self._out.flush()
            except (OSError, ValueError):  # the window has gone (closed pipe): nobody reads any more
                self._out = None

    def detach(self) -> None:
        with self._lock:
            self._out = None


class StreamListener(TrainingListener):
    """A TrainingSession's listener in the trainer: batches gathered and sent at most 10 times a second, the rest
    as it comes. Each call only appends to lists (microseconds): training pays almost nothing for it."""

    def __init__(self, writer: StreamWriter, *, on_batch: Callable[[BatchProgress], None] | None = None,
                 clock: Callable[[], float] = time.perf_counter):
        self.writer = writer
        self.clock = clock
        self.interval = 1.0 / MAX_BATCH_LINES_PER_SECOND
        self.notes: tuple[str, ...] = ()  # added to the start line (e.g. files the data left out)
        self.latest: BatchProgress | None = None
        self._on_batch = on_batch
        self._last_sent = -math.inf
        self.batches_done = 0  # of this listener's training, all epochs
        self._positions: list[float] = []
        self._losses: dict[str, list[float | None]] = {name: [] for name in LOSS_NAMES}

    def on_start(self, start: TrainingStart) -> None:
        self.writer.write("start", device=start.device, run_folder=start.run_folder, initial_epoch=start.initial_epoch,
                          epochs=start.epochs, batches_per_epoch=start.batches_per_epoch,
                          train_images=start.train_images, notes=[*start.notes, *self.notes])

    def on_batch(self, progress: BatchProgress) -> None:
        self.latest = progress
        self.batches_done += 1
        self._positions.append(progress.epoch - 1 + progress.batch / progress.batches)
        for name in LOSS_NAMES:
            self._losses[name].append(_finite(progress.losses.get(name, math.nan)))
        if self._on_batch is not None:
            self._on_batch(progress)
        now = self.clock()
        if now - self._last_sent >= self.interval:
            self._last_sent = now
            self.flush()

    def flush(self) -> None:
        """Send the batches gathered since the last line (also at each epoch's end: its curve is then complete)."""
        latest = self.latest
        if latest is None or not self._positions:
            return
        positions, losses = self._positions, self._losses
        self._positions, self._losses = [], {name: [] for name in LOSS_NAMES}
        losses = {name: values for name, values in losses.items() if any(v is not None for v in values)}
        self.writer.write("batch", epoch=latest.epoch, epochs=latest.epochs, batch=latest.batch, batches=latest.batches,
                          images_per_second=latest.images_per_second, eta_seconds=latest.eta_seconds,
                          positions=positions, losses=losses)

    def on_epoch(self, progress: EpochProgress) -> None:
        self.flush()
        views = None if progress.views is None else f"epochs/epoch-{progress.epoch:05d}.npz"
        self.writer.write("epoch", epoch=progress.epoch, epochs=progress.epochs,
                          record={k: _finite(v) for k, v in progress.record.items()}, views=views)
