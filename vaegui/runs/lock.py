"""The run-folder lock: one training at a time per run folder, and who holds it (process, host, since, command).

The lock itself is the operating system's (filelock: flock on Unix, LockFileEx on Windows) on the
empty file `.lock`: the kernel drops it when its process ends in any way, kill -9 included, so a lock
left by a dead process on this computer is simply free again: no pid guessing, no race over who
"breaks" it. `lock.json` beside it says who holds the lock, for messages; it is written after the lock
is taken and removed before it is let go. Only one case stays uncertain: lock.json names another
computer while the OS lock is free here. On a network filesystem that shares locks (NFS with its lock
manager) that process is gone; on one that does not (sshfs, NFS mounted nolock, a copied folder) it
may still be training. That case is reported, never stolen, unless the caller passes force_unlock.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from vaegui.atomic_files import write_text_atomically
from vaegui.errors import RunFolderError

LOCK_FILE = ".lock"
HOLDER_FILE = "lock.json"
# run_folder_holder probes the OS lock for microseconds; a trainer starting at that moment waits this long.
ACQUIRE_TIMEOUT_S = 1.0
# Files a checkpoint writes last: their age says when the holder last showed signs of life.
_LAST_WRITE_FILES = ("state.json", "history.csv")


@dataclass(frozen=True)
class LockHolder:
    """The process that holds (or held) a run folder's lock, as its lock.json says."""

    pid: int
    host: str
    since: float  # time.time() when it took the lock
    command: str

    @property
    def on_this_host(self) -> bool:
        return self.host == socket.gethostname()

    def describe(self) -> str:
        """E.g. 'process 1234 on host h since 14:02 (vaegui train --out runs/x)'."""
        return f"process {self.pid} on host {self.host} since {clock_time(self.since)} ({self.command})"


class RunFolderInUseError(RunFolderError):
    """Another training holds the run folder; `holder` says who (None when it did not say)."""

    def __init__(self, message: str, holder: LockHolder | None):
        super().__init__(message)
        self.holder = holder


def this_process_command() -> str:
    """How this process was started, for other processes' messages (e.g. 'vaegui train --out runs/x')."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    return shlex.join([program, *sys.argv[1:]])[:200]


def run_folder_holder(folder: str | Path) -> LockHolder | None:
    """Who is training `folder` now (None: nobody), without keeping its lock (a probe of microseconds).

    A holder on another computer is returned as long as its lock.json is there, since whether it
    still runs cannot be checked from here (see the module's docstring).
    """
    folder = Path(folder)
    holder = _read_holder(folder)
    if holder is None:
        return None
    held = _os_lock_is_held(folder)
    if held is None:  # the lock file cannot be opened (a read-only folder): ask about the process instead
        held = _process_is_alive(holder.pid) if holder.on_this_host else True
    if held or not holder.on_this_host:
        return holder
    return None  # its process ended without letting go: the kernel freed the lock


class RunFolderLock:
    """The lock a training holds on its run folder from before its first write to its end.

    `with RunFolderLock(folder):` refuses with RunFolderInUseError when another process, or another
    lock object in this one, holds it. A lock left by a dead process on this host is taken over
    (`took_over` names it); one named by another host only with `force_unlock`.
    """

    def __init__(self, folder: str | Path, *, force_unlock: bool = False, command: str | None = None):
        self.folder = Path(folder)
        self.force_unlock = force_unlock
        self.command = command or this_process_command()
        self.took_over: LockHolder | None = None
        self.holder: LockHolder | None = None  # this lock's own record, while held
        self._os_lock = None

    def acquire(self) -> RunFolderLock:
        from filelock import FileLock, Timeout

        os_lock = FileLock(str(self.folder / LOCK_FILE), timeout=ACQUIRE_TIMEOUT_S, thread_local=False)
        try:
            os_lock.acquire()
        except Timeout:
            raise in_use_error(self.folder, _read_holder(self.folder)) from None
        except OSError as error:
            raise RunFolderError(
                f"Cannot lock the run folder {self.folder} ({error.strerror or error}): training writes into it, "
                "so it must be a folder you can write to. Copy the run somewhere writable and continue it there."
            ) from None
        try:
            previous = _read_holder(self.folder)
            if previous is not None and not previous.on_this_host and not self.force_unlock:
                raise in_use_error(self.folder, previous)
            self.holder = LockHolder(os.getpid(), socket.gethostname(), time.time(), self.command)
            # Not flushed to the disk: after a power cut the OS lock is gone too, and no record means nobody.
            write_text_atomically(
                self.folder / HOLDER_FILE, json.dumps(asdict(self.holder), indent=2) + "\n", durable=False
            )
        except OSError as error:
            os_lock.release()
            raise RunFolderError(
                f"Cannot write into the run folder {self.folder} ({error.strerror or error}): free some disk space "
                "or make it writable, then train again."
            ) from None
        except BaseException:
            os_lock.release()
            raise
        self.took_over = previous
        self._os_lock = os_lock
        return self

    def release(self) -> None:
        if self._os_lock is None:
            return
        try:
            if _read_holder(self.folder) == self.holder:
                (self.folder / HOLDER_FILE).unlink(missing_ok=True)
        finally:
            self._os_lock.release()
            self._os_lock = None
            self.holder = None

    @property
    def held(self) -> bool:
        return self._os_lock is not None

    def __enter__(self) -> RunFolderLock:
        return self.acquire()

    def __exit__(self, *exc_info) -> None:
        self.release()


def in_use_error(folder: Path, holder: LockHolder | None) -> RunFolderInUseError:
    if holder is None:  # the lock is held but lock.json is not written yet (or was deleted)
        return RunFolderInUseError(
            f"{folder} is being trained by another process. Wait for it to finish, or stop it first.", None
        )
    if holder.on_this_host and holder.pid == os.getpid():
        return RunFolderInUseError(
            f"{folder} is already being trained by this program (since {clock_time(holder.since)}). Wait for that "
            "training to finish, or stop it first.",
            holder,
        )
    if holder.on_this_host:
        from vaegui.words.trainer_messages import how_to_stop, trainer_name

        return RunFolderInUseError(
            f"{folder} is being trained by {trainer_name(holder)} since {clock_time(holder.since)}. Wait for it to "
            f"finish, or stop it first ({how_to_stop(holder)}). To watch it meanwhile, open it in the app: "
            f"vaegui gui {shlex.quote(str(folder))}",
            holder,
        )
    last = _last_write(folder)
    written = f" It last saved a checkpoint at {clock_time(last)}." if last else ""
    return RunFolderInUseError(
        f"{folder} is marked as being trained by {holder.describe()}; vaegui cannot check a process on "
        f"another computer.{written} If that training has ended (or this folder is a copy), take the run over "
        "with --force-unlock; otherwise wait for it to finish, or stop it there first.",
        holder,
    )


def _read_holder(folder: Path) -> LockHolder | None:
    try:
        raw = json.loads((folder / HOLDER_FILE).read_text(encoding="utf-8"))
        return LockHolder(int(raw["pid"]), str(raw["host"]), float(raw["since"]), str(raw["command"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged record says nobody: the OS lock alone decides


def _os_lock_is_held(folder: Path) -> bool | None:
    """Whether some process holds the OS lock (None: cannot tell); takes it for an instant when free."""
    from filelock import FileLock, Timeout

    path = folder / LOCK_FILE
    if not path.exists():
        return False
    probe = FileLock(str(path), timeout=0, thread_local=False)
    try:
        probe.acquire()
    except Timeout:
        return True
    except OSError:
        return None
    probe.release()
    return False


def _process_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists, owned by someone else
    return True


def _last_write(folder: Path) -> float | None:
    times = []
    for name in _LAST_WRITE_FILES:
        try:
            times.append((folder / name).stat().st_mtime)
        except OSError:
            pass
    return max(times) if times else None


def clock_time(timestamp: float) -> str:
    """A time of day for messages ('14:02'; with the date when it is not today)."""
    if timestamp <= 0:
        return "an unknown time"
    moment = time.localtime(timestamp)
    same_day = time.strftime("%Y-%m-%d", moment) == time.strftime("%Y-%m-%d")
    return time.strftime("%H:%M" if same_day else "%Y-%m-%d %H:%M", moment)
