"""The window's side of a trainer process: start it (TensorFlow loads there at once), send it jobs and commands,
read its progress and native lines off the GUI thread, notice when it dies or goes silent; and the pool that keeps
one trainer warm for the next Train."""

from __future__ import annotations

import collections
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from psygnal import Signal

from vaegui.app.jobs import JobRunner
from vaegui.cancel import CancelToken
from vaegui.training.stream import MAX_LINE_BYTES, Event, StreamError, decode_event, encode, line_start

TRAINER_COMMAND = (sys.executable, "-m", "vaegui.trainer")
# Silence allowed before the trainer is declared stuck: it beats once a second, whatever it does, but its
# TensorFlow import can hold Python for a long time on a busy machine.
HEARTBEAT_TIMEOUT_S = 20.0
START_TIMEOUT_S = 240.0
LOG_LINES_KEPT = 400
READ_POLL_S = 0.1  # how soon a reading thread notices that the window is closing
# Ctrl-C in the terminal is the window's to handle (it tells the trainer to stop), so the trainer gets a process group
# of its own; but it stays in the window's session: Linux's autogroups share the CPU between sessions first and rank
# by niceness only inside one, so there its niceness puts it below the window's threads while the two together keep
# the app's share of the machine. Python 3.10 has no process_group: a session of its own, whose autogroup the
# trainer lowers (vaegui/trainer.py).
SEPARATE_FROM_THE_TERMINAL = {"process_group": 0} if sys.version_info >= (3, 11) else {"start_new_session": True}


@dataclass(frozen=True)
class TrainerExit:
    """How a trainer process ended: its exit status (negative: the signal that killed it) and why, as far as known.

    kind: "ended" (exit 0), "killed" (by a signal), "code" (a non-zero exit), "garbage" (it wrote something
    that is not progress and was stopped), "silent" (it stopped answering and was stopped).
    """

    kind: str
    returncode: int | None
    detail: str = ""
    last_lines: tuple[str, ...] = ()


class TrainerProcess:
    """One trainer child. Its stdout (progress) and stderr (native lines) are read on two lanes of the JobRunner;
    everything reaches the listeners on the state models' thread, through the runner."""

    event = Signal(object)  # a checked stream Event
    log_line = Signal(str)  # a line it wrote on stderr (TensorFlow's native lines, tracebacks)
    exited = Signal(object)  # TrainerExit, once, after its last event

    def __init__(self, runner: JobRunner, *, command: tuple[str, ...] | list[str] = TRAINER_COMMAND,
                 echo_log: bool = False, heartbeat_timeout: float = HEARTBEAT_TIMEOUT_S,
                 start_timeout: float = START_TIMEOUT_S):
        self.runner = runner
        self.echo_log = echo_log
        self.heartbeat_timeout, self.start_timeout = heartbeat_timeout, start_timeout
        self.device: str | None = None  # from its ready line
        self.log: collections.deque[str] = collections.deque(maxlen=LOG_LINES_KEPT)
        self.exit: TrainerExit | None = None
        self.started = time.monotonic()
        self.last_heard = self.started  # set by the reading thread: the GUI thread being busy does not count
        self.distrust: str | None = None  # the first line that was not progress
        self._stopping_reason: str | None = None
        self.reading_stopped = False
        self.process = subprocess.Popen(
            list(command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, **SEPARATE_FROM_THE_TERMINAL,
        )
        self.pid = self.process.pid
        self._lanes = [runner.new_lane(f"trainer {self.pid} progress"), runner.new_lane(f"trainer {self.pid} log")]
        runner.submit(self._read_stream, lane=self._lanes[0], on_done=self._on_stream_end,
                      on_failed=lambda message: self._on_stream_end(None), on_cancelled=lambda: None,
                      on_progress=self._on_event)
        runner.submit(self._read_log, lane=self._lanes[1], on_done=lambda _: None, on_failed=lambda _: None,
                      on_cancelled=lambda: None, on_progress=self._on_log_line)

    # ---- commands ------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self.device is not None

    @property
    def alive(self) -> bool:
        return self.exit is None and self.process.poll() is None

    def send(self, command: str, **fields: Any) -> bool:
        """One line on its control channel; False when it can no longer hear (its exit is reported anyway)."""
        try:
            self.process.stdin.write(encode("command", command, **fields))
            self.process.stdin.flush()
            return True
        except (OSError, ValueError):
            return False

    def train(self, job: dict[str, Any]) -> bool:
        return self.send("train", job=job)

    def close(self) -> None:
        """End its control channel: a job under way stops at its next batch (unless detached), then it exits."""
        try:
            self.process.stdin.close()
        except OSError:
            pass

    def kill(self, reason: str | None = None) -> None:
        """End it at once (kill -9); `reason` ("garbage", "silent") is what its exit will say."""
        self._stopping_reason = self._stopping_reason or reason
        try:
            os.killpg(self.pid, signal.SIGKILL) if hasattr(os, "killpg") else self.process.kill()
        except (ProcessLookupError, PermissionError):
            pass

    def stop_reading(self) -> None:
        """The window is closing: its reading threads end within READ_POLL_S; the process goes on as told."""
        self.reading_stopped = True
        for lane in self._lanes:
            self.runner.retire_lane(lane)

    def check(self, now: float | None = None) -> None:
        """Called about once a second: a trainer silent for too long is stopped and reported."""
        if not self.alive or self._stopping_reason is not None:
            return
        now = time.monotonic() if now is None else now
        limit = self.heartbeat_timeout if self.ready else self.start_timeout
        if now - self.last_heard > limit:
            self.kill("silent")

    # ---- reading (on the lanes' threads) ---------------------------------------------------------

    def _read_stream(self, report, cancel) -> int | None:
        for line in read_lines(self.process.stdout, cancel):
            self.last_heard = time.monotonic()
            if self.distrust is not None:
                continue  # stopped trusting it: read to the end without acting on anything
            try:
                report(decode_event(line))
            except StreamError as error:
                self.distrust = line_start(line)  # the message names the line; the log says what was wrong
                self.log.append(f"vaegui: the trainer's progress stream was refused: {error}")
                report(error)
        cancel.raise_if_cancelled()  # the window is closing: nobody waits for this trainer's end
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # it closed its stdout but lives on: it cannot report any more
            self.kill("silent")
            return self.process.wait()

    def _read_log(self, report, cancel) -> None:
        for raw in read_lines(self.process.stderr, cancel):
            text = raw.decode("utf-8", "replace").rstrip("\n")
            if self.echo_log:
                sys.stderr.write(text + "\n")  # --verbose: the person asked for TensorFlow's own lines
            report(text)

    # ---- delivered on the models' thread ---------------------------------------------------------

    def _on_event(self, payload: Event | StreamError) -> None:
        if isinstance(payload, StreamError):
            # Never trusted blindly: a trainer that writes something else is stopped and the run kept as saved.
            self.kill("garbage")
            return
        if payload.name == "ready":
            self.device = payload["device"]
        self.event.emit(payload)

    def _on_log_line(self, text: str) -> None:
        self.log.append(text)
        self.log_line.emit(text)

    def _on_stream_end(self, returncode: int | None) -> None:
        if self.exit is not None:
            return
        code = self.process.poll() if returncode is None else returncode
        reason = self._stopping_reason
        if reason == "garbage":
            exit_ = TrainerExit("garbage", code, self.distrust or "")
        elif reason == "silent":
            exit_ = TrainerExit("silent", code, f"{self.heartbeat_timeout if self.ready else self.start_timeout:.0f}")
        elif code is not None and code < 0:
            exit_ = TrainerExit("killed", code, _signal_name(-code))
        elif code:
            exit_ = TrainerExit("code", code)
        else:
            exit_ = TrainerExit("ended", code)
        self.exit = TrainerExit(exit_.kind, exit_.returncode, exit_.detail, tuple(self.log)[-20:])
        for lane in self._lanes:
            self.runner.retire_lane(lane)
        self.exited.emit(self.exit)


def read_lines(stream, cancel: CancelToken) -> Iterator[bytes]:
    """The lines of a child's pipe as they come, ending at its end or soon after `cancel` (so no thread waits on a
    trainer that outlives the window). A line longer than MAX_LINE_BYTES comes out cut, to be refused."""
    if os.name != "posix":  # no select() on pipes: blocking reads (the lanes end when the trainer does)
        yield from stream
        return
    fd, pending = stream.fileno(), b""
    while not cancel.cancelled:
        if not select.select([fd], [], [], READ_POLL_S)[0]:
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        *lines, pending = (pending + chunk).split(b"\n")
        yield from (line + b"\n" for line in lines)
        if len(pending) > MAX_LINE_BYTES:
            yield pending
            pending = b""
    if pending and not cancel.cancelled:
        yield pending


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class TrainerPool:
    """Keeps one trainer warm (TensorFlow loaded, waiting) for the next job; hands it out and takes it back."""

    ready = Signal(str)  # the device, each time a trainer has loaded TensorFlow
    failed = Signal(str)  # TensorFlow could not be loaded in the trainer: why

    def __init__(self, runner: JobRunner, *, command: tuple[str, ...] | list[str] = TRAINER_COMMAND,
                 echo_log: bool = False, heartbeat_timeout: float = HEARTBEAT_TIMEOUT_S):
        self.runner, self.command, self.echo_log = runner, tuple(command), echo_log
        self.heartbeat_timeout = heartbeat_timeout
        self.idle: TrainerProcess | None = None
        self.busy: list[TrainerProcess] = []
        self.device: str | None = None
        self.failure: str | None = None
        self.closed = False

    def prewarm(self) -> None:
        """Start a trainer now, so that the next Train need not wait for TensorFlow."""
        self.closed = False
        if self.idle is None:
            self.idle = self._start()

    def _start(self) -> TrainerProcess:
        trainer = TrainerProcess(self.runner, command=self.command, echo_log=self.echo_log,
                                 heartbeat_timeout=self.heartbeat_timeout)
        trainer.event.connect(lambda event, t=trainer: self._on_event(t, event))
        trainer.exited.connect(lambda _exit, t=trainer: self._on_exit(t))
        return trainer

    def take(self) -> TrainerProcess:
        """A trainer for one job: the warm one if it is there (it may still be loading TensorFlow), else a new one."""
        self.closed = False
        trainer, self.idle = self.idle, None
        if trainer is None or not trainer.alive:
            trainer = self._start()
        self.busy.append(trainer)
        return trainer

    def give_back(self, trainer: TrainerProcess) -> None:
        """Its job has ended: it waits for the next one, unless a trainer already waits (then it ends)."""
        if trainer in self.busy:
            self.busy.remove(trainer)
        if trainer.alive and self.idle is None and not self.closed:
            self.idle = trainer
        else:
            trainer.close()

    def check(self, now: float | None = None) -> None:
        for trainer in [*self.busy, *([self.idle] if self.idle else [])]:
            trainer.check(now)

    def _on_event(self, trainer: TrainerProcess, event: Event) -> None:
        if event.name == "ready":
            self.device, self.failure = event["device"], None
            self.ready.emit(self.device)
        elif event.name == "failed" and event["reason"] == "tensorflow" and self.device is None:
            self.failure = event["message"]
            self.failed.emit(self.failure)

    def _on_exit(self, trainer: TrainerProcess) -> None:
        if trainer is self.idle:
            self.idle = None  # a warm trainer that died: the next Train starts another
        elif trainer in self.busy:
            self.busy.remove(trainer)  # its job's follower let it go (a closed window) and it has ended

    def shutdown(self) -> None:
        """The window is closing: the waiting trainer ends now (it holds nothing); busy ones were told by their jobs
        (stop, or detach) and end on their own, nobody reading them any more."""
        self.closed = True
        if self.idle is not None:
            self.idle.kill()
            self.idle = None
        for trainer in self.busy:
            trainer.close()
            trainer.stop_reading()

    def end_all(self) -> None:
        """The process is ending: every trainer it reads ends now (those detached by a closed window are no longer
        read), so that no reading thread is left waiting."""
        for trainer in [*self.busy, *([self.idle] if self.idle else [])]:
            if not trainer.reading_stopped:
                trainer.kill()
        self.idle, self.busy, self.closed = None, [], True
