"""Where the main window opens: at its own size where the screen has room for it and its frame, else filling what the
window manager leaves free (maximized), never larger than the screen."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED_SIZE = QSize(1280, 800)
# A title bar and borders: the window manager says what they are only once the window is shown.
FRAME_ALLOWANCE = QSize(16, 48)


def room_on_screen(window: QWidget) -> QSize:
    """The largest window (without its frame) the screen's free area holds."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry().size()
    return QSize(max(1, available.width() - FRAME_ALLOWANCE.width()),
                 max(1, available.height() - FRAME_ALLOWANCE.height()))


def fit_to_screen(window: QWidget) -> None:
    """Size a window not yet shown to PREFERRED_SIZE, or to what the screen holds when that is less."""
    window.resize(PREFERRED_SIZE.boundedTo(room_on_screen(window)))


def show_on_screen(window: QWidget) -> None:
    """Show the window: at its size when the screen holds it, maximized when the screen is smaller (a 1280×800
    projector), so that the window manager fits it and its frame to the screen."""
    fit_to_screen(window)
    room = room_on_screen(window)
    if room.width() < PREFERRED_SIZE.width() or room.height() < PREFERRED_SIZE.height():
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    window.show()
