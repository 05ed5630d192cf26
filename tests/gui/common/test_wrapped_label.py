"""WrappedLabel: as tall as its lines at its width, also when its text shrinks back (presenter mode ended)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from vaegui.gui.common.wrapped_label import WrappedLabel

TEXT = ("Autoencoder (β 0): 0 of the 16 random draws land among its pictures, so it decodes them as mush or the same "
        "few pictures.")


def test_a_wrapped_label_gives_back_the_height_of_bigger_lines(qtbot):
    """Finding (qa2): after presenter mode, the lessons under the Compare maps kept the height of their 1.5× lines
    (QLabel never measures itself below its minimum height), squeezing the maps."""
    page = QWidget()
    qtbot.addWidget(page)
    label = WrappedLabel(TEXT)
    label.setStyleSheet("font-weight: 600;")
    layout = QVBoxLayout(page)
    layout.addWidget(label)
    layout.addStretch(1)
    page.resize(600, 400)
    page.show()
    qtbot.waitExposed(page)
    normal = label.minimumHeight()
    app, font = QApplication.instance(), QFont(QApplication.font())
    bigger = QFont(font)
    bigger.setPointSizeF(font.pointSizeF() * 1.5)

    def set_font(chosen: QFont) -> None:  # as presenter mode does: a style sheet keeps the font it was set with
        app.setFont(chosen)
        label.setStyleSheet("")
        label.setStyleSheet("font-weight: 600;")

    try:
        set_font(bigger)
        qtbot.waitUntil(lambda: label.minimumHeight() > normal * 1.3, timeout=2000)
    finally:
        set_font(font)
    qtbot.waitUntil(lambda: label.minimumHeight() == normal, timeout=2000)
    assert label.height() >= normal
