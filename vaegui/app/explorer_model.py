"""The Explorer's state, Qt-free: the model explored, the map settings, the map shown, and the jobs behind them.

Views read the attributes and listen to the signals; they change the state only through the methods.
Everything here runs on one thread (the GUI thread in the app); work goes to a JobRunner: the loaded
model's encodings and weight reloads on that model's own lane, projections anywhere.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from psygnal import Signal

from vaegui.app.explorer_loading import (
    LoadedModel,
    LocateQuestion,
    ModelSource,
    ReloadedWeights,
    RunSource,
    TrustQuestion,
    load_model,
    reload_weights,
)
from vaegui.app.jobs import Job, JobRunner
from vaegui.app.map_jobs import MapEvents, MapJobs
from vaegui.app.map_state import (
    FormingMap,
    LatentsKey,
    MapKey,
    MapSettings,
    MethodChoice,
    ShownMap,
    default_method,
    describe_map,
    method_choices,
    settings_showing,
    why_flat,
)
from vaegui.app.run_preview import submit_preview
from vaegui.errors import UntrustedCodeError
from vaegui.latent.mu_only_demo import MuOnlyDemo
from vaegui.latent.projection import METHOD_LABELS
from vaegui.runs.dataset_location import DatasetMissingError


class ExplorerModel:
    source_changed = Signal()  # `loaded` is another model, or the same one at a newer epoch
    settings_changed = Signal()
    map_changed = Signal()  # `shown` or `forming` changed
    activity_changed = Signal()  # `activity` (what runs now) changed
    message_changed = Signal()  # `message`: a problem to show until the next action
    status_changed = Signal()  # `status`: one line on what was last done
    demo_ready = Signal()  # `mu_only_demo` holds the three steps of the mu-only demonstration
    question_asked = Signal()  # `question`: trust a file holding code, or locate a run's moved images

    def __init__(self, runner: JobRunner):
        self.runner = runner
        self.loaded: LoadedModel | None = None
        self.settings = MapSettings()
        self.methods: list[MethodChoice] = []
        self.flat_reason = ""  # why this model's map cannot be turned in 3-D ('' when it can)
        self.shown: ShownMap | None = None
        self.forming: FormingMap | None = None
        self.activity: tuple[str, float | None] | None = None  # (what, fraction done or None)
        self.message = ""
        self.status = ""
        self.visible = True
        self.mu_only_demo: MuOnlyDemo | None = None
        self.question: TrustQuestion | LocateQuestion | None = None
        self.map_jobs = MapJobs(runner, MapEvents(forming=self._on_forming, finished=self._show,
                                                  activity=self._on_map_activity, failed=self._failed,
                                                  errors_ready=self.map_changed.emit))
        self._load: tuple[Job, ModelSource] | None = None
        self._said_note = None  # the loaded model whose note the status line said
        self._pending_follow: Path | None = None
        self.waiting_for: Path | None = None  # a run followed before its first epoch
        self._follow_again = False

    # ---- opening models ---------------------------------------------------------------------

    def open(self, source: ModelSource) -> None:
        """Load another model (the one shown stays until it is ready; a failure keeps it). A run folder first shows
        what it keeps (its map, or a first screenful), read before the load competes with it for the CPU."""
        self._pending_follow, self._follow_again = None, False
        self._cancel_jobs()
        lane = self.runner.new_lane(source.name)

        def work(report, cancel):
            try:
                return replace(load_model(source, report, cancel), lane=lane)
            except UntrustedCodeError as question:
                return TrustQuestion(source, str(question))
            except DatasetMissingError as missing:
                return LocateQuestion(replace(source, relocate_to=None), str(missing))

        def load() -> None:
            job = self.runner.submit(
                work, lane=lane, on_done=lambda loaded: self._loaded(loaded, job, lane),
                on_failed=lambda text: self._load_failed(text, lane),
                on_cancelled=lambda: self._load_cancelled(lane), on_progress=lambda p: self._on_progress(job, p))
            self._load = (job, source)

        self._set_message("")
        self._set_activity(f"Opening {source.name}…", None)
        if isinstance(source, RunSource) and self.shown is None and self.settings.dims == 2:
            self._preview(source, load, lane)
        else:
            load()

    def _preview(self, source: RunSource, load, lane) -> None:
        """The map the run folder keeps, or a first screenful, shown; then `load()` the model and its images."""
        def shown(preview) -> None:
            if self._load is None or self._load[0] is not job:
                return  # cancelled, or another model asked for meanwhile
            if preview is not None and self.shown is None:
                self._on_forming(preview)
            load()

        job = submit_preview(self.runner, source.folder, self.settings, shown, lambda: self._load_cancelled(lane))
        self._load = (job, source)  # the preview stands for the load until it starts

    def follow(self, folder: str | Path, epochs_completed: int = 1, *, now: bool = False) -> None:
        """Show a run's newest epoch: at once (`now`, a run just opened), or while training, once the Explorer
        is looked at (loading competes with training for the CPU). Before its first epoch it says it waits for it."""
        folder = Path(folder)
        waiting, self.waiting_for = self.waiting_for, folder if epochs_completed <= 0 and self.loaded is None else None
        if self.waiting_for != waiting:
            self.source_changed.emit()  # it waits for a first epoch, or no longer does (said while a map showed)
        if epochs_completed <= 0:
            return
        if not self.visible and not now:
            self._pending_follow = folder
            return
        self._pending_follow = None
        loaded, source = self.loaded, RunSource(folder)
        if self._load is not None and self._load[1] == source:
            self._follow_again = True  # the load under way may have read the checkpoint before this one
            return
        if loaded is None or loaded.source != source:
            self.open(source)
            return
        self.map_jobs.cancel()  # they would encode with the weights about to be replaced
        job = self.runner.submit(
            lambda report, cancel: reload_weights(loaded, report, cancel), lane=loaded.lane,
            on_done=lambda result: self._reloaded(result, job), on_failed=self._failed,
            on_cancelled=lambda: self._finished(job), on_progress=None)
        self._load = (job, loaded.source)
        self._set_activity("Loading the newest epoch…", None)

    def answer_trust(self, trusted: bool) -> None:
        """The answer to a TrustQuestion: open the file with its code allowed to run, or not at all."""
        question, self.question = self.question, None
        if not isinstance(question, TrustQuestion):
            return
        if trusted:
            self.open(replace(question.source, trust_code=True))
        else:
            self._set_message(f"Not opened: {question.source.name} holds code that would run when it is opened.")

    def answer_locate(self, where: str | Path | None) -> None:
        """The answer to a LocateQuestion: where the run's images are now (checked before use), or None."""
        question, self.question = self.question, None
        if not isinstance(question, LocateQuestion):
            return
        if where is None:
            self._set_message(question.text)
        else:
            self.open(replace(question.source, relocate_to=Path(where)))

    def set_visible(self, visible: bool) -> None:
        """The Explorer follows a training run only while someone looks at it (loading competes for the CPU)."""
        self.visible = visible
        if visible and self._pending_follow is not None:
            self.follow(self._pending_follow)

    def _loaded(self, loaded: LoadedModel | TrustQuestion, job: Job, lane) -> None:
        self._finished(job)
        if isinstance(loaded, (TrustQuestion, LocateQuestion)):
            self.runner.retire_lane(lane)
            self.question = loaded
            self.question_asked.emit()
            return
        previous = self.loaded
        if previous is not None and previous.lane is not loaded.lane:
            self.runner.retire_lane(previous.lane)
            previous.close()
        self.map_jobs.forget()
        self.loaded, self.shown = loaded, None
        self.methods, self.flat_reason = method_choices(loaded.z_dim), why_flat([loaded.z_dim])
        # A new model starts on its best projection (Direct for a 2-D latent space, else PCA), flat.
        self.settings = replace(self.settings, method=default_method(loaded.z_dim), dims=2)
        if self.forming is not None and self.forming.key != self.map_key():
            self.forming = None  # a preview stays until the map it previews replaces it
        self.source_changed.emit()
        self.settings_changed.emit()
        self.map_changed.emit()
        self._request_map()
        self._follow_if_asked()

    def _reloaded(self, result: ReloadedWeights, job: Job) -> None:
        self._finished(job)
        if self.loaded is None or result.loaded.lane is not self.loaded.lane:
            return
        result.loaded.viewer.set_weights(result.decoder_weights)
        self.map_jobs.forget()
        self.loaded = result.loaded
        self.source_changed.emit()
        self._request_map()
        self._follow_if_asked()

    def _follow_if_asked(self) -> None:
        if self._follow_again and isinstance(self.loaded.source, RunSource):
            self._follow_again = False
            self.follow(self.loaded.source.folder)

    def _load_failed(self, text: str, lane) -> None:
        self._load = None
        if self.loaded is None or self.loaded.lane is not lane:
            self.runner.retire_lane(lane)
        self._failed(text)

    def _load_cancelled(self, lane) -> None:
        if self.loaded is None or self.loaded.lane is not lane:
            self.runner.retire_lane(lane)

    # ---- settings ---------------------------------------------------------------------------

    def set_split(self, split: str) -> None:
        self._change(split=split)

    def set_subset(self, subset: int | None) -> None:
        self._change(subset=subset)

    def set_method(self, method: str) -> None:
        choice = next((c for c in self.methods if c.method == method), None)
        if choice is not None and not choice.available:
            self._set_message(choice.reason)
            self.settings_changed.emit()  # puts the view's choice back
            return
        self._change(method=method)

    def set_mu_only(self, on: bool) -> None:
        """z = mu (no sampling noise) or back: the lane rebuilds the encoder's predict function and re-encodes."""
        self._change(mu_only=bool(on))

    def set_colour(self, mode: str) -> None:
        if mode != self.settings.colour:
            self.settings = replace(self.settings, colour=mode)
            self.settings_changed.emit()
            self.map_changed.emit()
            if mode == "error":
                self.want_errors()

    def set_dims(self, dims: int) -> None:
        """The flat map (2) or the rotatable 3-D view (3), of the same projection."""
        if dims == 3 and self.flat_reason:
            self._set_message(self.flat_reason)
            self.settings_changed.emit()
            return
        self._change(dims=int(dims))

    def want_errors(self) -> None:
        """Each image's reconstruction error for the codes shown (colouring, the worst list): a decoder pass over
        every image, run only when asked and only once the map is whole."""
        shown, whole = self.shown, self.forming is None and self.map_jobs.encoding is None
        if self.loaded is not None and shown is not None and whole and shown.latents.reconstruction_error is None:
            self.map_jobs.add_errors(self.loaded, shown.key.latents)

    def _change(self, **changes) -> None:
        settings = replace(self.settings, **changes)
        if settings == self.settings:
            return
        self.settings = settings
        self._set_message("")
        self.settings_changed.emit()
        self._request_map()

    def show_why_mu_only(self) -> None:
        """Reproduce the seed article's finding on the loaded model (on its lane); `mu_only_demo` gets the result."""
        if self.loaded is not None:
            self.map_jobs.demonstrate_mu_only(self.loaded, self._demo_done, self._set_message)

    def _demo_done(self, demo: MuOnlyDemo) -> None:
        self.mu_only_demo = demo
        self.demo_ready.emit()

    def redraw(self) -> None:
        """Compute the map for the current settings again (after a cancel or a failure)."""
        self._set_message("")
        self._request_map()

    def cancel(self) -> None:
        """Stop whatever runs; the map last finished comes back, and the settings say what it shows."""
        if not self._cancel_jobs():
            return
        self.forming = None
        if self.shown is not None and self.loaded is not None and self.shown.key.latents.weights == \
                self.loaded.weights_key:
            # The map first: the line stays true while it shows ("Cancelled: …" read as news long after).
            what = METHOD_LABELS[self.settings.method] if self.settings.method != self.shown.method else "The new map"
            self._set_status(describe_map(self.shown, True, None, f"{what} cancelled, this map shown again."))
            self.settings = settings_showing(self.shown, self.settings)
            self.settings_changed.emit()
        else:
            self._set_status("Cancelled: no map yet. Press Draw the map to compute it.")
        self.map_changed.emit()

    def _failed(self, text: str) -> None:
        self._cancel_jobs()
        self.forming = None
        self.map_changed.emit()
        self._set_message(text)

    def _cancel_jobs(self) -> bool:
        loading = self._load is not None
        if loading:
            self._load[0].cancel()
            self._load = None
        mapping = self.map_jobs.cancel()
        self._set_activity(None)
        return loading or mapping

    # ---- the map's jobs: what to ask for, and what they tell --------------------------------

    @property
    def tsne_iterations(self) -> int:
        return self.map_jobs.tsne_iterations

    @tsne_iterations.setter
    def tsne_iterations(self, iterations: int) -> None:
        self.map_jobs.tsne_iterations = iterations

    def map_key(self) -> MapKey | None:
        if self.loaded is None or self.settings.method is None:
            return None
        s = self.settings
        return MapKey(LatentsKey(self.loaded.weights_key, s.split, s.subset, s.mu_only), s.method,
                      s.dims if s.method != "direct" else 2)

    def _request_map(self) -> None:
        key = self.map_key()
        if key is None:
            return
        if self.forming is not None and self.forming.key != key:
            self.forming = None
            self.map_changed.emit()
        self.map_jobs.request(self.loaded, key, self.shown)

    def _on_forming(self, forming: FormingMap | None) -> None:
        self.forming = forming
        self.map_changed.emit()

    def _show(self, shown: ShownMap, cached: bool) -> None:
        self.shown, self.forming = shown, None
        self.map_changed.emit()
        other = self.map_jobs.latents.get(shown.key.latents.with_mu_only(not shown.key.latents.mu_only))
        fresh = self.loaded is not None and self._said_note is not self.loaded  # its note is said once
        self._said_note = self.loaded
        self._set_status(describe_map(shown, cached, other, self.loaded.note if fresh else ""))
        if self.settings.colour == "error":
            self.want_errors()

    def _on_map_activity(self, text: str | None, fraction: float | None) -> None:
        if self._load is None:
            self._set_activity(text, fraction)

    def _finished(self, job: Job) -> None:
        if self._load is not None and self._load[0] is job:
            self._load = None
        if self._load is None and not self.map_jobs.is_busy():
            self._set_activity(None)

    def _on_progress(self, job: Job, payload) -> None:
        if not job.token.cancelled and self._load is not None and self._load[0] is job and payload[0] == "status":
            self._set_activity(payload[1], self.activity[1] if self.activity else None)

    def is_busy(self) -> bool:
        return self._load is not None or self.map_jobs.is_busy()

    def shutdown(self) -> None:
        self._pending_follow = None
        self._cancel_jobs()

    # ---- small setters that say what changed -------------------------------------------------

    def _set_activity(self, text: str | None, fraction: float | None = None) -> None:
        activity = None if text is None else (text, fraction)
        if activity != self.activity:
            self.activity = activity
            self.activity_changed.emit()

    def _set_message(self, text: str) -> None:
        if text != self.message:
            self.message = text
            self.message_changed.emit()

    def _set_status(self, text: str) -> None:
        self.status = text
        self.status_changed.emit()
