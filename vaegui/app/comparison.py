"""Two runs side by side, Qt-free: two Explorer models driven by one set of map settings, their selections linked.

The same image is the same (split, index) in both maps, when both runs were trained on the same images. A place
picked on one map is decoded by the other too: the same 2-D place when both maps draw the latent space directly,
else the same latent vector when both latent spaces have the same size; when the sizes differ it is not decoded
in the other (a place in one space is no place in the other), and the comparison says so.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from psygnal import Signal

from vaegui.app.explorer_loading import RunSource
from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import SAMPLES, LocationDetails, PointDetails, SelectionModel
from vaegui.app.jobs import JobRunner
from vaegui.app.map_state import (
    MapSettings,
    MethodChoice,
    ShownMap,
    default_method,
    describe_row,
    place_on_map,
    why_flat,
)
from vaegui.app.your_pictures import PictureDetails, YourPictures
from vaegui.latent.generation import prior_samples
from vaegui.latent.prior_fit import describe_prior_fit, explain_prior_fit, prior_fit
from vaegui.runs.library import RunSummary

SIDES = ("a", "b")
_COMPARED_IMAGES = 32  # images of each split compared to decide whether two datasets are the same images


class ComparisonModel:
    """Holds the two runs compared, the settings both maps share, and keeps the second selection following the first.

    It offers the Explorer model's settings interface (settings, methods, set_split, …), so the Explorer's
    map controls drive both maps at once.
    """

    source_changed = Signal()  # a run was opened or finished loading
    settings_changed = Signal()
    activity_changed = Signal()  # `activity` changed
    message_changed = Signal()  # `message` changed
    link_changed = Signal()  # `link_note` changed

    def __init__(self, runner: JobRunner):
        self.explorers = {side: ExplorerModel(runner) for side in SIDES}
        self.selections = {side: SelectionModel(self.explorers[side]) for side in SIDES}
        # The person's pictures, encoded by both models: where each puts the same picture.
        self.pictures = {side: YourPictures(self.explorers[side], self.selections[side]) for side in SIDES}
        self.summaries: dict[str, RunSummary | None] = {side: None for side in SIDES}
        self.settings = MapSettings()
        self.methods: list[MethodChoice] = []
        self.same_images: bool | None = None  # None until both datasets are loaded
        self.link_note = ""
        self._leader = "a"  # the side the person picked on last: the other follows it
        self._following = False
        for side in SIDES:
            explorer, selection = self.explorers[side], self.selections[side]
            explorer.source_changed.connect(lambda side=side: self._on_source_changed(side))
            explorer.activity_changed.connect(self.activity_changed.emit)
            explorer.message_changed.connect(self.message_changed.emit)
            # Connected after the selection model's own handler: the map change has been applied to it first.
            explorer.map_changed.connect(lambda side=side: self._follow(self._other(side)))
            selection.changed.connect(lambda side=side: self._on_selection_changed(side))

    # ---- opening ------------------------------------------------------------------------------

    def open(self, a: RunSummary, b: RunSummary) -> None:
        """Compare the runs `a` (left) and `b` (right); each loads on its own lane."""
        self.summaries = {"a": a, "b": b}
        self.settings = replace(self.settings, dims=2)  # each model starts flat
        self.same_images = None
        self.methods = []
        self._set_link_note("")
        for side, summary in self.summaries.items():
            explorer = self.explorers[side]
            # The shared settings go in before the model loads, so its first map is already the one wanted.
            explorer.set_split(self.settings.split)
            explorer.set_subset(self.settings.subset)
            explorer.set_mu_only(self.settings.mu_only)
            explorer.set_colour(self.settings.colour)
            explorer.open(RunSource(summary.folder))
        self.source_changed.emit()

    @property
    def loaded(self):
        """The left model once both are loaded (None before): what the map controls ask to enable themselves."""
        a, b = (self.explorers[side].loaded for side in SIDES)
        return a if a is not None and b is not None and self._is_current(a, "a") and self._is_current(b, "b") \
            else None

    def _is_current(self, loaded, side: str) -> bool:
        summary = self.summaries[side]
        return summary is not None and isinstance(loaded.source, RunSource) and loaded.source.folder == summary.folder

    def _on_source_changed(self, side: str) -> None:
        if self.loaded is None:
            self.source_changed.emit()
            return
        a, b = (self.explorers[s].loaded for s in SIDES)
        self.same_images = same_images(a.dataset, b.dataset)
        self.methods = shared_methods(self.explorers["a"].methods, self.explorers["b"].methods)
        method = self.settings.method
        if method is None or not any(c.method == method and c.available for c in self.methods):
            method = default_method(a.z_dim) if a.z_dim == b.z_dim else "pca"
        self.settings = replace(self.settings, method=method)
        for explorer in self.explorers.values():
            explorer.set_method(method)
        self._set_link_note(self._describe_link(a, b))
        self.source_changed.emit()
        self.settings_changed.emit()

    # ---- one set of settings for both maps ---------------------------------------------------

    def set_split(self, split: str) -> None:
        self._change("set_split", split=split)

    def set_subset(self, subset: int | None) -> None:
        self._change("set_subset", subset=subset)

    def set_method(self, method: str) -> None:
        choice = next((c for c in self.methods if c.method == method), None)
        if choice is not None and not choice.available:
            self.settings_changed.emit()  # puts the view's choice back; the reason is in the item's tooltip
            return
        self._change("set_method", method=method)

    def set_mu_only(self, on: bool) -> None:
        self._change("set_mu_only", mu_only=bool(on))

    def set_colour(self, mode: str) -> None:
        self._change("set_colour", colour=mode)

    def set_dims(self, dims: int) -> None:
        if dims == 3 and self.flat_reason:
            self.settings_changed.emit()  # a flat map: the view's choice goes back
            return
        self._change("set_dims", dims=int(dims))

    @property
    def flat_reason(self) -> str:
        """Why the two maps cannot be turned in 3-D ('' when they can, or while they load)."""
        return why_flat([self.explorers[side].loaded.z_dim for side in SIDES]) if self.loaded is not None else ""

    def add_pictures(self, paths) -> None:
        """The person's pictures on both maps, each encoded by its own model."""
        for pictures in self.pictures.values():
            pictures.add(paths)

    def _change(self, setter: str, **changes) -> None:
        settings = replace(self.settings, **changes)
        if settings == self.settings:
            return
        self.settings = settings
        for explorer in self.explorers.values():
            getattr(explorer, setter)(*changes.values())
        self.settings_changed.emit()

    def show_why_mu_only(self) -> None:
        """The mu-only demonstration, on the left run."""
        self.explorers["a"].show_why_mu_only()

    # ---- what both maps are doing ------------------------------------------------------------

    @property
    def activity(self) -> tuple[str, float | None] | None:
        """What runs now on either side, named by run; the fraction done of the slower one."""
        busy = [(side, self.explorers[side].activity) for side in SIDES if self.explorers[side].activity is not None]
        if not busy:
            return None
        text = " · ".join(f"{self.side_name(side)}: {activity[0]}" for side, activity in busy)
        fractions = [activity[1] for _, activity in busy]
        return text, None if any(f is None for f in fractions) else min(fractions)

    @property
    def message(self) -> str:
        return "\n".join(f"{self.side_name(side)}: {self.explorers[side].message}" for side in SIDES
                         if self.explorers[side].message)

    def is_busy(self) -> bool:
        return any(explorer.is_busy() for explorer in self.explorers.values())

    def cancel(self) -> None:
        for explorer in self.explorers.values():
            explorer.cancel()

    def redraw(self) -> None:
        for explorer in self.explorers.values():
            explorer.redraw()

    def shutdown(self) -> None:
        for explorer in self.explorers.values():
            explorer.shutdown()

    def side_name(self, side: str) -> str:
        summary = self.summaries[side]
        return summary.name if summary is not None else side.upper()

    # ---- linked selection --------------------------------------------------------------------

    def _on_selection_changed(self, side: str) -> None:
        if self._following:
            return
        self._leader = side
        self._follow(self._other(side))

    def _follow(self, side: str) -> None:
        """Make `side`'s selection show what the leader's shows: the same image, or the same place or vector."""
        if self._following or side == self._leader or self.loaded is None:
            return
        explorer = self.explorers[side]
        if explorer.shown is None or explorer.forming is not None:
            return  # its map is not ready to be marked: it follows once it is (map_changed)
        leader, follower = self.selections[self._leader], self.selections[side]
        picked = leader.selected
        self._following = True
        try:
            if picked is None:
                if follower.selected is not None:
                    follower.clear()
            elif isinstance(picked, PointDetails):
                self._follow_image(picked, follower, explorer.shown)
            elif isinstance(picked, PictureDetails):
                self.pictures[side].select_path(picked.path)  # the same picture, where the other model put it
            else:
                self._follow_place(picked, follower, explorer.shown)
        finally:
            self._following = False

    def _follow_image(self, picked: PointDetails, follower: SelectionModel, shown: ShownMap) -> None:
        current = follower.selected
        if isinstance(current, PointDetails) and (current.split, current.index) == (picked.split, picked.index):
            return
        row = row_of(shown, picked.split, picked.index) if self.same_images else None
        if row is not None:
            follower.select_row(row)
        elif current is not None:
            follower.clear()  # other images, or this one is not in the other map's split or subset

    def _follow_place(self, picked: LocationDetails, follower: SelectionModel, shown: ShownMap) -> None:
        vector = np.asarray(picked.vector, np.float32)
        if len(vector) != shown.latents.z_dim:
            if follower.selected is not None:
                follower.clear()
            return
        current = follower.selected
        if isinstance(current, LocationDetails) and np.array_equal(current.vector, vector):
            return
        both_direct = shown.method == "direct" and self.explorers[self._leader].shown.method == "direct"
        how = ("The same place: both maps draw the latent space itself." if both_direct else
               "The same latent vector as the place picked on the other map (the two spaces are not aligned: "
               "the same vector may mean something else to each model).")
        follower.select_vector(vector, place_on_map(shown, vector), how)

    def describe_pick(self) -> str:
        """What is picked, in one line: the image and each model's reconstruction error of it, or the place."""
        picked = self.selections[self._leader].selected
        if not isinstance(picked, PointDetails):
            return "" if picked is None else picked.title
        explorer = self.explorers[self._leader]
        text = describe_row(explorer.shown.latents, picked.row, explorer.loaded.class_names)
        errors = []
        for side in SIDES:
            selected, shown = self.selections[side].selected, self.explorers[side].shown
            if isinstance(selected, PointDetails) and shown is not None and selected.row < len(shown.latents):
                errors.append(f"{self.side_name(side)} {selected.error:.3g}")
        return text + (f" · reconstruction error: {', '.join(errors)}" if errors else "")

    def _describe_link(self, a, b) -> str:
        if not self.same_images:
            return ("These runs were trained on different images (another dataset, image size or test split), so an "
                    "image picked on one map is not marked on the other.")
        if a.z_dim != b.z_dim:
            return (f"The latent spaces differ in size (z_dim {a.z_dim} and {b.z_dim}): a place picked on one map is "
                    "decoded there only; images picked are marked on both.")
        return ""  # the usual case: the panel's own hint says it already (its room goes to the maps)

    def _set_link_note(self, text: str) -> None:
        if text != self.link_note:
            self.link_note = text
            self.link_changed.emit()

    @staticmethod
    def _other(side: str) -> str:
        return "b" if side == "a" else "a"

    # ---- prior samples -----------------------------------------------------------------------

    def sample_prior(self) -> None:
        """16 random vectors from N(0, I) decoded by both: the same vectors when the latent spaces have one size."""
        if self.loaded is None:
            return
        z_dims = {self.explorers[side].loaded.z_dim for side in SIDES}
        draws = prior_samples(z_dims.pop(), SAMPLES) if len(z_dims) == 1 else None
        for selection in self.selections.values():
            selection.sample_prior(draws)

    def prior_lesson(self, side: str) -> tuple[str, str]:
        """Where this side's random draws land on its map and what that makes of them, in words, and the figures
        behind them (('', '') before the draws)."""
        shown, prior = self.explorers[side].shown, self.selections[side].prior
        if shown is None or prior is None:
            return "", ""
        # The places the map draws its pictures at (z: the centres plus their noise, exactly the centres when
        # mu-only): the sentence says what the room sees, and the draws are compared with what a VAE's prior should
        # cover, the spread of z (the centres alone are narrower).
        fit = prior_fit(shown.latents.z, prior[0])
        return describe_prior_fit(self.side_name(side), fit), explain_prior_fit(fit)


def row_of(shown: ShownMap, split: int, index: int) -> int | None:
    """The map row showing image `index` of `split`, or None when that image is not on the map."""
    latents = shown.latents
    rows = np.flatnonzero((latents.split == split) & (latents.source_index == index))
    return int(rows[0]) if len(rows) else None


def shared_methods(a: list[MethodChoice], b: list[MethodChoice]) -> list[MethodChoice]:
    """The projections, each available only when it is for both models (with the first reason why not)."""
    reasons = {choice.method: choice for choice in b}
    shared = []
    for choice in a:
        other = reasons.get(choice.method, choice)
        available = choice.available and other.available
        reason = choice.reason or other.reason
        shared.append(replace(choice, available=available, reason="" if available else reason))
    return shared


def same_images(first, second) -> bool:
    """Whether two loaded datasets hold the same images in the same splits (sizes, then a sample compared)."""
    for split in ("train", "test"):
        one, two = getattr(first, split), getattr(second, split)
        if len(one) != len(two) or tuple(one.images.shape[1:]) != tuple(two.images.shape[1:]):
            return False
        if not len(one):
            continue
        rows = np.unique(np.linspace(0, len(one) - 1, min(_COMPARED_IMAGES, len(one))).astype(np.int64))
        if not np.array_equal(np.asarray(one.images[rows]), np.asarray(two.images[rows])):
            return False
    return True
