"""The application's window icon: the shipped SVG, drawn by Qt."""

from __future__ import annotations


def test_window_icon_is_the_shipped_svg(qtbot):
    from vaegui.bundled import icon_file
    from vaegui.gui.app import app_icon

    assert icon_file().name == "vaegui.svg" and icon_file().is_file()
    pixmap = app_icon().pixmap(64, 64)
    assert not pixmap.isNull() and pixmap.width() == 64
    image = pixmap.toImage()
    assert len({image.pixel(x, y) for x in range(0, 64, 4) for y in range(0, 64, 4)}) > 1  # drawn, not blank
