"""Draws the Explorer's state on the latent map (points, selection, samples, path, the person's pictures; flat or
turned in 3-D) and forwards its clicks."""

from __future__ import annotations

import numpy as np

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import PointDetails, SelectionModel
from vaegui.app.map_state import PLACED_EXACTLY, colour_points, describe_row, dimension_label, same_rows
from vaegui.app.map_verbs import MapVerbs
from vaegui.app.your_pictures import PictureDetails, YourPictures
from vaegui.gui.common.wording import wording
from vaegui.gui.map.glide import Glide
from vaegui.gui.map.latent_map import LatentMap
from vaegui.gui.map.map_verbs_view import MapVerbsView
from vaegui.gui.map.picture_layer import PictureLayer
from vaegui.gui.map.turned_view import TurnedView
from vaegui.latent.projection import METHOD_LABELS
from vaegui.words import word

SYMBOL_TERMS = {"train": "key_train", "test": "key_test"}  # the core names the split markers; the key words them




class ExplorerMapView:
    """Keeps a LatentMap showing the models' state; holds no state of its own beyond what is drawn."""

    def __init__(self, latent_map: LatentMap, explorer: ExplorerModel, selection: SelectionModel,
                 pictures: YourPictures | None = None, verbs: MapVerbs | None = None):
        self.map, self.explorer, self.selection = latent_map, explorer, selection
        self._drawn: tuple | None = None  # (map key, latents) on screen: a new one resets the zoom
        self._drew_forming = False
        self.turned = TurnedView(latent_map, self._on_turned)
        self.glide = Glide(latent_map)
        self.pictures = None if pictures is None else PictureLayer(latent_map, pictures)
        if self.pictures is not None:
            self.pictures.to_screen = self.turned.project
        latent_map.thumbnail_for = self._thumbnail_for
        latent_map.point_clicked.connect(selection.select_row)
        latent_map.location_clicked.connect(self._on_location_clicked)
        latent_map.location_dragged.connect(selection.select_location)
        latent_map.double_clicked.connect(self._on_double_click)
        explorer.map_changed.connect(self.draw_points)
        selection.changed.connect(self.draw_selection)
        selection.generated_changed.connect(self.draw_generated)
        wording().bind(latent_map, self._name_axes)
        # The group, the filter and the layers of this map (made here for the Explorer and each Compare side).
        self.verbs = verbs or MapVerbs(explorer, selection)
        self.verbs_view = MapVerbsView(latent_map, self.verbs)

    def _on_double_click(self) -> None:
        if self.turned.active:  # a 3-D map faces its front again, all of it in view
            self.turned.reset()
            self.turned.frame()

    def _on_location_clicked(self, x: float, y: float) -> None:
        if self.turned.active:
            self.selection.said.emit(word("empty_place_3d", wording().expert))
        else:
            self.selection.select_location(x, y)

    def _name_axes(self, expert: bool) -> None:
        """z1 and z2 on a direct map, main directions on PCA; t-SNE and UMAP axes have no meaning of their own."""
        shown = self.explorer.forming or self.explorer.shown
        method = None if shown is None else shown.key.method
        if self.turned.active:
            names = [word("map_axis_3d", expert), ""]
        elif method == "direct":
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
        self.glide.stop()
        if showing is None:
            self.turned.hide()
            self.map.clear()
            self._drawn = None
            self._name_axes(wording().expert)
            return
        coords = showing.coords if explorer.forming is not None else showing.projection.coords
        drawn = (showing.key, showing.latents)  # LatentSet compares by identity
        depth = None
        if coords.shape[1] == 3:
            self.turned.axis_names = self._axis_names_3d(showing.key.method)
            coords, depth = self.turned.show(coords, new_map=self._drawn is None or self._drawn[0] != showing.key)
        else:
            self.turned.hide()
        names = self._class_names()
        # What the run folder shows while the model loads is coloured by class (it has no errors to colour by).
        colour = "label" if explorer.forming is not None and explorer.forming.note else explorer.settings.colour
        colouring = colour_points(showing.latents, colour, names)
        if drawn == self._drawn and explorer.forming is not None:
            self.map.update_coords(coords, depth)  # the same t-SNE run moving on
            if depth is None:
                self.map.view_box.enableAutoRange()
            else:
                self.turned.frame()
            self._draw_pictures()
            return
        view = self.map.view_box.viewRange()
        before = self._glides_from(showing)
        self.map.set_points(coords if before is None else before, colouring.categories, colouring.colours,
                            colouring.names, colouring.symbols,
                            {symbol: SYMBOL_TERMS.get(name, name) for symbol, name in colouring.symbol_names.items()})
        if depth is not None:
            self.map.update_coords(coords, depth)
            self.turned.frame()
        self._name_axes(wording().expert)
        if (drawn == self._drawn and not self._drew_forming) or before is not None:
            self.map.view_box.setRange(xRange=view[0], yRange=view[1], padding=0)  # the person's zoom stays
        if before is not None:
            self.glide.start(before, coords, self.map.update_coords)
        self._drawn, self._drew_forming = drawn, explorer.forming is not None
        self.draw_selection()
        self.draw_generated()
        self._draw_pictures()

    def _axis_names_3d(self, method: str) -> tuple[str, str, str]:
        expert = wording().expert
        if method == "pca":
            return tuple(word("map_axis_pc", expert, n=n) for n in (1, 2, 3))
        return tuple(word("map_axis_free", expert, method=METHOD_LABELS[method], n=n) for n in (1, 2, 3))

    def _glides_from(self, showing) -> np.ndarray | None:
        """The coordinates to glide from: those on screen, when the new map shows the same images the same way
        (another epoch, turned to agree with this one); else None (the map is simply drawn)."""
        drawn = self._drawn
        if drawn is None or self._drew_forming or self.explorer.forming is not None or self.turned.active:
            return None
        key = showing.key
        if drawn[0] == key or (drawn[0].method, drawn[0].dims) != (key.method, key.dims) or \
                not same_rows(drawn[1], showing.latents) or showing.projection.turn is None:
            return None
        return self.map.coords.copy() if len(self.map.coords) == len(showing.latents) else None

    def _on_turned(self) -> None:
        self.draw_selection()
        self._draw_pictures()

    def _draw_pictures(self) -> None:
        if self.pictures is not None:
            self.pictures.draw()

    def _class_names(self) -> list[str] | None:
        explorer = self.explorer
        if explorer.loaded is not None:
            return explorer.loaded.class_names
        return None if explorer.forming is None else explorer.forming.class_names

    def draw_selection(self) -> None:
        latent_map, shown, selected = self.map, self.explorer.shown, self.selection.selected
        if self.explorer.forming is not None:
            selected = None  # the marks belong to the finished map: they would sit in the wrong places meanwhile
        direct = shown is not None and shown.method == "direct"
        chosen = isinstance(selected, (PointDetails, PictureDetails))
        xy = None if selected is None else self._on_screen(selected)
        latent_map.show_selection(*(xy if chosen and xy is not None else (None,)))
        latent_map.show_location(*(xy if selected is not None and not chosen and xy is not None else (None,)))
        if isinstance(selected, PointDetails) and direct:
            latent_map.show_sigma_ellipse(selected.mu, np.exp(0.5 * selected.log_var), sample=np.array(selected.xy))
        else:
            latent_map.show_sigma_ellipse(None)
        posterior = self.selection.posterior if selected is not None else None
        flat = not self.turned.active  # a turned 3-D map places nothing new
        latent_map.show_samples(None if posterior is None or not flat else placed_exactly(shown, posterior[0]),
                                "posterior")

    def _on_screen(self, selected) -> tuple[float, float] | None:
        """Where the chosen point or picture is drawn now (turned with a 3-D map); a place only on a flat map."""
        if not self.turned.active:
            return selected.xy
        shown = self.explorer.shown
        if isinstance(selected, PointDetails) and shown is not None and selected.row < len(shown.projection.coords):
            return tuple(float(v) for v in self.map.coords[selected.row])
        if isinstance(selected, PictureDetails) and self.pictures is not None and \
                selected.index < len(self.pictures.positions):
            return tuple(float(v) for v in self.pictures.positions[selected.index])
        return None

    def draw_generated(self) -> None:
        latent_map, shown = self.map, self.explorer.shown
        if self.explorer.forming is not None or self.turned.active:  # marks of a flat, finished map only
            latent_map.show_path(None)
            latent_map.show_samples(None, "prior")
            return
        self.map.show_path(self.selection.interpolation_path())
        prior = self.selection.prior
        if self.selection.posterior is None:
            latent_map.show_samples(None if prior is None else placed_exactly(shown, prior[0]), "prior")

    def _thumbnail_for(self, row: int) -> tuple[np.ndarray, str] | None:
        latents = self._latents()
        if latents is None or not latents.sources or row >= len(latents):
            return None  # the images are still loading
        return latents.image(row), describe_row(latents, row, self._class_names())


def placed_exactly(shown, vectors: np.ndarray) -> np.ndarray | None:
    """Where latent vectors lie on a direct or PCA map (exact, and quick enough for the GUI thread), or None on a
    t-SNE or UMAP map: those place new points only by a slow fit, so the draws go unmarked there (the Compare
    lesson says why)."""
    if shown is None or shown.method not in PLACED_EXACTLY:
        return None
    return shown.projection.place(vectors)[0]
