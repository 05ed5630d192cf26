"""`vaegui train` without TensorFlow's native start-up lines: the command runs again in a child process whose stderr
this one reads and passes on through tensorflow_start.keep_line, so that no process redirects its own descriptors.

The child is the program as the person knows it: it holds the run's lock (its process number is the one
messages name), and Ctrl-C in the terminal reaches it directly, as before (its first stops at the end of a
batch, its second quits); this process ignores Ctrl-C and passes a SIGTERM on. Should this process die, the
child gets a SIGINT (Linux), as if Ctrl-C had been pressed. Partial lines (a progress bar redrawing) pass at
once unless they may be the start of one of TensorFlow's.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable

FILTERED_ENV = "VAEGUI_STDERR_FILTERED"  # set in the child: it is the one that works
TERMINAL_ENV = "VAEGUI_STDERR_IS_TERMINAL"  # the person's stderr is a terminal: the child may draw a live bar
# What the start of one of TensorFlow's lines looks like (absl's "I0000 …", its banner "WARNING: All log …").
_MAYBE_NATIVE = re.compile(rb"^(?:[IWEF]\d{0,4}(?: .*)?|W(?:A(?:R(?:N(?:I(?:N(?:G.*)?)?)?)?)?)?)$", re.DOTALL)


def filtered() -> bool:
    """Whether this process is the child that works (its stderr is filtered by its parent)."""
    return os.environ.get(FILTERED_ENV) == "1"


def run_filtered(argv: list[str]) -> int | None:
    """Run `vaegui ARGV` in a child whose stderr goes through the filter; its exit status (130 after Ctrl-C), or None
    when no child can be started here (the command then runs in this process, unfiltered)."""
    from vaegui.tensorflow_start import native_line_filter

    env = {**os.environ, FILTERED_ENV: "1", **({TERMINAL_ENV: "1"} if sys.stderr.isatty() else {})}
    try:
        # This process is single-threaded here: preexec_fn is safe.
        child = subprocess.Popen([sys.executable, "-m", "vaegui.cli", *argv], stderr=subprocess.PIPE, env=env,
                                 preexec_fn=_interrupt_when_parent_dies)
    except OSError:
        return None
    previous = {signal.SIGINT: signal.signal(signal.SIGINT, signal.SIG_IGN),
                signal.SIGTERM: signal.signal(signal.SIGTERM, lambda n, _frame: _forward(child, n))}
    try:
        copy_filtered(child.stderr.fileno(), sys.stderr.buffer, native_line_filter())
        code = child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 128 - code if code < 0 else code


def _interrupt_when_parent_dies() -> None:
    """In the child before it starts: SIGINT when the filtering parent dies (Linux's PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGINT)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the child notices the parent's end when its stderr breaks


def _forward(child: subprocess.Popen, number: int) -> None:
    try:
        child.send_signal(number)
    except ProcessLookupError:
        pass


def copy_filtered(source_fd: int, out, keep: Callable[[bytes], bool]) -> None:
    """Copy `source_fd` to `out` until its end: whole lines through `keep`, other output at once."""
    pending, passing = b"", False  # `passing`: the unfinished line was already judged (and written in part)
    while True:
        try:
            chunk = os.read(source_fd, 1 << 16)
        except InterruptedError:
            continue
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if passing or keep(line + b"\n"):
                out.write(line + b"\n")
            passing = False
        if pending and (passing or not _MAYBE_NATIVE.match(pending)):
            out.write(pending)  # a progress bar's redraw, a prompt: not TensorFlow's, shown now
            pending, passing = b"", True
        out.flush()
    if pending and (passing or keep(pending)):
        out.write(pending)
        out.flush()
