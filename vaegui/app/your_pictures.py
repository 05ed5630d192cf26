"""The person's own pictures on the map, Qt-free: prepared like the run's images, encoded on the model's lane, placed
on the map shown (exactly for direct and PCA, by the fitted t-SNE or UMAP), kept as a layer of their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from psygnal import Signal

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import NEIGHBOURS, SelectionModel, decode_z_and_mu
from vaegui.app.map_state import ShownMap, describe_row
from vaegui.latent.encoding import per_sample_kl, per_sample_reconstruction_error
from vaegui.latent.own_pictures import PictureCodes, encode_pictures, mean_brightness, prepare_pictures


@dataclass(frozen=True, eq=False)
class PictureDetails:
    """One of the person's pictures, chosen: as the model sees it, rebuilds it, and its nearest images."""

    index: int  # in YourPictures.codes
    path: Path
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
    error: float

    @property
    def vector(self) -> np.ndarray:
        return self.mu


class YourPictures:
    """The pictures brought to one Explorer model's map; `coords` are their places on `placed_on`, that map."""

    changed = Signal()  # pictures added or removed, or placed on another map
    said = Signal(str)  # what happened, for the status line (a refusal, where a picture went)

    def __init__(self, explorer: ExplorerModel, selection: SelectionModel):
        self.explorer, self.selection = explorer, selection
        self.paths: list[Path] = []
        self.codes: PictureCodes | None = None  # of the model loaded, at its mu-only switch
        self.coords: np.ndarray | None = None  # (n, dims) on `placed_on`
        self.how = ""
        self.placed_on: ShownMap | None = None
        self._codes_for: tuple | None = None  # (weights, mu-only) the codes were made with
        self._job = None
        self._chosen: Path | None = None  # the picture to show once placed (the last one brought)
        self._refused = ""  # files that could not be prepared, said once the others are placed
        explorer.map_changed.connect(self._on_map_changed)
        explorer.source_changed.connect(self._on_map_changed)

    def __len__(self) -> int:
        return 0 if self.codes is None else len(self.codes.mu)

    # ---- adding and removing ------------------------------------------------------------------

    def add(self, paths) -> None:
        """Prepare and encode picture files (on the model's lane), then place them and show the last one."""
        paths = [Path(path) for path in paths]
        if self.explorer.loaded is None:
            self.said.emit("Open a model first: your pictures are placed on its map.")
            return
        new = [path for path in paths if path not in self.paths]
        self._encode(self.paths + new, chosen=paths[-1] if paths else None)

    def clear(self) -> None:
        if self._job is not None:
            self._job.cancel()
        self.paths, self.codes, self.coords, self.placed_on, self._codes_for = [], None, None, None, None
        self._job = None
        if isinstance(self.selection.selected, PictureDetails):
            self.selection.clear()
        self.changed.emit()

    def _encode(self, paths: list[Path], *, chosen: Path | None = None) -> None:
        """Prepare and encode `paths` with the model loaded; then the picture read from `chosen` is shown."""
        loaded, explorer = self.explorer.loaded, self.explorer
        shown = explorer.shown
        mu_only = shown.key.latents.mu_only if shown is not None else explorer.settings.mu_only
        if self._job is not None:
            self._job.cancel()

        def work(report, cancel):
            vae = loaded.lane_vae
            if vae.mu_only != mu_only:
                vae.set_mu_only(mu_only)  # the switch as the map shows it: the pictures' z like its points'
            prepared, refused = prepare_pictures(paths, loaded.image_shape, mean_brightness(loaded.dataset))
            cancel.raise_if_cancelled()
            return (encode_pictures(vae, prepared) if prepared else None), refused

        def done(result) -> None:
            self._job = None
            codes, refused = result
            if self.explorer.loaded is not loaded:
                return
            self.codes, self._codes_for = codes, (loaded.weights_key, mu_only)
            self.paths = [] if codes is None else [picture.path for picture in codes.pictures]
            self._chosen = chosen if chosen in self.paths else None
            self._refused = " ".join(refused)
            self._place()

        self._job = explorer.runner.submit(work, lane=loaded.lane, on_done=done, on_failed=self._failed,
                                           on_cancelled=lambda: None)

    def _failed(self, text: str) -> None:
        self._job = None
        self.said.emit(text)

    # ---- placing on the map shown --------------------------------------------------------------

    def _on_map_changed(self) -> None:
        loaded, shown = self.explorer.loaded, self.explorer.shown
        if not self.paths or loaded is None:
            return
        if shown is not None and (loaded.weights_key, shown.key.latents.mu_only) != self._codes_for:
            if self._job is None:
                self._encode(list(self.paths))  # another epoch, model or switch: encode again
            return
        if shown is not self.placed_on and self._job is None:
            self._place()

    def _place(self) -> None:
        shown = self.explorer.shown
        if self.codes is None or shown is None or self.explorer.forming is not None:
            self.coords, self.placed_on = None, None  # drawn once a finished map is shown
            self.changed.emit()
            if self._refused:
                self.said.emit(self._refused)
                self._refused = ""
            return
        if shown.method in ("direct", "pca"):
            coords, how = shown.projection.place(self.codes.z)  # exact and quick: here, now
            self._placed(shown, coords, how)
            return
        codes = self.codes

        def work(report, cancel):
            return shown.projection.place(codes.z)

        self.said.emit(f"Placing your pictures on the {shown.method.upper()} map…")
        self._job = self.explorer.runner.submit(
            work, lane=None, on_done=lambda result: self._placed(shown, *result),
            on_failed=self._failed, on_cancelled=lambda: None)

    def _placed(self, shown: ShownMap, coords: np.ndarray, how: str) -> None:
        self._job = None
        if shown is not self.explorer.shown:
            self._place()  # the map changed meanwhile
            return
        self.coords, self.placed_on, self.how = np.asarray(coords, np.float32), shown, how
        self.changed.emit()
        if self._chosen is not None:
            self.select(self.paths.index(self._chosen))  # the picture just brought
            self._chosen = None
        elif isinstance(self.selection.selected, PictureDetails):
            self.select(self.selection.selected.index)  # the chosen picture, on this map
        if self._refused:
            self.said.emit(self._refused)  # last, so that the status line says it
            self._refused = ""

    # ---- choosing one ------------------------------------------------------------------------------

    def select(self, index: int) -> None:
        """Show picture `index` in the point panel: the picture as prepared, its reconstruction, its neighbours."""
        shown, codes = self.placed_on, self.codes
        if codes is None or shown is None or not 0 <= index < len(codes.mu):
            return
        picture = codes.pictures[index]
        mu, log_var, z = codes.mu[index], codes.log_var[index], codes.z[index]
        reconstruction, from_mu = decode_z_and_mu(self.explorer.loaded.viewer, z, mu)
        error = float(per_sample_reconstruction_error(picture.image[None], from_mu[None],
                                                      self.explorer.loaded.reconstruction_loss)[0])
        kl = float(per_sample_kl(mu[None], log_var[None])[0])
        rows, _ = shown.neighbours.nearest(mu, NEIGHBOURS)
        latents, names = shown.latents, self.explorer.loaded.class_names
        details = PictureDetails(
            index, picture.path, f"Your picture {picture.name} · error {error:.2f} · KL {kl:.2f}", picture.image,
            reconstruction, mu, log_var, z, tuple(float(v) for v in self.coords[index][:2]), rows,
            latents.images(rows), [describe_row(latents, r, names) for r in rows],
            f"{picture.note} Encoded by this model and {self.how}; its nearest images are in the latent space.",
            error)
        self.selection.show_details(details, from_mu)
        self.said.emit(f"{picture.name}: {self.how}.")

    def select_path(self, path: Path) -> None:
        """Choose the picture read from `path`, if it is here (the other map of a comparison chose it)."""
        if self.codes is not None:
            for index, picture in enumerate(self.codes.pictures):
                if picture.path == Path(path):
                    self.select(index)
                    return

