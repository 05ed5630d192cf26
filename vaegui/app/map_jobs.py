"""The Explorer's map jobs: encode on the loaded model's lane (or read the run's stored codes), then project anywhere;
the results kept, and told to the owner through the callbacks it gave."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vaegui.app.cache import ResultCache
from vaegui.app.jobs import Job, JobRunner
from vaegui.app.map_state import FormingMap, LatentsKey, MapKey, PreviewProjection, ShownMap, same_rows
from vaegui.latent.encoding import LatentSet, add_reconstruction_errors, encode_split
from vaegui.latent.projection import METHOD_LABELS, TSNE_ITERATIONS, Projection, project

MAP_CACHE_SIZE = 8  # finished maps of the current weights: switching back is instant
LATENTS_CACHE_SIZE = 4
KEPT_METHODS = ("direct", "pca")  # maps kept in the run folder beside the codes: quick to read, the same each time


def stored_map_name(key: MapKey) -> str:
    """The file name (without .npz) a map of `key` is kept under among its epoch's codes."""
    latents = key.latents
    return (f"{latents.split}-{latents.subset or 'all'}-{'mu' if latents.mu_only else 'z'}-{key.method}"
            f"-{key.dims}d")


def stored_projection(store, key: MapKey, vectors: np.ndarray | None, count: int) -> Projection | None:
    """The map of `key` kept in the run folder, if any and of `count` points."""
    kept = None if store is None or key.method not in KEPT_METHODS else store.load_map(stored_map_name(key))
    if kept is None or len(kept.get("coords", ())) != count:
        return None
    mean, components = kept.get("pca_mean"), kept.get("pca_components")
    return Projection(key.method, kept["coords"], vectors, pca_mean=mean if mean is not None and mean.size else None,
                      pca_components=components if components is not None and components.size else None)


def keep_projection(store, key: MapKey, projection: Projection) -> None:
    if store is not None and key.method in KEPT_METHODS:
        empty = np.zeros(0, np.float32)
        store.save_map(stored_map_name(key), {
            "coords": projection.coords,
            "pca_mean": empty if projection.pca_mean is None else projection.pca_mean,
            "pca_components": empty if projection.pca_components is None else projection.pca_components})


@dataclass(frozen=True)
class MapEvents:
    """What the jobs tell their owner, on the owner's thread."""

    forming: Callable[[FormingMap | None], None]  # a map on its way to show (None: none any more)
    finished: Callable[[ShownMap, bool], None]  # a finished map for the settings, and whether it was kept
    activity: Callable[[str | None, float | None], None]  # what runs now and how far it is (None: nothing)
    failed: Callable[[str], None]
    errors_ready: Callable[[], None]  # reconstruction errors asked for are in their codes now


class MapJobs:
    """Turns a wanted MapKey into a ShownMap: encodes the images (once for every projection), projects them, keeps
    both, and cancels what is no longer wanted. Every input comes with `request`; nothing is read from its owner."""

    def __init__(self, runner: JobRunner, events: MapEvents):
        self.runner, self.events = runner, events
        self.maps = ResultCache(MAP_CACHE_SIZE)  # MapKey → ShownMap
        self.latents = ResultCache(LATENTS_CACHE_SIZE)  # LatentsKey → LatentSet
        self.encoding: tuple[Job, LatentsKey] | None = None
        self.projecting: tuple[Job, MapKey] | None = None
        self.computing_errors: tuple[Job, LatentsKey] | None = None
        self.wanted: MapKey | None = None
        self.tsne_iterations = TSNE_ITERATIONS
        self._loaded = None
        self._on_screen: ShownMap | None = None
        self._activity: tuple[str | None, float | None] = (None, None)

    # ---- asking for a map -------------------------------------------------------------------

    def request(self, loaded, key: MapKey, on_screen: ShownMap | None) -> None:
        """Show `key`'s map of `loaded` (a LoadedModel); `on_screen` is the map shown now: a new epoch's or switch's
        map of the same images is turned to agree with it, so the points move instead of jumping."""
        self._loaded, self.wanted, self._on_screen = loaded, key, on_screen
        cached = self.maps.get(key)
        if cached is not None:
            self.cancel()
            self.wanted = key
            self.events.finished(cached, True)
            return
        latents = self.latents.get(key.latents)
        if self.encoding is not None and self.encoding[1] != key.latents:
            self._cancel(self.encoding[0])  # its images or switch are no longer wanted
        if latents is None:
            if self.projecting is not None:
                self._cancel(self.projecting[0])
            if self.encoding is None:
                self._start_encoding(key.latents)
        elif self.projecting is None or self.projecting[1] != key:
            self._start_projection(key, latents)

    def forget(self) -> None:
        """Other weights: nothing kept is of use any more."""
        self.maps.clear()
        self.latents.clear()

    def cancel(self) -> bool:
        """Stop every job; whether any ran."""
        entries = [entry for entry in (self.encoding, self.projecting, self.computing_errors) if entry is not None]
        for job, _ in entries:
            job.cancel()
        self.encoding = self.projecting = self.computing_errors = None
        self.wanted = None
        self._report_idle()
        return bool(entries)

    def is_busy(self) -> bool:
        return self.encoding is not None or self.projecting is not None or self.computing_errors is not None

    def demonstrate_mu_only(self, loaded, done, failed) -> None:
        """The seed article's finding reproduced on `loaded`'s own lane (vaegui.latent.mu_only_demo): `done(demo)`."""
        from vaegui.latent.mu_only_demo import DEMO_IMAGES, demonstrate_mu_only

        split = loaded.dataset.test if len(loaded.dataset.test) else loaded.dataset.train
        images = np.asarray(split.images[:DEMO_IMAGES], np.float32)
        self.runner.submit(lambda report, cancel: demonstrate_mu_only(loaded.lane_vae, images), lane=loaded.lane,
                           on_done=done, on_failed=failed, on_cancelled=lambda: None)

    def warm_up(self) -> None:
        """Import what the first map needs (scikit-learn's PCA, SciPy's trees and Procrustes, openTSNE) off this
        thread, before anyone asks for a map: seconds the first map would otherwise wait on a busy machine."""
        def work(report, cancel):
            import importlib
            import importlib.util

            for name in ("sklearn.decomposition", "scipy.spatial", "scipy.linalg", "openTSNE"):
                if importlib.util.find_spec(name.split(".")[0]) is not None:
                    importlib.import_module(name)

        self.runner.submit(work, lane=None, on_done=lambda _: None, on_failed=lambda _: None,
                           on_cancelled=lambda: None)

    # ---- encoding ---------------------------------------------------------------------------

    def _start_encoding(self, key: LatentsKey) -> None:
        loaded, method = self._loaded, self.wanted.method
        # mu, log_var and the reconstruction errors do not depend on the switch: reuse them when known.
        known = self.latents.get(key.with_mu_only(not key.mu_only))
        # New images fill the map in as they are encoded; the same images (another switch) replace it at once.
        shown = self._on_screen.key.latents if self._on_screen is not None else None
        stream = shown is None or (shown.weights, shown.split, shown.subset) != (key.weights, key.split, key.subset)

        def work(report, cancel):
            vae = loaded.lane_vae
            if vae.mu_only != key.mu_only:
                vae.set_mu_only(key.mu_only)  # sets the factor and rebuilds the predict function
            report(("status", "Encoding images…"))
            preview = PreviewProjection(method)
            return encode_split(vae, loaded.dataset, key.split, key.subset, cancel=cancel, known=known,
                                errors=False, store=loaded.codes,
                                progress=lambda f: report(("progress", f)),
                                on_partial=(lambda part: report(("partial", part, preview.coords(part)))) if stream
                                else None)

        job = self.runner.submit(work, lane=loaded.lane, on_done=lambda latents: self._encoded(key, latents, job),
                                 on_failed=self._failed, on_cancelled=lambda: self._finished(job),
                                 on_progress=lambda p: self._on_progress(job, p, key=key))
        self.encoding = (job, key)
        self._say("Encoding images…", 0.0)

    def _encoded(self, key: LatentsKey, latents: LatentSet, job: Job) -> None:
        self._finished(job)
        self.latents.put(key, latents)
        if self.wanted is not None and self.wanted.latents == key:
            self.request(self._loaded, self.wanted, self._on_screen)

    # ---- projecting -------------------------------------------------------------------------

    def _start_projection(self, key: MapKey, latents: LatentSet) -> None:
        if self.projecting is not None:
            self._cancel(self.projecting[0])
        iterations, label = self.tsne_iterations, METHOD_LABELS[key.method]
        label = label if key.dims == 2 else f"3-D {label}"
        # The map shown before, of the same images drawn the same way: the new one starts from it (t-SNE, UMAP)
        # and is turned to agree with it, so that points glide from one epoch's map to the next.
        before = self._on_screen
        previous = None
        if before is not None and before.key.method == key.method and before.key.dims == key.dims and \
                same_rows(before.latents, latents):
            previous = before.projection.coords

        store = self._loaded.codes

        def work(report, cancel):
            report(("status", f"{label}…"))
            # A fresh look at a run (nothing to turn it to) draws the map it kept, when it kept one.
            projection = None if previous is not None else stored_projection(store, key, latents.z, len(latents))
            if projection is None:
                projection = project(key.method, latents.z, dims=key.dims, cancel=cancel, tsne_iterations=iterations,
                                     start=previous, on_layout=lambda coords: report(("layout", coords)),
                                     progress=lambda f: report(("progress", f)),
                                     say=lambda text: report(("status", text)))
                cancel.raise_if_cancelled()
                if previous is not None:
                    projection = projection.aligned_to(previous)
                keep_projection(store, key, projection)
            return ShownMap.build(key, latents, projection)

        job = self.runner.submit(work, lane=None, on_done=lambda shown: self._projected(shown, job),
                                 on_failed=self._failed, on_cancelled=lambda: self._finished(job),
                                 on_progress=lambda p: self._on_progress(job, p, latents=latents, key=key))
        self.projecting = (job, key)
        self._say(f"{label}…", 0.0)

    def _projected(self, shown: ShownMap, job: Job) -> None:
        self._finished(job)
        self.maps.put(shown.key, shown)
        if shown.key == self.wanted:
            self.events.finished(shown, False)

    # ---- reconstruction errors, only when a view needs them --------------------------------

    def add_errors(self, loaded, key: LatentsKey) -> None:
        """Work out each image's reconstruction error (a decoder pass) for `key`'s codes, unless known or under way."""
        latents = self.latents.get(key)
        if latents is None or latents.reconstruction_error is not None or (
                self.computing_errors is not None and self.computing_errors[1] == key):
            return
        if self.computing_errors is not None:
            self._cancel(self.computing_errors[0])

        def work(report, cancel):
            report(("status", "Working out each image's reconstruction error…"))
            return add_reconstruction_errors(loaded.lane_vae, _copy_of(latents), cancel=cancel, store=loaded.codes,
                                             progress=lambda f: report(("progress", f)))

        job = self.runner.submit(work, lane=loaded.lane, on_done=lambda errors: self._errors_done(key, errors, job),
                                 on_failed=self._failed, on_cancelled=lambda: self._finished(job),
                                 on_progress=lambda p: self._on_progress(job, p))
        self.computing_errors = (job, key)
        self._say("Working out each image's reconstruction error…", 0.0)

    def _errors_done(self, key: LatentsKey, errors: np.ndarray, job: Job) -> None:
        self._finished(job)
        # Set here, on the owner's thread, where the views read them; both switches' codes share them.
        for latents in (self.latents.get(key), self.latents.get(key.with_mu_only(not key.mu_only))):
            if latents is not None and latents.reconstruction_error is None:
                latents.reconstruction_error = errors
        self.events.errors_ready()

    # ---- jobs' reports, cancel and failure ----------------------------------------------------

    def _on_progress(self, job: Job, payload, latents: LatentSet | None = None, key=None) -> None:
        if job.token.cancelled:
            return
        kind, value = payload[0], payload[1]
        if kind == "progress":
            self._say(self._activity[0], float(value))
        elif kind == "status":
            self._say(value, self._activity[1])
        elif kind == "layout" and key is not None and key == self.wanted:
            self.events.forming(FormingMap(key, latents, np.asarray(value, np.float32)))
        elif kind == "partial" and self.wanted is not None and key == self.wanted.latents:
            self.events.forming(FormingMap(self.wanted, value, payload[2]))

    def _say(self, text: str | None, fraction: float | None) -> None:
        self._activity = (text, fraction)
        self.events.activity(text, fraction)

    def _cancel(self, job: Job) -> None:
        job.cancel()
        self._finished(job)

    def _finished(self, job: Job) -> None:
        for name in ("encoding", "projecting", "computing_errors"):
            entry = getattr(self, name)
            if entry is not None and entry[0] is job:
                setattr(self, name, None)
        self._report_idle()

    def _report_idle(self) -> None:
        if not self.is_busy():
            self._say(None, None)

    def _failed(self, text: str) -> None:
        for entry in (self.encoding, self.projecting, self.computing_errors):
            if entry is not None:
                entry[0].cancel()
        self.encoding = self.projecting = self.computing_errors = None
        self.wanted = None
        self._report_idle()
        self.events.failed(text)


def _copy_of(latents: LatentSet) -> LatentSet:
    """The codes a worker may read while the owner's thread keeps its own object (its errors are set there)."""
    from dataclasses import replace

    return replace(latents)
