"""Atomic file writes: a temp file in the same folder, flushed to disk, then renamed over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _process_umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any worker thread writes.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp makes files private (0600); the target gets the mode a plain open() would give it, so a
# run folder trained on a shared server stays readable by the colleagues who open it there.
_NEW_FILE_MODE = 0o666 & ~_process_umask()


@contextlib.contextmanager
def atomic_output_path(target: str | Path, suffix: str = "", *, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target` in one rename, else it is removed.

    `suffix` lets writers that check the file name (Keras wants '.weights.h5') accept the temp file.
    A reader therefore sees the old file or the new one, never half of one, even after a kill -9.
    `durable=False` skips flushing it to the device first, for files that need not outlive a power cut.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=f".tmp{suffix}")
    os.close(handle)
    temp = Path(temp_name)
    try:
        yield temp
        if durable:
            with open(temp, "rb+") as written:
                os.fsync(written.fileno())
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = _NEW_FILE_MODE
        os.chmod(temp, mode)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_text_atomically(target: str | Path, text: str, *, durable: bool = True) -> None:
    with atomic_output_path(target, durable=durable) as temp:
        temp.write_text(text, encoding="utf-8")


def write_bytes_atomically(target: str | Path, data: bytes) -> None:
    with atomic_output_path(target) as temp:
        temp.write_bytes(data)
