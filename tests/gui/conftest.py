"""The main window as a person first sees it, at the default size (1280×800), for the GUI tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def window(qtbot):
    from vaegui.gui.main_window import MainWindow

    window = MainWindow(dataset="digits")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    for tab in (window.training_tab, window.explorer_tab):
        tab.shutdown()
