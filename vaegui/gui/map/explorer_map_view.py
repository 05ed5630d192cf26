"""Draws the Explorer's state on the latent map (points, selection, samples, path) and forwards its clicks."""

from __future__ import annotations

import numpy as np

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import PointDetails, SelectionModel
from vaegui.app.map_state import colour_points, describe_row, dimension_label
from vaegui.app.map_verbs import MapVerbs
from vaegui.gui.common.wording import wording
from vaegui.gui.map.latent_map import LatentMap
from vaegui.gui.map.map_verbs_view import MapVerbsView
from vaegui.latent.projection import METHOD_LABELS
from vaegui.words import word

SYMBOL_TERMS = {"train": "key_train", "test": "key_test"}  # the core names the split markers; the key words them


class ExplorerMapView:
    """Keeps a LatentMap showing the models' state; holds no state of its own beyond what is drawn."""

    def __init__(self, latent_map: LatentMap, explorer: ExplorerModel, selection: SelectionModel,
                 verbs: MapVerbs | None = None):
        self.map, self.explorer, self.selection = latent_map, explorer, selection
        self._drawn: tuple | None = None  # (map key, latents) on screen: a new one resets the zoom
        self._drew_forming = False
        latent_map.thumbnail_for = self._thumbnail_for
        latent_map.point_clicked.connect(selection.select_row)
        latent_map.location_clicked.connect(selection.select_location)
        latent_map.location_dragged.connect(selection.select_location)
        explorer.map_changed.connect(self.draw_points)
        selection.changed.connect(self.draw_selection)
        selection.generated_changed.connect(self.draw_generated)
        wording().bind(latent_map, self._name_axes)
        # The group, the filter and the layers of this map (made here for the Explorer and each Compare side).
        self.verbs = verbs or MapVerbs(explorer, selection)
        self.verbs_view = MapVerbsView(latent_map, self.verbs)

    def _name_axes(self, expert: bool) -> None:
        """z1 and z2 on a direct map, main directions on PCA; t-SNE and UMAP axes have no meaning of their own."""
        shown = self.explorer.forming or self.explorer.shown
        method = None if shown is None else shown.key.method
        if method == "direct":
            names = [word("map_axis_z", expert, z=dimension_label(i)) for i in (0, 1)]
        elif method == "pca":
            names = [word("map_axis_pc", expert, n=i) for i in (1, 2)]
        elif method in METHOD_LABELS:
            names = [word("map_axis_free", expert, method=METHOD_LABELS[method], n=i) for i in (1, 2)]
        else:
            names = ["", ""]
        self.map.set_axis_names(*names)

    def _latents(self):
        explorer = self.explorer
        return explorer.forming.latents if explorer.forming is not None else (
            explorer.shown.latents if explorer.shown is not None else None)

    def draw_points(self) -> None:
        explorer = self.explorer
        showing = explorer.forming or explorer.shown
        if showing is None:
            self.map.clear()
            self._drawn = None
            self._name_axes(wording().expert)
            return
        coords = showing.coords if explorer.forming is not None else showing.projection.coords
        drawn = (showing.key, showing.latents)  # LatentSet compares by identity
        names = None if explorer.loaded is None else explorer.loaded.class_names
        colouring = colour_points(showing.latents, explorer.settings.colour, names)
        if drawn == self._drawn and explorer.forming is not None:
            self.map.update_coords(coords)  # the same t-SNE run moving on
            self.map.view_box.enableAutoRange()
            return
        view = self.map.view_box.viewRange()
        self.map.set_points(coords, colouring.categories, colouring.colours, colouring.names, colouring.symbols,
                            {symbol: SYMBOL_TERMS.get(name, name) for symbol, name in colouring.symbol_names.items()})
        self._name_axes(wording().expert)
        if drawn == self._drawn and not self._drew_forming:  # only recoloured: the person's zoom stays
            self.map.view_box.setRange(xRange=view[0], yRange=view[1], padding=0)
        self._drawn, self._drew_forming = drawn, explorer.forming is not None
        self.draw_selection()
        self.draw_generated()

    def draw_selection(self) -> None:
        latent_map, shown, selected = self.map, self.explorer.shown, self.selection.selected
        direct = shown is not None and shown.method == "direct"
        latent_map.show_selection(*(selected.xy if isinstance(selected, PointDetails) else (None,)))
        latent_map.show_location(*(selected.xy if selected is not None and not isinstance(selected, PointDetails)
                                   else (None,)))
        if isinstance(selected, PointDetails) and direct:
            latent_map.show_sigma_ellipse(selected.mu, np.exp(0.5 * selected.log_var), sample=np.array(selected.xy))
        else:
            latent_map.show_sigma_ellipse(None)
        posterior = self.selection.posterior
        latent_map.show_samples(posterior[0] if posterior is not None and direct else None, "posterior")

    def draw_generated(self) -> None:
        latent_map, shown = self.map, self.explorer.shown
        self.map.show_path(self.selection.interpolation_path())
        prior = self.selection.prior
        if self.selection.posterior is None:
            latent_map.show_samples(prior[0] if prior is not None and shown is not None and shown.method == "direct"
                                    else None, "prior")

    def _thumbnail_for(self, row: int) -> tuple[np.ndarray, str]:
        latents = self._latents()
        names = None if self.explorer.loaded is None else self.explorer.loaded.class_names
        return latents.image(row), describe_row(latents, row, names)
