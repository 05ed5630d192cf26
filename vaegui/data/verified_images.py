"""Header checks remembered between scans of an image folder: a file unchanged since it was checked is not opened again.

Scanning a 200,000-image folder opened every file to check its header: 10-16 s on two cores, each time a run of it
was opened (the Explorer's first points waited for it). Listing the folder with each file's size and modification
time costs ~1 s; a file whose size and time match those recorded when its header last read fine is trusted.
The record lives in the user's cache folder (the data folder may be read-only or shared); losing it costs one
full scan.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import numpy as np

from vaegui.atomic_files import atomic_output_path

# Smaller folders are checked every time: their scan takes well under a second, and no record is left behind.
REMEMBER_FROM_FILES = 2_000


def cache_folder() -> Path:
    """$VAEGUI_CACHE (the tests give each session its own), else the user's cache folder (XDG)."""
    if os.environ.get("VAEGUI_CACHE"):
        return Path(os.environ["VAEGUI_CACHE"]) / "verified-images"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vaegui" / "verified-images"


class VerifiedImages:
    """The files of one image folder whose headers read fine, each with the size and time it had then."""

    def __init__(self, folder: Path):
        self.folder = str(Path(folder).resolve())
        # Paths are kept relative to the folder as the scan names it: an eighth of the record's size at 200,000 files.
        self._prefix = os.path.join(str(folder), "")
        self.record = cache_folder() / (hashlib.sha1(self.folder.encode()).hexdigest() + ".npz")
        self._known: dict[str, tuple[int, int]] = {}
        self._added: dict[str, tuple[int, int]] = {}
        try:
            with np.load(self.record, allow_pickle=False) as saved:
                if str(saved["folder"]) == self.folder:
                    self._known = dict(zip(saved["paths"].tolist(), zip(saved["sizes"].tolist(),
                                                                         saved["times"].tolist())))
        except (OSError, KeyError, ValueError):
            pass  # no record yet, or an unreadable one: every header is checked, as without a record

    def is_known(self, path: str, size: int, time_ns: int) -> bool:
        return self._known.get(self._name(path)) == (size, time_ns)

    def add(self, path: str, size: int, time_ns: int) -> None:
        self._added[self._name(path)] = (size, time_ns)

    def _name(self, path: str) -> str:
        return path[len(self._prefix):] if path.startswith(self._prefix) else path

    def save(self, files_in_folder: int) -> None:
        """Keep what this scan found good (and only that: a file gone or changed drops out)."""
        if files_in_folder < REMEMBER_FROM_FILES or self._added == self._known:
            return
        paths = list(self._added)
        buffer = io.BytesIO()
        np.savez(buffer, folder=np.array(self.folder), paths=np.array(paths),
                 sizes=np.array([self._added[p][0] for p in paths], np.int64),
                 times=np.array([self._added[p][1] for p in paths], np.int64))
        try:
            with atomic_output_path(self.record, ".npz", durable=False) as temp:
                temp.write_bytes(buffer.getvalue())
        except OSError:
            pass  # a cache that cannot be written only costs the next scan its time
