"""What the window says about trainings, in plain words: how one ended (a crash included, and what the run keeps),
who trains a run this window only follows, and what the person can do next. Qt-free."""

from __future__ import annotations

import os
import re

from vaegui.runs.lock import LockHolder, clock_time

# The lock record of a training a vaegui window started (vaegui.training.trainer_process.window_command).
_WINDOW_COMMAND = re.compile(r"^vaegui window \(process (\d+)\)")
_SIGNAL_CAUSES = {
    "SIGKILL": "it was killed (SIGKILL): most often the computer ran out of memory, or someone ended the process",
    "SIGABRT": "it crashed (SIGABRT), most likely inside TensorFlow",
    "SIGSEGV": "it crashed (SIGSEGV), most likely inside TensorFlow",
    "SIGBUS": "it crashed (SIGBUS), most likely inside TensorFlow",
    "SIGTERM": "it was asked to end (SIGTERM) by something outside vaegui",
}


def is_window_trainer(holder: LockHolder) -> bool:
    """Whether a vaegui window's trainer holds the lock (maybe one left training when its window closed)."""
    return _WINDOW_COMMAND.match(holder.command) is not None


def kept_text(kept: int, epochs: int | None = None) -> str:
    if kept <= 0:
        return "No epoch had finished, so nothing was kept"
    total = f" of {epochs}" if epochs else ""
    return f"The run keeps epoch {kept}{total}, its last completed one"


def trainer_name(holder: LockHolder) -> str:
    """Who trains a run, for a sentence: 'another vaegui window', '`vaegui train` in a terminal', …"""
    window = _WINDOW_COMMAND.match(holder.command)
    process = f"process {holder.pid} on {'this computer' if holder.on_this_host else f'the computer {holder.host}'}"
    if window is not None:
        if holder.on_this_host and int(window[1]) == os.getpid():
            return f"another trainer this app started ({process})"
        return f"another vaegui window (its trainer is {process})"
    if holder.command.startswith("vaegui train") or " train " in f" {holder.command} ":
        return f"`vaegui train` ({process})"
    return f"{process} ({holder.command})"


def how_to_stop(holder: LockHolder) -> str:
    if _WINDOW_COMMAND.match(holder.command):
        return "press Stop in that window"
    if holder.command.startswith("vaegui train"):
        return "press Ctrl-C where it runs"
    return "stop that program"


def following_text(holder: LockHolder | None, kept: int, epochs: int) -> str:
    """The progress line of a run this window follows while another process trains it."""
    who = "another program" if holder is None else trainer_name(holder)
    since = "" if holder is None else f" since {clock_time(holder.since)}"
    return f"Trained by {who}{since} · epoch {kept} of {epochs} saved · shown live, read-only"


def in_use_text(holder: LockHolder | None, folder) -> str:
    """A Train or Continue refused because another process trains the run: nothing failed; this window follows it."""
    if holder is None:
        return (f"This run ({folder}) is being trained by another program right now, so it was not started here. "
                "This window follows that training live; Continue training becomes possible when it ends.")
    return (f"This run ({folder}) is being trained in {trainer_name(holder)} right now, so it was not started "
            f"here. To stop that training, {how_to_stop(holder)}. This window follows it live meanwhile; Continue "
            "training becomes possible when it ends.")


def ended_elsewhere_text(kept: int, epochs: int) -> str:
    return f"The other training of this run has ended. {kept_text(kept, epochs)}."


def crash_text(kind: str, detail: str, returncode: int | None, kept: int | None, epochs: int | None) -> str:
    """Training stopped because the trainer process died or was ended: how, what the run keeps (None: each run of
    an experiment keeps its own completed epochs), what to do."""
    if kind == "killed":
        cause = _SIGNAL_CAUSES.get(detail, f"it was ended by {detail}")
    elif kind == "code":
        cause = f"it ended with exit code {returncode}"
    elif kind == "garbage":
        cause = f"it wrote something that is not progress ({detail}), so the window stopped trusting it and ended it"
    elif kind == "silent":
        cause = f"it stopped answering for {detail} s, so the window ended it"
    else:
        cause = "it ended before its training did"
    if kept is None:
        kept_said, then = "Each run it trained keeps its completed epochs.", "Start the experiment again to retry."
    else:
        kept_said = f"{kept_text(kept, epochs)}."
        then = "Press Continue training to go on from there." if kept > 0 else "Press Train to start again."
    return (f"Training stopped unexpectedly: the trainer process (which trains apart from this window) failed: "
            f"{cause}. {kept_said} {then} Its last messages are under Details.")


def finished_text(kept: int) -> str:
    return f"Done: {kept} epochs · 100%"


def stopped_text(kept: int, epochs: int) -> str:
    return f"Stopped · the run keeps epoch {kept} of {epochs}" if kept else "Stopped before the first epoch ended"
