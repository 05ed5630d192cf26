"""The row above the map to find and filter: a search box (Enter makes what it found the group), value ranges,
the extra layers, and Show all; it drives one map's verbs, or both of the Compare tab's."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMenu, QSizePolicy, QToolButton, QWidget, QWidgetAction

from vaegui.app.group_model import NEW
from vaegui.app.map_layers import LAYERS
from vaegui.app.map_verbs import MapVerbs
from vaegui.gui.common.wording import wording
from vaegui.gui.map.range_panel import RangePanel
from vaegui.palette import HINT_STYLE
from vaegui.words import tip, word

SEARCH_WIDTH = 260


class FindBar(QWidget):
    def __init__(self, verbs: list[MapVerbs], parent: QWidget | None = None):
        super().__init__(parent)
        self.verbs = verbs
        words = wording()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(SEARCH_WIDTH // 2)
        self.search.setMaximumWidth(SEARCH_WIDTH)
        self.search.setToolTip(tip("find"))
        self.search.textChanged.connect(self.find)
        self.search.returnPressed.connect(self.make_group)
        self.ranges_button = words.label(QToolButton(), "ranges")
        self.ranges_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.range_panel = RangePanel([v.filters for v in verbs])
        ranges_menu = QMenu(self.ranges_button)
        holder = QWidgetAction(ranges_menu)
        holder.setDefaultWidget(self.range_panel)
        ranges_menu.addAction(holder)
        ranges_menu.aboutToShow.connect(self.range_panel.render)
        self.ranges_button.setMenu(ranges_menu)
        self.layers_button = words.label(QToolButton(), "layers")
        self.layers_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.layer_actions = {}
        layers_menu = QMenu(self.layers_button)
        layers_menu.setToolTipsVisible(True)
        for name in LAYERS:
            action = layers_menu.addAction(word(f"layer_{name}", words.expert))
            action.setCheckable(True)
            action.setToolTip(tip(f"layer_{name}"))
            action.toggled.connect(lambda on, name=name: self.show_layer(name, on))
            self.layer_actions[name] = action
        self.layers_button.setMenu(layers_menu)
        self.show_all_button = words.label(QToolButton(), "show_all")
        self.show_all_button.clicked.connect(self.show_all)
        self.status = QLabel("")
        self.status.setStyleSheet(HINT_STYLE)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # never widens the window
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(words.label(QLabel(), "find"))
        layout.addWidget(self.search)
        for widget in (self.ranges_button, self.layers_button, self.show_all_button):
            layout.addWidget(widget)
        layout.addWidget(self.status, 1)
        for model in verbs:
            model.filters.changed.connect(self.render)
            model.layers.changed.connect(self.render)
        words.bind(self, self._render_words)
        self.render()

    def _render_words(self, expert: bool) -> None:
        self.search.setPlaceholderText(word("find_placeholder", expert))
        for name, action in self.layer_actions.items():
            action.setText(word(f"layer_{name}", expert))

    # ---- what the person does ---------------------------------------------------------------

    def find(self, text: str) -> None:
        for model in self.verbs:
            model.filters.set_query(text)

    def make_group(self) -> None:
        """Enter: what the search found becomes the group (of each map)."""
        text = self.search.text().strip()
        for model in self.verbs:
            passing = model.filters.passing()
            if text and passing is not None:
                model.groups.select_rows(passing.nonzero()[0], f"found '{text}'", NEW)

    def show_layer(self, name: str, on: bool) -> None:
        for model in self.verbs:
            model.layers.set_shown(name, on)

    def show_all(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        for model in self.verbs:
            model.filters.clear()
        self.range_panel.render()

    # ---- rendering ----------------------------------------------------------------------------

    def render(self) -> None:
        first = self.verbs[0]
        if self.search.text() != first.filters.query:
            self.search.blockSignals(True)  # the model's query (cleared for another model), not a new search
            self.search.setText(first.filters.query)
            self.search.blockSignals(False)
        for name, action in self.layer_actions.items():
            if action.isChecked() != first.layers.shown[name]:
                action.blockSignals(True)
                action.setChecked(first.layers.shown[name])
                action.blockSignals(False)
        texts = [model.filters.describe() for model in self.verbs]
        busy = sorted({name for model in self.verbs for name in model.layers.busy})
        notes = [note for model in self.verbs for name, note in model.layers.notes.items()
                 if note and model.layers.shown[name]]
        line = " | ".join(text for text in texts if text)
        if busy:
            line = (line + " · " if line else "") + "drawing " + ", ".join(word(f"layer_{b}").lower() for b in busy) \
                + "…"
        if notes:
            line = (line + " · " if line else "") + notes[0]
        self.status.setText(line)
        self.status.setToolTip(line)
        self.show_all_button.setEnabled(any(model.filters.active for model in self.verbs))
