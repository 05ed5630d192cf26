"""What the person picked on the Explorer's map and what was decoded from it: the point or place, traversal,
samples, interpolation and grid; Qt-free, decoding through the GUI thread's viewer copy (no predict() a click)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from psygnal import Signal

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.map_state import PLACED_EXACTLY, ShownMap, describe_row, places_on_map
from vaegui.latent.encoding import per_sample_reconstruction_error
from vaegui.latent.generation import image_mosaic, interpolate, latent_grid, posterior_samples, prior_samples
from vaegui.latent.traversal import Traversal
from vaegui.words import word

NEIGHBOURS = 8
SAMPLES = 16
INTERPOLATION_STEPS = 10


def decode_z_and_mu(viewer, z: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(decode(z), decode(mu)): once when they are the same (mu-only); else one at a time, since a batch of two
    costs a large decoder more than two of one on a busy CPU (docs/performance.md, "click at z_dim 200")."""
    first = viewer.decode_one(z)
    return first, first if np.array_equal(z, mu) else viewer.decode_one(mu)


@dataclass(frozen=True, eq=False)
class PointDetails:
    """A point of the map: which image, its encoding, its reconstruction and nearest neighbours."""

    row: int
    split: int  # SPLIT_TRAIN or SPLIT_TEST: with `index`, which image this is, whatever map shows it
    index: int
    title: str
    original: np.ndarray
    reconstruction: np.ndarray
    mu: np.ndarray
    log_var: np.ndarray
    z: np.ndarray
    xy: tuple[float, float]
    neighbour_rows: np.ndarray
    neighbour_images: np.ndarray
    neighbour_captions: list[str]
    how: str
    error: float = float("nan")  # its reconstruction error (the training loss of decode(mu))

    @property
    def vector(self) -> np.ndarray:
        return self.mu


@dataclass(frozen=True, eq=False)
class LocationDetails:
    """An empty place on the map decoded: the latent vector behind it and the image it decodes to."""

    xy: tuple[float, float]
    vector: np.ndarray
    image: np.ndarray
    how: str

    @property
    def title(self) -> str:
        return f"Empty place ({self.xy[0]:.2f}, {self.xy[1]:.2f})"


@dataclass(frozen=True, eq=False)
class InterpolationEnd:
    vector: np.ndarray
    xy: tuple[float, float]
    shown: ShownMap  # the map it was picked on: its path is drawn only there


class SelectionModel:
    changed = Signal()  # `selected` changed (and with it the traversal's base and the posterior samples)
    traversal_changed = Signal()
    generated_changed = Signal()  # prior samples, interpolation or grid
    said = Signal(str)  # a short hint for the status line

    def __init__(self, explorer: ExplorerModel):
        self.explorer = explorer
        self.selected: PointDetails | LocationDetails | None = None
        self.pending = False  # a click's mu still to decode: the view calls finish() once the panel is painted
        self.defer_mu = False  # whether a view calls finish() (the Explorer's side panel does), else decoded at once
        self.traversal: Traversal | None = None
        self.posterior: tuple[np.ndarray, np.ndarray] | None = None  # (draws, images)
        self.prior: tuple[np.ndarray, np.ndarray] | None = None
        self.ends: dict[str, InterpolationEnd | None] = {"A": None, "B": None}
        self.interpolation: tuple[np.ndarray, np.ndarray] | None = None  # (images, path on the map)
        self.grid: tuple[np.ndarray, np.ndarray, int, str] | None = None  # (vectors, mosaic, per side, note)
        self._map: ShownMap | None = None
        self._decoded_for = None  # the source whose decodings are on screen
        self._before_click: tuple | None = None  # (selected, traversal, posterior, map) before the last click
        explorer.source_changed.connect(self._on_source_changed)
        explorer.map_changed.connect(self._on_map_changed)

    # ---- selecting ----------------------------------------------------------------------------

    def _clickable(self) -> ShownMap | None:
        explorer = self.explorer
        if explorer.forming is not None:
            self.said.emit("The map is still forming: wait for it to finish (or press Cancel) to click on it.")
            return None
        return explorer.shown

    def select_row(self, row: int) -> None:
        """Inspect map point `row`: original, reconstruction of its z, mu/log_var, neighbours."""
        shown = self._clickable()
        if shown is None or not 0 <= row < len(shown.latents):
            return
        self._remember_click(shown)
        details, from_mu = self._point_details(shown, row)
        self._select(details, from_mu, later=from_mu is None)

    def select_location(self, x: float, y: float) -> np.ndarray | None:
        """Decode an empty place of the map: the vector itself (Direct), PCA's inverse, or neighbours' mean."""
        shown = self._clickable()
        if shown is None:
            return None
        vector, how = shown.projection.location_to_latent(x, y)
        self._remember_click(shown)
        image = self._viewer().decode_one(vector)
        self._select(LocationDetails((float(x), float(y)), vector, image, how + "."), image)
        return vector

    def select_vector(self, vector: np.ndarray, xy: tuple[float, float], how: str) -> None:
        """Decode a latent vector chosen elsewhere (the comparison's other map), marked at `xy` on this map."""
        if self._clickable() is None:
            return
        vector = np.asarray(vector, np.float32)
        image = self._viewer().decode_one(vector)
        self._select(LocationDetails((float(xy[0]), float(xy[1])), vector, image, how), image)

    def clear(self) -> None:
        self._select(None)

    def show_details(self, details, base_image: np.ndarray | None = None) -> None:
        """Select something another layer of the map picked (one of the person's own pictures): it has the point
        panel's fields and a `vector` to traverse from; `base_image` is that vector already decoded."""
        if self._clickable() is not None:
            self._select(details, base_image)

    def _remember_click(self, shown: ShownMap) -> None:
        self._before_click = (self.selected, self.traversal, self.posterior, shown)

    def undo_click(self) -> None:
        """Take the last click back: a double-click only fits the view, so its first click must not stay decoded."""
        before, self._before_click = self._before_click, None
        if before is None or before[3] is not self.explorer.shown:
            return
        self.selected, self.traversal, self.posterior = before[:3]
        self.pending = False
        self.changed.emit()
        self.traversal_changed.emit()

    def _select(self, details: PointDetails | LocationDetails | None, base_image: np.ndarray | None = None, *,
                later: bool = False) -> None:
        """`base_image`: the selection's vector already decoded (saves a decoder call on a click); `later`: decoded
        by `finish` (the view calls it once the click is painted)."""
        self.selected, self.posterior, self.pending = details, None, later
        shown = self.explorer.shown
        self.traversal = None if details is None or shown is None else Traversal.around(
            details.vector, shown.latents.mu, shown.dimension_order, shown.dimension_kl, shown.mu_range)
        if self.traversal is not None and base_image is not None:
            self.traversal = replace(self.traversal, image=base_image)
        elif not later:
            self._decode_traversal()
        self.changed.emit()
        self.traversal_changed.emit()

    def finish(self) -> None:
        """What a click leaves for after the point panel is painted: its mu decoded (the Traverse tab's starting
        picture, and its copy error when the errors are not worked out), one more decoder pass."""
        selected, self.pending = self.selected, False
        if not isinstance(selected, PointDetails) or self.traversal is None or self.traversal.image is not None:
            return
        from_mu = self._viewer().decode_one(selected.mu)
        self.traversal = replace(self.traversal, image=from_mu)
        if np.isnan(selected.error):
            error = float(per_sample_reconstruction_error(selected.original[None], from_mu[None],
                                                          self.explorer.loaded.reconstruction_loss)[0])
            title = selected.title.replace("error …", f"error {error:.2f}")
            self.selected = replace(selected, error=error, title=title)
            self.changed.emit()
        self.traversal_changed.emit()

    def _point_details(self, shown: ShownMap, row: int) -> tuple[PointDetails, np.ndarray | None]:
        """The point's details, and its mu decoded when it is its z (mu-only), else None: `finish` decodes it."""
        latents, names = shown.latents, self._class_names()
        mu, log_var, z = latents.mu[row], latents.log_var[row], latents.z[row]
        if self.defer_mu and not np.array_equal(z, mu):
            reconstruction, from_mu = self._viewer().decode_one(z), None
        else:
            reconstruction, from_mu = decode_z_and_mu(self._viewer(), z, mu)
        neighbours = shown.neighbours.of_row(row, mu, NEIGHBOURS)
        how = ("Reconstruction: the decoder's image of this point's place, the centre of its cloud (mu-only is on)."
               if latents.mu_only else
               "Reconstruction: the decoder's image of this point's place, a random draw from its cloud "
               "(mu-only is off).")
        x, y = shown.projection.coords[row][:2]
        original = latents.image(row)
        if latents.reconstruction_error is not None:
            error = float(latents.reconstruction_error[row])
        elif from_mu is not None:  # not worked out for every image (a decoder pass); this one's mu is decoded
            error = float(per_sample_reconstruction_error(original[None], from_mu[None],
                                                          self.explorer.loaded.reconstruction_loss)[0])
        else:
            error = float("nan")  # `finish` works it out, with the mu it decodes
        shown_error = "…" if np.isnan(error) else f"{error:.2f}"
        title = f"{describe_row(latents, row, names)} · error {shown_error} · KL {latents.kl[row]:.2f}"
        details = PointDetails(row, int(latents.split[row]), int(latents.source_index[row]), title, original,
                               reconstruction, mu, log_var, z, (float(x), float(y)), neighbours,
                               latents.images(neighbours), [describe_row(latents, r, names) for r in neighbours], how,
                               error)
        return details, from_mu

    def _on_map_changed(self) -> None:
        shown = self.explorer.shown
        if shown is self._map:
            return  # recoloured, or a layout still forming: the selection stands
        self._map = shown
        selected = self.selected
        if isinstance(selected, PointDetails) and shown is not None:
            # The same image, wherever it is in the new map (another split, subset, epoch or projection).
            latents = shown.latents
            rows = np.flatnonzero((latents.split == selected.split) & (latents.source_index == selected.index))
            if len(rows):
                details, from_mu = self._point_details(shown, int(rows[0]))
                self._select(details, from_mu, later=from_mu is None)
            else:
                self._select(None)
        elif isinstance(selected, LocationDetails) and shown is not None and shown.method == "direct":
            self.select_location(*selected.xy)  # a place in a 2-D latent space stays that place
        elif isinstance(selected, (PointDetails, LocationDetails)) or shown is None:
            self._select(None)
        # Else another layer's pick (one of the person's pictures): that layer places it on the new map.
        self.generated_changed.emit()  # the interpolation's path belongs to the map it was picked on

    def _on_source_changed(self) -> None:
        loaded = self.explorer.loaded
        if loaded is not None and loaded.source == self._decoded_for:
            self._redecode_generated()  # the same model at a newer epoch
            return
        # Another model: nothing decoded by the previous one may stay on screen.
        self._decoded_for = None if loaded is None else loaded.source
        self.prior, self.interpolation, self.grid = None, None, None
        self.ends = {"A": None, "B": None}
        self._map = None
        self._select(None)
        self.generated_changed.emit()

    # ---- traversal -----------------------------------------------------------------------------

    def set_traversal_value(self, dimension: int, value: float) -> None:
        if self.traversal is None:
            return
        self.traversal = self.traversal.with_value(dimension, value)
        self._decode_traversal()
        self.traversal_changed.emit()

    def reset_traversal(self) -> None:
        if self.traversal is not None:
            self.traversal = self.traversal.reset()
            self._decode_traversal()
            self.traversal_changed.emit()

    def _decode_traversal(self) -> None:
        if self.traversal is not None:
            self.traversal = replace(self.traversal, image=self._viewer().decode_one(self.traversal.vector))

    # ---- generating ----------------------------------------------------------------------------

    def sample_posterior(self) -> None:
        """Decode 16 draws from the selected image's cloud N(mu, exp(log_var)) (a map's image or the person's own)."""
        if getattr(self.selected, "log_var", None) is None:
            return
        draws = posterior_samples(self.selected.mu, self.selected.log_var, SAMPLES)
        self.posterior = (draws, self._viewer().decode_many(draws))
        self.changed.emit()

    def sample_prior(self, draws: np.ndarray | None = None) -> None:
        """Decode 16 random vectors from the prior N(0, I), or the `draws` given (the same ones in two models)."""
        if self.explorer.loaded is None:
            return
        draws = prior_samples(self.explorer.loaded.z_dim, SAMPLES) if draws is None else np.asarray(draws, np.float32)
        self.prior = (draws, self._viewer().decode_many(draws))
        self.generated_changed.emit()

    def set_end(self, end: str) -> None:
        """Take the selection as end A or B of an interpolation; with both set, decode the line between."""
        shown = self.explorer.shown
        if self.selected is None or shown is None:
            self.said.emit("Select a point or an empty place on the map first.")
            return
        self.ends[end] = InterpolationEnd(np.array(self.selected.vector, np.float32), self.selected.xy, shown)
        self._interpolate()
        self.generated_changed.emit()

    def _interpolate(self) -> None:
        a, b = self.ends["A"], self.ends["B"]
        if a is None or b is None:
            self.interpolation = None
            return
        vectors = interpolate(a.vector, b.vector, INTERPOLATION_STEPS)
        images = self._viewer().decode_many(vectors)
        path = interpolate(np.array(a.xy), np.array(b.xy), INTERPOLATION_STEPS)
        shown = self.explorer.shown
        if shown is not None and a.shown is shown and b.shown is shown and shown.method not in PLACED_EXACTLY:
            # t-SNE and UMAP bend space: the straight line between the ends is not where the steps lie. Each step
            # is drawn at the encoded picture nearest it (its ends where they were picked).
            path[1:-1] = places_on_map(shown, vectors[1:-1])
        self.interpolation = (images, path)

    def path_note(self) -> str:
        """What the morph's line on the map shows: the steps' exact places, or (t-SNE, UMAP) the nearest pictures'."""
        shown = self.explorer.shown
        if shown is not None and shown.method not in PLACED_EXACTLY:
            return ("the line on the map hops through the picture nearest each step: this map keeps neighbours "
                    "together, not straight lines")
        return "the line on the map joins their places"

    def interpolation_path(self) -> np.ndarray | None:
        """The line between the ends on the map, if both were picked on the map shown now."""
        a, b = self.ends["A"], self.ends["B"]
        if self.interpolation is None or a.shown is not self.explorer.shown or b.shown is not self.explorer.shown:
            return None
        return self.interpolation[1]

    def decode_grid(self, per_side: int, visible: tuple[tuple[float, float], tuple[float, float]] | None) -> None:
        """Decode a per_side × per_side grid over the visible map (Direct), else over the central 98 % of mu."""
        shown, loaded = self.explorer.shown, self.explorer.loaded
        if shown is None or loaded is None or loaded.z_dim != 2:
            return
        if shown.method == "direct" and visible is not None:
            (x0, x1), (y0, y1) = visible
            note = "Grid over the visible map; each image is decoded from its place."
        else:
            (x0, y0), (x1, y1) = np.percentile(shown.latents.mu, [1, 99], axis=0)
            note = (f"Grid over the central 98% of the encoded images (Drawn: \"{word('method_direct', False)}\" lets "
                    "you choose the area by zooming).")
        vectors = latent_grid((x0, x1), (y0, y1), per_side)
        self.grid = (vectors, image_mosaic(self._viewer().decode_many(vectors), per_side), per_side, note)
        self.generated_changed.emit()

    def _redecode_generated(self) -> None:
        """The same model at a newer epoch: decode the same vectors again, to watch them change."""
        viewer = None if self.explorer.loaded is None else self.explorer.loaded.viewer
        if viewer is None:
            return
        if self.prior is not None:
            self.prior = (self.prior[0], viewer.decode_many(self.prior[0]))
        if self.grid is not None:
            vectors, _, per_side, note = self.grid
            self.grid = (vectors, image_mosaic(viewer.decode_many(vectors), per_side), per_side, note)
        self._interpolate()
        self.generated_changed.emit()

    # ---- helpers -------------------------------------------------------------------------------

    def _viewer(self):
        return self.explorer.loaded.viewer

    def _class_names(self) -> list[str] | None:
        return None if self.explorer.loaded is None else self.explorer.loaded.class_names
