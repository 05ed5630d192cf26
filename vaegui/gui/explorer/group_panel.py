"""The group's panel: the drag tool and what a new box or lasso does, how many pictures, a strip of them (hover for
a bigger one), their classes, their typical picture, keeping it as A or B, and saving it."""

from __future__ import annotations

import base64

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from vaegui.app.group_model import MODES, STRIP, GroupModel
from vaegui.app.map_state import describe_row
from vaegui.gui.common.image_tiles import ImageGrid, ImageTile, array_to_pixmap
from vaegui.gui.common.wording import wording
from vaegui.gui.map.map_view_box import TOOLS
from vaegui.palette import HINT_STYLE
from vaegui.words import pictures, tip

BARS_SHOWN = 10  # classes in the histogram; the rest are summed in one line
HOVER_PX = 160  # the picture in a strip tile's tooltip


class PictureTips(QObject):
    """Tooltips holding a picture, large, made only when a tooltip is asked for (encoding 24 pictures as PNG on
    every change of the group would cost ~30 ms)."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.pictures: dict[QWidget, tuple[np.ndarray, str]] = {}

    def set(self, widget: QWidget, image: np.ndarray | None, caption: str = "") -> None:
        if image is None:
            self.pictures.pop(widget, None)
            widget.setToolTip("")
            return
        if widget not in self.pictures:
            widget.installEventFilter(self)
        self.pictures[widget] = (image, caption)
        widget.setToolTip(caption)  # until the picture's tooltip is asked for

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ToolTip and watched in self.pictures:
            QToolTip.showText(event.globalPos(), picture_tooltip(*self.pictures[watched]), watched)
            return True
        return False


def picture_tooltip(image: np.ndarray, caption: str) -> str:
    """A tooltip holding the picture, large, and its caption (Qt's tooltips render a little HTML)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    array_to_pixmap(image, HOVER_PX).save(buffer, "PNG")
    encoded = base64.b64encode(bytes(data)).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}"><br>{caption}'


class ClassBars(QWidget):
    """A horizontal bar per class, in its map colour, with its count."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.bars: list[tuple[str, str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_bars(self, bars: tuple[tuple[str, str, int], ...]) -> None:
        bars = list(bars)
        if len(bars) > BARS_SHOWN:
            rest = sum(count for _, _, count in bars[BARS_SHOWN - 1:])
            bars = [*bars[:BARS_SHOWN - 1], (f"{len(bars) - BARS_SHOWN + 1} more classes", "#888888", rest)]
        self.bars = bars
        self.setFixedHeight(self._row_height() * len(bars) + 2)
        self.update()

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 4

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(240, self._row_height() * max(1, len(self.bars)))

    def paintEvent(self, _event) -> None:  # noqa: N802
        if not self.bars:
            return
        painter = QPainter(self)
        metrics, row = self.fontMetrics(), self._row_height()
        name_width = min(self.width() // 3, max(metrics.horizontalAdvance(name) for name, _, _ in self.bars) + 8)
        count_width = metrics.horizontalAdvance("000,000") + 6
        room = max(10, self.width() - name_width - count_width)
        largest = max(count for _, _, count in self.bars) or 1
        for index, (name, colour, count) in enumerate(self.bars):
            top = index * row
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QRectF(0, top, name_width - 4, row), Qt.AlignmentFlag.AlignVCenter |
                             Qt.AlignmentFlag.AlignRight, metrics.elidedText(name, Qt.TextElideMode.ElideRight,
                                                                            name_width - 6))
            painter.fillRect(QRectF(name_width, top + 3, room * count / largest, row - 6), QColor(colour))
            painter.drawText(QRectF(name_width + room * count / largest + 4, top, count_width, row),
                             Qt.AlignmentFlag.AlignVCenter, f"{count:,}")
        painter.end()


class GroupPanel(QWidget):
    tool_chosen = Signal(str)  # what a plain drag on the map does (vaegui.gui.map.map_view_box.TOOLS)
    export_requested = Signal(str, str)  # what ("indices", "sheet", "codes"), suffix: the tab asks where

    def __init__(self, groups: GroupModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.groups = groups
        words = wording()
        self.prompt = words.label(QLabel(), "group_prompt")
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet(HINT_STYLE)
        self.tool_buttons = self._choice_row(TOOLS, "tool_", self.tool_chosen.emit)
        self.mode_buttons = self._choice_row(MODES, "mode_", groups.set_mode)
        self.tool_buttons["decode"].setChecked(True)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.clear_button = words.label(QToolButton(), "clear_group")
        self.clear_button.clicked.connect(groups.clear)
        self.strip = ImageGrid(STRIP, 8, 36)
        self.tips = PictureTips(self)
        self.strip.tile_clicked.connect(self._on_strip_clicked)
        self.bars = ClassBars()
        self.typical = ImageTile("", 96)
        self.keep_a, self.keep_b = words.label(QPushButton(), "keep_a"), words.label(QPushButton(), "keep_b")
        self.keep_a.clicked.connect(lambda: groups.keep_as("A"))
        self.keep_b.clicked.connect(lambda: groups.keep_as("B"))
        self.export_button = words.label(QToolButton(), "group_export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction("Picture numbers as CSV…", lambda: self.export_requested.emit("indices", "csv"))
        menu.addAction("Pictures as one PNG sheet…", lambda: self.export_requested.emit("sheet", "png"))
        menu.addAction("Codes (mu, log_var) as NPZ…", lambda: self.export_requested.emit("codes", "npz"))
        menu.addAction("Codes (mu, log_var) as CSV…", lambda: self.export_requested.emit("codes", "csv"))
        self.export_button.setMenu(menu)
        self.kept = QLabel("")
        self.kept.setWordWrap(True)
        self.kept.setStyleSheet(HINT_STYLE)
        self.select_row = None  # set by the tab: a strip tile clicked selects that point

        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        for key, buttons in (("group_tool", self.tool_buttons), ("group_mode", self.mode_buttons)):
            label = words.label(QLabel(), key)
            label.setToolTip(tip(key))
            layout.addWidget(label)  # the choices on a line of their own: the side panel stays narrow
            row = QHBoxLayout()
            row.setContentsMargins(12, 0, 0, 0)
            for button in buttons.values():
                row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        heading = QHBoxLayout()
        heading.addWidget(self.summary, 1)
        heading.addWidget(self.clear_button)
        layout.addLayout(heading)
        layout.addWidget(words.label(QLabel(), "group_strip"))
        layout.addWidget(self.strip)
        layout.addWidget(words.label(QLabel(), "group_classes"))
        layout.addWidget(self.bars)
        layout.addWidget(words.label(QLabel(), "group_typical"))
        layout.addWidget(self.typical, 0, Qt.AlignmentFlag.AlignLeft)
        actions = QHBoxLayout()
        for widget in (self.keep_a, self.keep_b, self.export_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addWidget(self.kept)
        layout.addStretch(1)
        groups.changed.connect(self.render)
        groups.mode_changed.connect(self._render_mode)
        groups.kept_changed.connect(self._render_kept)
        self.render()

    def _choice_row(self, choices, prefix: str, chosen) -> dict[str, QToolButton]:
        group = QButtonGroup(self)
        group.setExclusive(True)
        buttons = {}
        for choice in choices:
            button = wording().label(QToolButton(), prefix + choice)
            button.setCheckable(True)
            button.clicked.connect(lambda _checked, c=choice: chosen(c))
            group.addButton(button)
            buttons[choice] = button
        return buttons

    def set_tool(self, tool: str) -> None:
        self.tool_buttons[tool].setChecked(True)
        self.tool_chosen.emit(tool)

    def _render_mode(self) -> None:
        self.mode_buttons[self.groups.mode].setChecked(True)

    def render(self) -> None:
        groups, summary = self.groups, self.groups.summary
        self._render_mode()
        has_group = summary is not None
        self.prompt.setVisible(not has_group)
        for widget in (self.clear_button, self.keep_a, self.keep_b, self.export_button):
            widget.setEnabled(has_group)
        if not has_group:
            self.summary.setText("No group yet." if groups.rows is None else "The group is empty.")
            self.strip.set_images(None)
            self.bars.set_bars(())
            self.typical.set_image(None, "")
            return
        self.summary.setText(f"<b>{groups.describe()}</b>")
        latents = groups.latents
        loaded = groups.explorer.loaded
        names = None if loaded is None else loaded.class_names
        images = latents.images(summary.strip_rows)
        captions = [describe_row(latents, int(row), names) for row in summary.strip_rows]
        self.strip.set_images(images)
        for position, tile in enumerate(self.strip.tiles):
            self.tips.set(tile, images[position] if position < len(images) else None,
                          captions[position] if position < len(captions) else "")
        self.bars.set_bars(summary.histogram)
        self.typical.set_image(summary.typical, f"mean of {summary.count:,} centres")
        self._render_kept()

    def _render_kept(self) -> None:
        parts = [f"{name}: {pictures(kept.count)} ({kept.description})" for name, kept in self.groups.kept.items()
                 if kept is not None]
        self.kept.setText(" · ".join(parts) + (" — Direction, below, walks from A to B." if len(parts) == 2 else ""))

    def _on_strip_clicked(self, index: int) -> None:
        summary = self.groups.summary
        if summary is not None and index < len(summary.strip_rows) and self.select_row is not None:
            self.select_row(int(summary.strip_rows[index]))
