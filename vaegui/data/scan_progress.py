"""What a long folder scan says while it works: listing, then "Checking the pictures: 12,000 of 30,000 files"."""

from __future__ import annotations

import time
from collections.abc import Callable

REPORT_SECONDS = 0.25  # how often a long scan says how far it is


class ScanProgress:
    """Says a folder scan's words: at once (now) or at most every REPORT_SECONDS (later); counts checked files."""

    def __init__(self, say: Callable[[str], None] | None):
        self.say, self.total, self.done, self._last = say, 0, 0, 0.0

    def now(self, text: str) -> None:
        if self.say is not None:
            self._last = time.monotonic()
            self.say(text)

    def later(self, text: str) -> None:
        if self.say is not None and time.monotonic() - self._last >= REPORT_SECONDS:
            self.now(text)

    def counted(self) -> str:
        return f"Checking the pictures: {self.done:,} of {self.total:,} files"

    def checked(self) -> None:
        self.done += 1
        if self.say is not None and time.monotonic() - self._last >= REPORT_SECONDS:
            self.now(self.counted())
