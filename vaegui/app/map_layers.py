"""The map's extra layers, Qt-free: where the data lies (density contours), names of its crowded regions, the
prior's circles and a background of decoded pictures; each computed off the GUI thread when it is switched on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from psygnal import Signal

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.jobs import Job, JobRunner
from vaegui.app.map_filter import FilterModel
from vaegui.latent.belief import Lattice, PriorRings, lattice, mosaic, prior_rings
from vaegui.latent.clusters import MapRegions, find_regions
from vaegui.latent.density import DensityContours, density_contours

LAYERS = ("contours", "labels", "prior", "background")
DECODE_BATCH = 256  # the lane's decoder is traced for this batch size (vaegui.latent.encoding pads to it)


@dataclass(frozen=True, eq=False)
class Background:
    """Decoded pictures on a lattice over `lattice.rect`, as one mosaic picture."""

    lattice: Lattice
    picture: np.ndarray  # (rows · h, columns · w, channels) in [0, 1], top row first


def decode_in_batches(decoder, vectors: np.ndarray, batch: int = DECODE_BATCH, cancel=None) -> np.ndarray:
    """Decode on the lane's copy, in batches padded to `batch` so its traced predict function is reused."""
    out = []
    for start in range(0, len(vectors), batch):
        if cancel is not None:
            cancel.raise_if_cancelled()
        part = np.asarray(vectors[start:start + batch], np.float32)
        padded = np.zeros((batch, part.shape[1]), np.float32)
        padded[: len(part)] = part
        out.append(np.asarray(decoder.predict_on_batch(padded))[: len(part)])
    return np.concatenate(out)


class MapLayers:
    changed = Signal()  # a layer switched, computed, or dropped

    def __init__(self, explorer: ExplorerModel, filters: FilterModel, runner: JobRunner):
        self.explorer, self.filters, self.runner = explorer, filters, runner
        self.shown = {name: False for name in LAYERS}
        self.contours: DensityContours | None = None
        self.regions: MapRegions | None = None
        self.rings: PriorRings | None = None
        self.background: Background | None = None
        self.notes = {name: "" for name in LAYERS}  # why a layer is not drawn, or how it was made
        self.busy: set[str] = set()
        self._made_for: dict[str, tuple] = {}  # layer → (map, passing) its result was computed for
        self._running_for: dict[str, tuple] = {}  # layer → (map, passing) of its job under way
        self._jobs: dict[str, Job] = {}
        self._wanted_background: tuple | None = None  # (rect, columns, rows) the view asked for
        self._background_for: tuple | None = None  # (map, wanted) of the background job under way
        explorer.map_changed.connect(self.refresh)
        filters.changed.connect(self.refresh)

    def set_shown(self, name: str, on: bool) -> None:
        if name not in LAYERS:
            raise KeyError(name)
        if self.shown[name] != bool(on):
            self.shown[name] = bool(on)
            if not on:
                self._cancel(name)
            self.refresh()

    def request_background(self, rect: tuple[float, float, float, float], columns: int, rows: int) -> None:
        """The view rests on `rect`: decode a `columns` × `rows` lattice over it (if the background is on)."""
        self._wanted_background = (tuple(float(v) for v in rect), int(columns), int(rows))
        if self.shown["background"]:
            self._start_background()

    # ---- keeping the layers up to date ---------------------------------------------------------

    def refresh(self) -> None:
        """Compute what is switched on and not yet computed for the map and filter shown now."""
        shown = self.explorer.shown if self.explorer.forming is None else None
        if shown is None:
            for name in LAYERS:
                self._cancel(name)
            self.contours = self.regions = self.rings = self.background = None
            self._made_for.clear()
            self.changed.emit()
            return
        passing = self.filters.passing()
        key = (shown, passing)
        if self.shown["prior"]:
            self.rings = prior_rings(shown.projection)
            self.notes["prior"] = "" if self.rings is not None else (
                "The standard cloud (prior) has no faithful picture on a t-SNE or UMAP map: they bend distances. "
                "Choose Direct or PCA to see it.")
        for name in ("contours", "labels"):
            running = self._running_for.get(name) if name in self._jobs else None
            under_way = running is not None and running[0] is key[0] and running[1] is key[1]
            if self.shown[name] and not self._made(name, key) and not under_way:
                self._start_points_job(name, shown, passing, key)
        if self.shown["background"] and (self.background is None or self._made_for.get("background", (None,))[0]
                                         is not shown):
            self._start_background()
        self.changed.emit()

    def _made(self, name: str, key: tuple) -> bool:
        made = self._made_for.get(name)
        return made is not None and made[0] is key[0] and made[1] is key[1]

    def _start_points_job(self, name: str, shown, passing, key) -> None:
        self._cancel(name)
        rows = np.arange(len(shown.latents)) if passing is None else np.flatnonzero(passing)
        coords = np.array(shown.projection.coords[rows], np.float32)
        labels = None if shown.latents.labels is None else np.array(shown.latents.labels[rows])
        names = None if self.explorer.loaded is None else self.explorer.loaded.class_names
        total = len(shown.latents)

        def work(report, cancel):
            if len(coords) < 3:
                return None
            if name == "contours":
                return density_contours(coords)
            found = find_regions(coords, labels, names, cancel=cancel)
            membership = np.full(total, -1, np.int64)
            membership[rows] = found.membership
            return MapRegions(found.labels, membership, found.seconds)

        self.busy.add(name)
        self._running_for[name] = key
        job = self.runner.submit(work, lane=None, on_done=lambda result: self._done(name, key, result, job),
                                 on_failed=lambda text: self._failed(name, text, job),
                                 on_cancelled=lambda: self._ended(name, job))
        self._jobs[name] = job

    def _start_background(self) -> None:
        loaded, shown, wanted = self.explorer.loaded, self.explorer.shown, self._wanted_background
        if loaded is None or shown is None or wanted is None or self.explorer.forming is not None:
            return
        if "background" in self._jobs and self._background_for == (shown, wanted):
            return  # already being decoded for this map and this view
        self._background_for = (shown, wanted)
        self._cancel("background")
        projection, (rect, columns, rows) = shown.projection, wanted
        vae = loaded.lane_vae

        def work(report, cancel):
            placed = lattice(projection, rect, columns, rows)
            images = decode_in_batches(vae.decoder, placed.vectors, cancel=cancel)
            return Background(placed, mosaic(images, columns, rows))

        self.busy.add("background")
        key = (shown, None)
        # On the model's own lane: the thread that owns its Keras copy decodes, after any encoding queued there.
        job = self.runner.submit(work, lane=loaded.lane, on_done=lambda result: self._done("background", key, result,
                                                                                          job),
                                 on_failed=lambda text: self._failed("background", text, job),
                                 on_cancelled=lambda: self._ended("background", job))
        self._jobs["background"] = job
        self.changed.emit()

    def _done(self, name: str, key: tuple, result, job: Job) -> None:
        if not self._ended(name, job) or not self.shown[name]:
            return
        self._made_for[name] = key
        if name == "contours":
            self.contours = result
        elif name == "labels":
            self.regions = result
            self.notes["labels"] = "" if result is None or result.labels else \
                "No crowded regions found: the points spread evenly."
        else:
            self.background = result
            self.notes["background"] = "Pictures behind the points: " + result.lattice.how + "."
        self.changed.emit()

    def _failed(self, name: str, text: str, job: Job) -> None:
        if self._ended(name, job):
            self.notes[name] = text
            self.changed.emit()

    def _ended(self, name: str, job: Job) -> bool:
        """Forget the job; True if it was the layer's latest."""
        if self._jobs.get(name) is not job:
            return False
        del self._jobs[name]
        self.busy.discard(name)
        return True

    def _cancel(self, name: str) -> None:
        job = self._jobs.pop(name, None)
        if job is not None:
            job.cancel()
        self.busy.discard(name)

    def is_busy(self) -> bool:
        return bool(self._jobs)

    def shutdown(self) -> None:
        for name in list(self._jobs):
            self._cancel(name)
