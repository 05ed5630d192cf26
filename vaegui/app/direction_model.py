"""A direction made from two groups (group B's mean code minus group A's), walked from a chosen picture with live
decoding, saved and loaded; Qt-free."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from psygnal import Signal

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import SelectionModel
from vaegui.app.group_model import GroupModel
from vaegui.errors import VaeguiError
from vaegui.latent.directions import Direction, direction_between, load_direction, save_direction, walk

AMOUNT_RANGE = (-2.0, 2.0)  # how far the slider walks, in lengths of the direction
STRIP_AMOUNTS = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)


class DirectionModel:
    changed = Signal()  # direction, start, amount or images changed
    said = Signal(str)

    def __init__(self, explorer: ExplorerModel, selection: SelectionModel, groups: GroupModel):
        self.explorer, self.selection, self.groups = explorer, selection, groups
        self.direction: Direction | None = None
        self.start: np.ndarray | None = None  # the vector walked from
        self.start_title = ""
        self.amount = 0.0
        self.image: np.ndarray | None = None  # start + amount · direction, decoded
        self.strip: np.ndarray | None = None  # the walk at STRIP_AMOUNTS, decoded
        groups.kept_changed.connect(self._on_kept_changed)
        explorer.source_changed.connect(self._on_source_changed)
        self._source = None

    # ---- making and choosing -------------------------------------------------------------------

    def _on_kept_changed(self) -> None:
        a, b = self.groups.kept["A"], self.groups.kept["B"]
        if a is None or b is None:
            self.changed.emit()
            return
        codes = np.concatenate([a.codes, b.codes])
        self.direction = direction_between(codes, np.arange(a.count), a.count + np.arange(b.count),
                                           f"A ({a.description})", f"B ({b.description})", self._source_name())
        if self.start is None:
            self._set_start(a.mean_code, "group A's mean")
        self._decode()

    def use_selection(self) -> None:
        """Walk from the picture or place chosen on the map."""
        selected = self.selection.selected
        if selected is None:
            self.said.emit("Click a picture (or an empty place) on the map first: the direction is walked from it.")
            return
        self._set_start(np.asarray(selected.vector, np.float32), selected.title)
        self._decode()

    def _set_start(self, vector: np.ndarray, title: str) -> None:
        self.start, self.start_title, self.amount = np.asarray(vector, np.float32), title, 0.0

    def set_amount(self, amount: float) -> None:
        self.amount = float(np.clip(amount, *AMOUNT_RANGE))
        self._decode(strip=False)

    def walked(self) -> np.ndarray | None:
        if self.direction is None or self.start is None:
            return None
        return walk(self.start, self.direction, self.amount)

    def _decode(self, strip: bool = True) -> None:
        """Through the GUI thread's viewer copy (~1 ms a call): the slider decodes as it moves."""
        loaded = self.explorer.loaded
        vector = self.walked()
        if vector is None or loaded is None:
            self.image = self.strip = None
        else:
            self.image = loaded.viewer.decode_one(vector)
            if strip:
                self.strip = loaded.viewer.decode_many(np.stack([walk(self.start, self.direction, amount)
                                                                 for amount in STRIP_AMOUNTS]))
        self.changed.emit()

    # ---- files ---------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path | None:
        if self.direction is None:
            self.said.emit("Keep two groups as A and B first: the direction goes from A's mean to B's.")
            return None
        try:
            saved = save_direction(path, self.direction)
        except VaeguiError as error:
            self.said.emit(str(error))
            return None
        self.said.emit(f"Saved the direction to {saved} (z_dim {self.direction.z_dim}).")
        return saved

    def load(self, path: str | Path) -> bool:
        loaded = self.explorer.loaded
        try:
            direction = load_direction(path, None if loaded is None else loaded.z_dim)
        except VaeguiError as error:
            self.said.emit(str(error))
            return False
        self.direction = direction
        selected = self.selection.selected
        if selected is not None:
            self._set_start(np.asarray(selected.vector, np.float32), selected.title)
        elif self.start is None and self.explorer.shown is not None:
            self._set_start(self.explorer.shown.latents.mu.mean(axis=0), "the map's mean")
        self.said.emit(f"Loaded a direction {direction.describe()}.")
        self._decode()
        return True

    def describe(self) -> str:
        return "" if self.direction is None else self.direction.describe()

    def _source_name(self) -> str:
        loaded = self.explorer.loaded
        return "" if loaded is None else loaded.name

    def _on_source_changed(self) -> None:
        loaded = self.explorer.loaded
        source = None if loaded is None else loaded.source
        if source != self._source:
            self._source = source
            self.direction = None  # made in another model's space (a saved one can be loaded again)
            self.start, self.image, self.strip, self.amount = None, None, None, 0.0
            self.changed.emit()
        elif self.start is not None:
            self._decode()  # a newer epoch decodes the same walk again
