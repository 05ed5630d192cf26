"""Connects one latent map to its verbs (vaegui.app.map_verbs): boxes and lassos make the group, the class legend
hides, dims or solos classes, the key's entries switch their layers off, points outside the group or the filter
are dimmed, and the layers are drawn."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu

from vaegui.app.group_model import ADD, NEW
from vaegui.app.map_filter import DIMMED, HIDDEN, SHOWN, point_values
from vaegui.app.map_verbs import MapVerbs
from vaegui.gui.map.lasso import ShapeGesture
from vaegui.gui.map.latent_map import LatentMap
from vaegui.gui.map.map_layers_view import MapLayersView
from vaegui.palette import VALUE_COLOURS

KEY_LAYERS = {"key_contours": "contours", "key_prior_rings": "prior", "key_regions": "labels",
              "key_background": "background"}


class MapVerbsView:
    def __init__(self, latent_map: LatentMap, verbs: MapVerbs):
        self.map, self.verbs = latent_map, verbs
        groups, filters = verbs.groups, verbs.filters
        self.gesture = ShapeGesture(latent_map.plot_item, groups.select_box, groups.select_polygon)
        self.layers_view = MapLayersView(latent_map, verbs.layers, self._select_region)
        latent_map.view_box.shape_dragged.connect(self.gesture.follow)
        latent_map.point_toggled.connect(groups.toggle_row)
        latent_map.double_clicked.connect(verbs.selection.undo_click)
        latent_map.legend.entry_clicked.connect(self.on_legend_click)
        latent_map.legend.entry_double_clicked.connect(self.on_legend_double_click)
        latent_map.legend.entry_menu.connect(self.show_legend_menu)
        latent_map.key.entry_clicked.connect(self.on_key_click)
        latent_map.extra_marks.append(self._marks)
        # After the map view's own handler (connected first): the points of the new map are drawn by then.
        verbs.explorer.map_changed.connect(self.render)
        filters.changed.connect(self.render)
        groups.changed.connect(self.render)

    # ---- rendering ----------------------------------------------------------------------------

    def render(self) -> None:
        states = self.verbs.point_states()
        if states is None or len(states) == self.map.point_count():
            self.map.set_emphasis(states)
        self.gesture.show_outline(self.verbs.groups.shape if self.verbs.groups.rows is not None else None)
        self._render_legend()
        self.map.refresh_key()

    def _render_legend(self) -> None:
        filters = self.verbs.filters
        if self._value_mode():
            value_range = filters.ranges.get(self._value_name())
            states = {}
            if value_range is not None:
                for category in range(len(VALUE_COLOURS)):
                    bin_range = self._bin_range(category)
                    inside = bin_range is not None and bin_range[0] >= value_range.low - 1e-9 and \
                        bin_range[1] <= value_range.high + 1e-9
                    states[category] = SHOWN if inside else DIMMED
            self.map.legend.set_states(states)
        else:
            self.map.legend.set_states(dict(filters.class_states))

    def _marks(self) -> list:
        marks = self.layers_view.marks()
        if self.gesture.outline.getData()[0] is not None and len(self.gesture.outline.getData()[0]):
            marks.insert(0, (self.gesture.outline, "key_group_outline"))
        return marks

    # ---- the legend and the key ---------------------------------------------------------------

    def _value_mode(self) -> bool:
        return self.verbs.explorer.settings.colour in ("error", "kl")

    def _value_name(self) -> str:
        return "error" if self.verbs.explorer.settings.colour == "error" else "kl"

    def _bin_range(self, category: int) -> tuple[float, float] | None:
        """The values a value-coloured legend entry stands for (the map's eight quantile bins)."""
        latents = self.verbs.filters.latents()
        values = None if latents is None else point_values(latents, self._value_name())
        if values is None or not 0 <= category < len(VALUE_COLOURS):
            return None
        edges = np.quantile(values, np.linspace(0, 1, len(VALUE_COLOURS) + 1))
        return float(edges[category]), float(edges[category + 1])

    def on_legend_click(self, category: int) -> None:
        """Classes: hide or show again. Value ranges: only this range, or every range again."""
        filters = self.verbs.filters
        if not self._value_mode():
            filters.toggle_class(category)
            return
        name, bin_range = self._value_name(), self._bin_range(category)
        current = filters.ranges.get(name)
        if bin_range is None or current is not None and (current.low, current.high) == bin_range:
            filters.set_range(name, None, None)
        else:
            filters.set_range(name, *bin_range)

    def on_legend_double_click(self, category: int) -> None:
        if self._value_mode():
            return  # its first click already chose the range alone
        self.verbs.filters.solo_class(category)

    def show_legend_menu(self, category: int, where: QPoint) -> None:
        menu = self.legend_menu(category)
        menu.exec(where)

    def legend_menu(self, category: int) -> QMenu:
        """What a right-click on a legend entry offers (built apart so that tests can read and trigger it)."""
        filters, groups = self.verbs.filters, self.verbs.groups
        menu = QMenu(self.map)
        if self._value_mode():
            menu.addAction("Show only this range", lambda: self.on_legend_click(category))
            menu.addAction("Show every range", lambda: filters.set_range(self._value_name(), None, None))
            return menu
        state = filters.class_state(category)
        menu.addAction("Show this class" if state == HIDDEN else "Hide this class",
                       lambda: filters.set_class_state(category, SHOWN if state == HIDDEN else HIDDEN))
        menu.addAction("Show this class again" if state == DIMMED else "Dim this class",
                       lambda: filters.set_class_state(category, SHOWN if state == DIMMED else DIMMED))
        menu.addAction("Show only this class", lambda: filters.solo_class(category))
        menu.addSeparator()
        menu.addAction("Select its pictures (the group)", lambda: groups.select_class(category, NEW))
        menu.addAction("Add its pictures to the group", lambda: groups.select_class(category, ADD))
        menu.addSeparator()
        menu.addAction("Show every class", filters.show_all_classes)
        return menu

    def on_key_click(self, term: str) -> None:
        """A key entry acts on what it shows: a layer's entry switches the layer off, the group's outline forgets
        the group, the chosen picture's entry lets go of it."""
        if term in KEY_LAYERS:
            self.verbs.layers.set_shown(KEY_LAYERS[term], False)
        elif term == "key_group_outline":
            self.verbs.groups.clear()
        elif term in ("key_selection", "key_location"):
            self.verbs.selection.clear()

    def _select_region(self, cluster: int) -> None:
        regions = self.verbs.layers.regions
        if regions is None:
            return
        label = next((label for label in regions.labels if label.cluster == cluster), None)
        self.verbs.groups.select_rows(regions.rows_of(cluster), f"region '{label.text if label else cluster}'")
