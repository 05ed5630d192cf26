"""Puts the explorer's verbs into the Explorer tab: the find-and-filter row above the map, and the Group and
Direction side tabs, connected to the map's verbs (vaegui.app.map_verbs)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from vaegui.gui.explorer.direction_panel import DirectionPanel
from vaegui.gui.explorer.explorer_dialogs import ask_export_path
from vaegui.gui.explorer.group_panel import GroupPanel
from vaegui.gui.map.find_bar import FindBar
from vaegui.words import tip, word

LISTS_AFTER_MS = 120


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class ExplorerVerbs:
    """The Explorer tab's verbs' widgets, made and connected once the tab's map view exists."""

    def __init__(self, tab):
        self.tab = tab
        verbs = self.verbs = tab.map_view.verbs
        self.find_bar = FindBar([verbs])
        tab.map.parentWidget().layout().insertWidget(0, self.find_bar)  # above the map, below its controls
        self.group_panel = GroupPanel(verbs.groups)
        self.direction_panel = DirectionPanel(verbs.direction)
        side = tab.side_tabs
        # One side tab for both: a direction is made from the groups, and five tabs fit the panel's width.
        both = QWidget()
        column = QVBoxLayout(both)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.group_panel)
        heading = QLabel(f"<b>{word('tab_direction')}</b>")
        heading.setToolTip(tip("tab_direction"))
        column.addWidget(heading)
        column.addWidget(self.direction_panel)
        self.group_page = self.direction_page = _scrolling(both)
        side.setTabToolTip(side.addTab(self.group_page, word("tab_group")), tip("tab_group"))
        self.group_panel.tool_chosen.connect(tab.map.view_box.set_tool)
        self.group_panel.select_row = verbs.selection.select_row
        self.group_panel.export_requested.connect(self.ask_group_export)
        self.direction_panel.save_requested.connect(self.ask_direction_save)
        self.direction_panel.load_requested.connect(self.ask_direction_load)
        for said in (verbs.groups.said, verbs.direction.said):
            said.connect(lambda text: tab.status_label.setText(text))
        verbs.groups.made.connect(self._group_made)
        verbs.groups.kept_changed.connect(self._show_direction_when_ready)
        # The lists and the coordinates' export take only what the filter keeps.
        side.rows_shown = verbs.rows_shown
        # Shortly after, not in the same event: the map's dimming comes first (a search updates it within a frame).
        self._lists_later = QTimer(tab)
        self._lists_later.setSingleShot(True)
        self._lists_later.setInterval(LISTS_AFTER_MS)
        self._lists_later.timeout.connect(side.render_lists)
        verbs.filters.changed.connect(lambda: self._lists_later.start())

    def _group_made(self) -> None:
        self.tab.side_tabs.setCurrentWidget(self.group_page)
        groups = self.verbs.groups
        if groups.summary is not None or groups.rows is None:
            # A group with pictures in it, or none: the line goes back to the map's own status; "the group is
            # empty" from an earlier try stayed there beside a group of 48 pictures.
            self.tab.status_label.setText(self.verbs.explorer.status)

    def _show_direction_when_ready(self) -> None:
        if all(kept is not None for kept in self.verbs.groups.kept.values()):
            self.tab.side_tabs.setCurrentWidget(self.group_page)
            self.group_page.ensureWidgetVisible(self.direction_panel)

    def _stem(self) -> str:
        loaded = self.verbs.explorer.loaded
        return Path(loaded.name).stem if loaded is not None else "map"

    def ask_group_export(self, what: str, suffix: str) -> None:
        default = Path.cwd() / f"{self._stem()}-group-{what}.{suffix}"
        path = ask_export_path(self.tab, "Save the group", default, suffix)
        if path is not None:
            self.verbs.groups.export(what, path)

    def ask_direction_save(self) -> None:
        default = Path.cwd() / f"{self._stem()}-direction.npz"
        path, _ = QFileDialog.getSaveFileName(self.tab, "Save the direction", str(default),
                                              "Directions (*.npz *.json)")
        if path:
            self.verbs.direction.save(path if Path(path).suffix else f"{path}.npz")

    def ask_direction_load(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.tab, "Load a direction", str(Path.cwd()),
                                              "Directions (*.npz *.json)")
        if path:
            self.verbs.direction.load(path)
