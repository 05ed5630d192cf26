"""Cancelling long work: the token whoever asked for it sets, and the error the work raises when it sees it set."""

from __future__ import annotations

import threading

from vaegui.errors import VaeguiError


class Cancelled(VaeguiError):
    """The person cancelled a long computation; nothing to report."""

    def __init__(self) -> None:
        super().__init__("Cancelled.")


class CancelToken:
    """Set by whoever asked for the work, checked by the work between steps (batches, files, iterations)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
