"""The Explorer's map jobs: encode on the loaded model's lane, then project anywhere; caches and reports.

A part of ExplorerModel (its base class), kept apart to keep each file readable: it reads the model's
`loaded`, `settings`, `runner` and caches, and changes `shown`, `forming` and `activity`.
"""

from __future__ import annotations

import numpy as np

from vaegui.app.jobs import Job
from vaegui.app.map_state import FormingMap, LatentsKey, MapKey, PreviewProjection, ShownMap, describe_map
from vaegui.latent.encoding import LatentSet, encode_split
from vaegui.latent.projection import METHOD_LABELS, project


class MapJobs:
    # ---- the map pipeline: encode on the model's lane, then project ------------------------

    def map_key(self) -> MapKey | None:
        if self.loaded is None or self.settings.method is None:
            return None
        s = self.settings
        return MapKey(LatentsKey(self.loaded.weights_key, s.split, s.subset, s.mu_only), s.method)

    def _request_map(self) -> None:
        key = self.map_key()
        if key is None:
            return
        cached = self._maps.get(key)
        if cached is not None:
            self._cancel_map_jobs()
            self._show(cached, cached=True)
            return
        if self.forming is not None and self.forming.key != key:
            self.forming = None
            self.map_changed.emit()
        latents = self._latents.get(key.latents)
        if self._encode is not None and self._encode[1] != key.latents:
            self._cancel(self._encode[0])  # its images or switch are no longer wanted
        if latents is None:
            if self._project is not None:
                self._cancel(self._project[0])
            if self._encode is None or self._encode[1] != key.latents:
                self._start_encoding(key.latents)
        elif self._project is None or self._project[1] != key:
            self._start_projection(key, latents)

    def _start_encoding(self, key: LatentsKey) -> None:
        if self._encode is not None:
            self._cancel(self._encode[0])
        loaded, method = self.loaded, self.settings.method
        # mu, log_var and the reconstruction errors do not depend on the switch: reuse them when known.
        known = self._latents.get(key.with_mu_only(not key.mu_only))
        # New images fill the map in as they are encoded; the same images (another switch) replace it at once.
        shown = self.shown.key.latents if self.shown is not None else None
        stream = shown is None or (shown.weights, shown.split, shown.subset) != (key.weights, key.split, key.subset)

        def work(report, cancel):
            vae = loaded.lane_vae
            if vae.mu_only != key.mu_only:
                vae.set_mu_only(key.mu_only)  # sets the factor and rebuilds the predict function
            report(("status", "Encoding images…"))
            preview = PreviewProjection(method)
            return encode_split(vae, loaded.dataset, key.split, key.subset, cancel=cancel, known=known,
                                progress=lambda f: report(("progress", f)),
                                on_partial=(lambda part: report(("partial", part, preview.coords(part)))) if stream
                                else None)

        job = self.runner.submit(work, lane=loaded.lane, on_done=lambda latents: self._encoded(key, latents, job),
                                 on_failed=self._failed, on_cancelled=lambda: self._finished(job),
                                 on_progress=lambda p: self._on_progress(job, p, key=key))
        self._encode = (job, key)
        self._set_activity("Encoding images…", 0.0)

    def _encoded(self, key: LatentsKey, latents: LatentSet, job: Job) -> None:
        self._finished(job)
        self._latents.put(key, latents)
        current = self.map_key()
        if current is not None and current.latents == key:
            self._request_map()

    def _start_projection(self, key: MapKey, latents: LatentSet) -> None:
        if self._project is not None:
            self._cancel(self._project[0])
        iterations = self.tsne_iterations

        def work(report, cancel):
            label = METHOD_LABELS[key.method]
            report(("status", f"{label}: computing neighbour affinities…" if key.method == "tsne" else f"{label}…"))
            projection = project(key.method, latents.z, cancel=cancel, tsne_iterations=iterations,
                                 on_layout=lambda coords: report(("layout", coords)),
                                 progress=lambda f: report(("progress", f)))
            cancel.raise_if_cancelled()
            return ShownMap.build(key, latents, projection)

        job = self.runner.submit(work, lane=None, on_done=lambda shown: self._projected(shown, job),
                                 on_failed=self._failed, on_cancelled=lambda: self._finished(job),
                                 on_progress=lambda p: self._on_progress(job, p, latents=latents, key=key))
        self._project = (job, key)
        self._set_activity(f"{METHOD_LABELS[key.method]}…", 0.0)

    def _projected(self, shown: ShownMap, job: Job) -> None:
        self._finished(job)
        self._maps.put(shown.key, shown)
        if shown.key == self.map_key():
            self._show(shown, cached=False)

    def _show(self, shown: ShownMap, *, cached: bool) -> None:
        self.shown, self.forming = shown, None
        self.map_changed.emit()
        other = self._latents.get(shown.key.latents.with_mu_only(not shown.key.latents.mu_only))
        self._set_status(describe_map(shown, cached, other))

    # ---- jobs' reports, cancel and failure ---------------------------------------------------

    def _on_progress(self, job: Job, payload, latents: LatentSet | None = None, key=None) -> None:
        if job.token.cancelled:
            return
        kind, value = payload[0], payload[1]
        current = self.map_key()
        if kind == "progress" and self.activity is not None:
            self._set_activity(self.activity[0], float(value))
        elif kind == "status":
            self._set_activity(value, self.activity[1] if self.activity else None)
        elif kind == "layout" and key is not None and key == current:
            self.forming = FormingMap(key, latents, np.asarray(value, np.float32))
            self.map_changed.emit()
        elif kind == "partial" and current is not None and key == current.latents:
            self.forming = FormingMap(current, value, payload[2])
            self.map_changed.emit()

    def _cancel_map_jobs(self) -> None:
        for entry in (self._encode, self._project):
            if entry is not None:
                entry[0].cancel()
        self._encode = self._project = None
        self._update_activity()

    def _cancel(self, job: Job) -> None:
        job.cancel()
        self._finished(job)

    def _finished(self, job: Job) -> None:
        for name in ("_load", "_encode", "_project"):
            entry = getattr(self, name)
            if entry is not None and entry[0] is job:
                setattr(self, name, None)
        self._update_activity()

    def _update_activity(self) -> None:
        if self._load is None and self._encode is None and self._project is None:
            self._set_activity(None)

    def is_busy(self) -> bool:
        return any(entry is not None for entry in (self._load, self._encode, self._project))

