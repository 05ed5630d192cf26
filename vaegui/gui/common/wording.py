"""The Expert labels switch: views bind their labels here and show vaegui.words' plain or technical wording."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

from vaegui.words import tip, word

EXPERT_LABELS_KEY = "view/expert_labels"


def app_settings() -> QSettings:
    """vaegui's own preferences (Qt's per-user settings file, e.g. ~/.config/vaegui/vaegui.conf)."""
    return QSettings("vaegui", "vaegui")


class Wording(QObject):
    """The app's wording (plain or expert, remembered between sessions) and the views that render it.

    A view binds a render function `render(expert)` that sets its labels with `word(key, expert)`; the function
    runs at once and again whenever the switch changes, as long as the view lives. Views also mark their expert
    controls (settings only practitioners change), which presenter mode may hide.
    """

    changed = Signal(bool)  # expert

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self._settings = settings if settings is not None else app_settings()
        self.expert = str(self._settings.value(EXPERT_LABELS_KEY, "false")).lower() == "true"
        self._bindings: list[tuple[QObject, Callable[[bool], None]]] = []
        self._expert_controls: list[QWidget] = []

    def set_expert(self, on: bool) -> None:
        on = bool(on)
        if on == self.expert:
            return
        self.expert = on
        self._settings.setValue(EXPERT_LABELS_KEY, "true" if on else "false")
        self._bindings = [(owner, render) for owner, render in self._bindings if shiboken6.isValid(owner)]
        for _, render in self._bindings:
            render(on)
        self.changed.emit(on)

    def bind(self, owner: QObject, render: Callable[[bool], None]) -> None:
        render(self.expert)
        self._bindings.append((owner, render))

    def label(self, widget: QWidget, key: str) -> QWidget:
        """`widget` shows the term `key` (setText) with its tooltip, in the current wording from now on."""
        def render(expert: bool) -> None:
            widget.setText(word(key, expert))
            if tip(key):
                widget.setToolTip(tip(key))

        self.bind(widget, render)
        return widget

    def word(self, key: str, **fields: object) -> str:
        return word(key, self.expert, **fields)

    def mark_expert(self, *widgets: QWidget) -> None:
        """Controls only practitioners change (e.g. KL strategy): shown always, but presenter mode may hide them."""
        self._expert_controls.extend(widgets)

    def expert_controls(self) -> list[QWidget]:
        self._expert_controls = [w for w in self._expert_controls if shiboken6.isValid(w)]
        return list(self._expert_controls)


_wording: Wording | None = None


def wording() -> Wording:
    """The app's one Wording (created on first use, reading the saved switch)."""
    global _wording
    if _wording is None:
        _wording = Wording()
    return _wording
