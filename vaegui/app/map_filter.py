"""What the map shows of its points, Qt-free: classes hidden, dimmed or shown alone, a search, ranges of values.

Points that do not pass are dimmed (a class hidden from the key is not drawn at all); the group, the lists and the
exports take only the points that pass. The filter outlives a new map: the same classes, search and ranges apply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from psygnal import Signal

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.map_state import class_name
from vaegui.latent.encoding import LatentSet
from vaegui.latent.search import SearchResult, search, warm_file_names

SHOWN, DIMMED, HIDDEN = "shown", "dimmed", "hidden"
NORMAL_POINT, DIMMED_POINT, HIDDEN_POINT = 0, 1, 2  # as the map draws them (vaegui.gui.map.point_raster)
RANGE_NAMES = ("error", "kl", "log_var")


@dataclass(frozen=True)
class ValueRange:
    low: float
    high: float

    def contains(self, values: np.ndarray) -> np.ndarray:
        return (values >= self.low) & (values <= self.high)


def point_values(latents: LatentSet, name: str) -> np.ndarray | None:
    """Each point's copy error, KL or mean spread (log_var); None while the map has not computed it."""
    if name == "error":
        values = getattr(latents, "reconstruction_error", None)
        if values is None or len(values) != len(latents) or not np.isfinite(values).any():
            return None
        return np.asarray(values)
    if name == "kl":
        return np.asarray(latents.kl)
    if name == "log_var":
        return latents.log_var.mean(axis=1)
    raise KeyError(name)


class FilterModel:
    changed = Signal()

    def __init__(self, explorer: ExplorerModel):
        self.explorer = explorer
        self.class_states: dict[int, str] = {}  # label → DIMMED or HIDDEN (absent: SHOWN)
        self.query = ""
        self.found: SearchResult | None = None
        self.ranges: dict[str, ValueRange] = {}
        self._latents: LatentSet | None = None
        self._passing: np.ndarray | None = None
        self._source = None
        explorer.map_changed.connect(self._on_map_changed)
        explorer.source_changed.connect(self._on_source_changed)

    # ---- what is drawn --------------------------------------------------------------------------

    def latents(self) -> LatentSet | None:
        """The latent set the map draws now (a map still forming included)."""
        explorer = self.explorer
        showing = explorer.forming or explorer.shown
        return None if showing is None else showing.latents

    @property
    def active(self) -> bool:
        return bool(self.class_states or self.query.strip() or self.ranges)

    def passing(self) -> np.ndarray | None:
        """(N,) bool: the points of the map that pass every filter; None when nothing is drawn."""
        latents = self.latents()
        if latents is None:
            return None
        if self._passing is None or self._latents is not latents:
            self._latents, self._passing = latents, self._compute(latents)
        return self._passing

    def hidden(self) -> np.ndarray | None:
        """(N,) bool: the points of classes hidden from the key (not drawn at all)."""
        latents = self.latents()
        if latents is None or latents.labels is None:
            return None
        hidden = [label for label, state in self.class_states.items() if state == HIDDEN]
        return np.isin(latents.labels, hidden) if hidden else None

    def point_states(self, in_group: np.ndarray | None = None) -> np.ndarray | None:
        """(N,) uint8 for the map: hidden classes HIDDEN_POINT; points that fail a filter DIMMED_POINT, or while no
        filter is on, those outside the group (when there is one); None when every point is drawn as it is.

        A search (or a range, a class dimmed) decides alone what is bright: both at once left nothing bright when
        what was searched for lay outside the group ("Showing 505" over a dark map). The group keeps its outline."""
        passing = self.passing()
        if passing is None:
            return None
        states = np.where(passing, NORMAL_POINT, DIMMED_POINT).astype(np.uint8)
        if in_group is not None and len(in_group) == len(states) and not self.active:
            states[~in_group] = DIMMED_POINT
        hidden = self.hidden()
        if hidden is not None:
            states[hidden] = HIDDEN_POINT
        return states if states.any() else None

    def _compute(self, latents: LatentSet) -> np.ndarray:
        passing = np.ones(len(latents), bool)
        if latents.labels is not None and self.class_states:
            passing &= ~np.isin(latents.labels, list(self.class_states))
        if self.query.strip():
            self.found = search(latents, self.query, self._class_names())
            matched = np.zeros(len(latents), bool)
            matched[self.found.rows] = True
            passing &= matched
        for name, value_range in self.ranges.items():
            values = point_values(latents, name)
            if values is not None:
                passing &= value_range.contains(values)
        return passing

    # ---- changing it ---------------------------------------------------------------------------

    def set_query(self, text: str) -> None:
        if text != self.query:
            self.query = text
            self.found = None
            self._changed()

    def set_class_state(self, label: int, state: str) -> None:
        label = int(label)
        if state == SHOWN:
            self.class_states.pop(label, None)
        else:
            self.class_states[label] = state
        self._changed()

    def set_class_states(self, states: dict[int, str]) -> None:
        """Every class's state at once (the other map's, in the Compare tab)."""
        self.class_states = {int(label): state for label, state in states.items() if state != SHOWN}
        self._changed()

    def toggle_class(self, label: int) -> None:
        """A click on the class in the key: hidden if shown (or dimmed), shown again if hidden."""
        state = self.class_states.get(int(label), SHOWN)
        self.set_class_state(label, SHOWN if state == HIDDEN else HIDDEN)

    def solo_class(self, label: int) -> None:
        """Only this class shown, every other hidden; asked again for the class shown alone, every class again."""
        present = self._present_classes()
        others = [c for c in present if c != int(label)]
        if others and all(self.class_states.get(c) == HIDDEN for c in others) and int(label) not in self.class_states:
            self.class_states = {}
        else:
            self.class_states = {c: HIDDEN for c in others}
        self._changed()

    def show_all_classes(self) -> None:
        if self.class_states:
            self.class_states = {}
            self._changed()

    def set_range(self, name: str, low: float | None, high: float | None) -> None:
        if name not in RANGE_NAMES:
            raise KeyError(name)
        if low is None and high is None:
            self.ranges.pop(name, None)
        else:
            self.ranges[name] = ValueRange(-np.inf if low is None else float(low), np.inf if high is None else
                                           float(high))
        self._changed()

    def clear(self) -> None:
        """Every point shown again: no class hidden or dimmed, no search, no range."""
        if self.active:
            self.class_states, self.query, self.found, self.ranges = {}, "", None, {}
            self._changed()

    def class_state(self, label: int) -> str:
        return self.class_states.get(int(label), SHOWN)

    # ---- saying it -----------------------------------------------------------------------------

    def describe(self) -> str:
        """'Showing 1,204 of 10,000 pictures (class 3 hidden; search "7"; copy error 10–40)', or ''."""
        passing = self.passing()
        if passing is None or not self.active:
            return ""
        names = self._class_names()
        parts = []
        for state in (HIDDEN, DIMMED):
            labels = sorted(label for label, s in self.class_states.items() if s == state)
            if labels:
                listed = ", ".join(class_name(label, names) for label in labels[:4]) + ("…" if len(labels) > 4 else "")
                parts.append(f"{state} {listed}")
        if self.query.strip():
            parts.append(f"found: {self.found.what}" if self.found is not None else f"search '{self.query}'")
        words = {"error": "copy error", "kl": "KL", "log_var": "spread (log_var)"}
        for name, value_range in self.ranges.items():
            parts.append(f"{words[name]} {value_range.low:.3g}–{value_range.high:.3g}")
        return f"Showing {int(passing.sum()):,} of {len(passing):,} pictures · " + "; ".join(parts)

    def _class_names(self) -> list[str] | None:
        loaded = self.explorer.loaded
        return None if loaded is None else loaded.class_names

    def _present_classes(self) -> list[int]:
        latents = self.latents()
        return [] if latents is None or latents.labels is None else np.flatnonzero(np.bincount(latents.labels)).tolist()

    def _changed(self) -> None:
        self._passing = None
        self.changed.emit()

    def _on_map_changed(self) -> None:
        latents = self.latents()
        if latents is not self._latents:
            if self.explorer.shown is not None and latents is self.explorer.shown.latents and any(
                    getattr(images, "paths", None) is not None for images in latents.sources):
                # An image folder's file names (200,000 take ~0.1 s) are read off the GUI thread before a search.
                self.explorer.runner.submit(lambda report, cancel: warm_file_names(latents), lane=None,
                                            on_done=lambda _: None, on_failed=lambda _: None,
                                            on_cancelled=lambda: None)
            self._passing, self.found = None, None
            self.changed.emit()

    def _on_source_changed(self) -> None:
        # Another model may have other classes; its map starts unfiltered, the search box included.
        loaded = self.explorer.loaded
        if loaded is None or loaded.source != self._source:
            self._source = None if loaded is None else loaded.source
            self.class_states, self.query, self.found, self.ranges = {}, "", None, {}
            self._passing = None
            self.changed.emit()
