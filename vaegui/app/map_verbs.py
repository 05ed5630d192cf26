"""The explorer's verbs for one map, Qt-free: its filter, its group, its extra layers and its direction, made
together for an Explorer model (the Explorer tab has one, the Compare tab one per side)."""

from __future__ import annotations

import numpy as np

from vaegui.app.direction_model import DirectionModel
from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import SelectionModel
from vaegui.app.group_model import GroupModel
from vaegui.app.map_filter import FilterModel
from vaegui.app.map_layers import MapLayers


class MapVerbs:
    def __init__(self, explorer: ExplorerModel, selection: SelectionModel):
        self.explorer, self.selection = explorer, selection
        self.filters = FilterModel(explorer)
        self.groups = GroupModel(explorer, self.filters)
        self.layers = MapLayers(explorer, self.filters, explorer.runner)
        self.direction = DirectionModel(explorer, selection, self.groups)

    def point_states(self) -> np.ndarray | None:
        """How the map draws each point now: hidden (a class hidden), dimmed (filtered out, or outside the group),
        or as it is; None when every point is drawn as it is."""
        return self.filters.point_states(self.groups.in_group())

    def rows_shown(self) -> np.ndarray | None:
        """The rows of the shown map that pass the filter (what the lists and exports take); None: every row."""
        if not self.filters.active or self.explorer.shown is None or self.explorer.forming is not None:
            return None
        passing = self.filters.passing()
        return None if passing is None else np.flatnonzero(passing)

    def shutdown(self) -> None:
        self.layers.shutdown()
