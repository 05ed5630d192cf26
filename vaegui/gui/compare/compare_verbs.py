"""The explorer's verbs on both sides of the Compare tab: one find-and-filter row for both maps, and a Group page
beside the picked image's: each side's group (the same images when both runs hold the same), its typical picture
as each model draws it, and a direction from A to B walked by both models at once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSlider,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vaegui.app.comparison import SIDES
from vaegui.app.direction_model import AMOUNT_RANGE
from vaegui.app.group_link import LinkedVerbs
from vaegui.app.group_model import MODES
from vaegui.app.map_state import describe_row
from vaegui.gui.common.image_tiles import ImageGrid, ImageTile
from vaegui.gui.common.wording import wording
from vaegui.gui.explorer.direction_panel import STEPS_PER_UNIT
from vaegui.gui.explorer.explorer_dialogs import ask_export_path
from vaegui.gui.explorer.group_panel import PictureTips
from vaegui.gui.map.find_bar import FindBar
from vaegui.gui.map.map_view_box import TOOLS
from vaegui.palette import HINT_STYLE
from vaegui.words import pictures, tip, word

STRIP = 8


class CompareGroupPanel(QWidget):
    def __init__(self, tab, linked: LinkedVerbs, parent: QWidget | None = None):
        super().__init__(parent)
        self.tab, self.linked = tab, linked
        verbs = linked.verbs
        words = wording()
        layout = QVBoxLayout(self)
        # Each choice on its row, each side's pictures small: the page stays as narrow as the picked image's page.
        for key, choices, prefix, chosen in (("group_tool", TOOLS, "tool_", self._set_tool),
                                             ("group_mode", MODES, "mode_", self._set_mode)):
            row = QHBoxLayout()
            buttons = self._choices(row, key, choices, prefix, chosen)
            row.addStretch(1)
            layout.addLayout(row)
            if key == "group_tool":
                self.tool_buttons = buttons
            else:
                self.mode_buttons = buttons
        self.tool_buttons["decode"].setChecked(True)
        self.mode_buttons["new"].setChecked(True)
        self.tips = PictureTips(self)
        grid = QGridLayout()
        self.summaries, self.typicals, self.strips, self.walked = {}, {}, {}, {}
        for column, side in enumerate(SIDES):
            summary = QLabel("")
            summary.setWordWrap(True)
            summary.setMinimumHeight(3 * summary.fontMetrics().lineSpacing())  # the title and two lines, never cut
            summary.setAlignment(Qt.AlignmentFlag.AlignTop)
            typical = ImageTile("", 56)
            typical.setToolTip(tip("group_typical"))
            strip = ImageGrid(STRIP, 4, 24)
            walked = ImageTile("", 56)
            save = words.label(QToolButton(), "group_export")
            save.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            save.setMenu(self._export_menu(save, side))
            pictures = QHBoxLayout()
            pictures.addWidget(typical)
            pictures.addWidget(strip)
            pictures.addWidget(walked)
            pictures.addStretch(1)
            grid.addWidget(summary, 0, column)
            grid.addLayout(pictures, 1, column)
            grid.addWidget(save, 2, column, Qt.AlignmentFlag.AlignLeft)
            self.summaries[side], self.typicals[side], self.strips[side], self.walked[side] = \
                summary, typical, strip, walked
        layout.addLayout(grid)
        buttons = QHBoxLayout()
        self.keep_a, self.keep_b = words.label(QPushButton(), "keep_a"), words.label(QPushButton(), "keep_b")
        self.keep_a.clicked.connect(lambda: linked.keep_as("A"))
        self.keep_b.clicked.connect(lambda: linked.keep_as("B"))
        self.use_button = words.label(QPushButton(), "direction_use")
        self.use_button.clicked.connect(lambda: [verbs[side].direction.use_selection() for side in SIDES])
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(int(AMOUNT_RANGE[0] * STEPS_PER_UNIT), int(AMOUNT_RANGE[1] * STEPS_PER_UNIT))
        self.slider.setToolTip(tip("direction_amount"))
        self.slider.valueChanged.connect(
            lambda value: [verbs[side].direction.set_amount(value / STEPS_PER_UNIT) for side in SIDES])
        for widget in (self.keep_a, self.keep_b, self.use_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        direction = QHBoxLayout()
        direction.addWidget(words.label(QLabel(), "direction_amount"))
        direction.addWidget(self.slider, 1)
        layout.addLayout(direction)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(HINT_STYLE)
        layout.addWidget(self.note)
        layout.addStretch(1)
        for side in SIDES:
            verbs[side].groups.changed.connect(self.render)
            verbs[side].groups.kept_changed.connect(self.render)
            verbs[side].direction.changed.connect(self.render)
        self.render()

    def _choices(self, row: QHBoxLayout, key: str, choices, prefix: str, chosen) -> dict[str, QToolButton]:
        label = wording().label(QLabel(), key)
        label.setToolTip(tip(key))
        row.addWidget(label)
        buttons = {}
        for choice in choices:
            button = wording().label(QToolButton(), prefix + choice)
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.clicked.connect(lambda _checked, c=choice: chosen(c))
            row.addWidget(button)
            buttons[choice] = button
        row.addSpacing(12)
        return buttons

    def _set_tool(self, tool: str) -> None:
        for latent_map in self.tab.maps.values():
            latent_map.view_box.set_tool(tool)

    def _set_mode(self, mode: str) -> None:
        for verbs in self.linked.verbs.values():
            verbs.groups.set_mode(mode)

    def _export_menu(self, parent, side: str) -> QMenu:
        menu = QMenu(parent)
        for text, what, suffix in (("Picture numbers as CSV…", "indices", "csv"),
                                   ("Pictures as one PNG sheet…", "sheet", "png"),
                                   ("Codes (mu, log_var) as NPZ…", "codes", "npz"),
                                   ("Codes (mu, log_var) as CSV…", "codes", "csv")):
            menu.addAction(text, lambda what=what, suffix=suffix: self._export(side, what, suffix))
        return menu

    def _export(self, side: str, what: str, suffix: str) -> None:
        name = self.tab.comparison.side_name(side)
        path = ask_export_path(self, "Save the group", Path.cwd() / f"{name}-group-{what}.{suffix}", suffix)
        if path is not None:
            self.linked.verbs[side].groups.export(what, path)

    def render(self) -> None:
        comparison = self.tab.comparison
        for side in SIDES:
            groups, direction = self.linked.verbs[side].groups, self.linked.verbs[side].direction
            summary = groups.summary
            title = f"<b>{'Left' if side == 'a' else 'Right'}: {comparison.side_name(side)}</b>"
            self.summaries[side].setText(f"{title}<br>{groups.describe() or 'No group yet.'}")
            self.typicals[side].set_image(None if summary is None else summary.typical)
            rows = [] if summary is None else summary.strip_rows[:STRIP]
            images = None if summary is None else groups.latents.images(rows)
            self.strips[side].set_images(images)
            names = None if groups.explorer.loaded is None else groups.explorer.loaded.class_names
            for position, tile in enumerate(self.strips[side].tiles):
                shown = summary is not None and position < len(rows)
                self.tips.set(tile, images[position] if shown else None,
                              describe_row(groups.latents, int(rows[position]), names) if shown else "")
            self.walked[side].set_image(direction.image, "" if direction.image is None else
                                        f"walked {direction.amount:+.2f}")
            self.walked[side].setVisible(direction.image is not None)  # no empty frame before a direction
        kept = self.linked.verbs["a"].groups.kept
        ready = all(self.linked.verbs[side].direction.direction is not None for side in SIDES)
        for widget in (self.slider, self.use_button):
            widget.setEnabled(ready)
        parts = [f"{name}: {pictures(k.count)} ({k.description})" for name, k in kept.items() if k is not None]
        self.note.setText((" · ".join(parts) + " · " if parts else "") + (
            "Each model walks the chosen picture from its own A towards its own B." if ready else
            word("direction_prompt", wording().expert)))


class CompareVerbs:
    """Made once the Compare tab's map views exist; lives as long as the tab."""

    def __init__(self, tab):
        self.tab = tab
        verbs = {side: tab.map_views[side].verbs for side in SIDES}
        self.linked = LinkedVerbs(tab.comparison, verbs)
        self.find_bar = FindBar([verbs[side] for side in SIDES])
        layout = tab.layout()
        layout.insertWidget(layout.indexOf(tab.controls) + 1, self.find_bar)
        self.group_panel = CompareGroupPanel(tab, self.linked)
        bottom = tab.picked_panel.parentWidget()
        index = bottom.indexOf(tab.picked_panel)
        self.pages = QTabWidget()
        bottom.replaceWidget(index, self.pages)
        self.pages.addTab(tab.picked_panel, "Picked")
        self.group_page = self.pages.addTab(self.group_panel, word("tab_group"))
        self.pages.setTabToolTip(self.group_page, tip("tab_group"))
        for side in SIDES:
            verbs[side].groups.made.connect(lambda: self.pages.setCurrentWidget(self.group_panel))
            for said in (verbs[side].groups.said, verbs[side].direction.said):
                said.connect(lambda text: tab.status_label.setText(text))
        tab.comparison.source_changed.connect(self._render_visibility)
        self._render_visibility()

    def _render_visibility(self) -> None:
        self.find_bar.setVisible(any(summary is not None for summary in self.tab.comparison.summaries.values()))

    def shutdown(self) -> None:
        for verbs in self.linked.verbs.values():
            verbs.shutdown()
