"""The group of map points a person picked (lasso, box, a class, a search), Qt-free: its rows, what it holds, its
typical picture, and the groups kept as A and B to make a direction from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from psygnal import Signal

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.map_filter import SHOWN, FilterModel
from vaegui.app.map_state import class_name
from vaegui.latent.encoding import LatentSet
from vaegui.latent.selection_shapes import points_in_box, points_in_polygon, tidy_polygon
from vaegui.palette import class_colour
from vaegui.words import pictures

NEW, ADD, REMOVE = "new", "add", "remove"
MODES = (NEW, ADD, REMOVE)
STRIP = 24  # pictures shown in the group's strip, spread evenly over the group


@dataclass(frozen=True, eq=False)
class GroupSummary:
    """What the group's panel shows."""

    count: int
    total: int  # points on the map
    strip_rows: np.ndarray
    histogram: tuple[tuple[str, str, int], ...]  # (class name, colour, count), largest first
    mean_code: np.ndarray  # the mean of the group's codes (mu)
    typical: np.ndarray | None  # the mean code decoded: the group's typical picture (None: no model loaded yet)


@dataclass(frozen=True, eq=False)
class KeptGroup:
    """A group kept under a name (A or B) for a direction, with the codes it had when kept."""

    name: str
    description: str
    count: int
    mean_code: np.ndarray
    codes: np.ndarray  # (count, z_dim) the group's mu


def image_keys(latents: LatentSet, rows: np.ndarray | None = None) -> np.ndarray:
    """One number per row naming its image (split and index), the same in every map of the same images."""
    split, index = latents.split, latents.source_index
    if rows is not None:
        split, index = split[rows], index[rows]
    return (split.astype(np.int64) << 40) | index.astype(np.int64)


class GroupModel:
    changed = Signal()  # the group's rows (and summary) changed
    made = Signal()  # the person made or changed the group (a box, lasso, class, search, click)
    kept_changed = Signal()  # group A or B changed
    mode_changed = Signal()
    said = Signal(str)

    def __init__(self, explorer: ExplorerModel, filters: FilterModel):
        self.explorer, self.filters = explorer, filters
        self.rows: np.ndarray | None = None  # sorted rows of `latents`; None: no group
        self.keys: np.ndarray | None = None  # its pictures (image_keys), kept whichever part of them a map shows
        self.latents: LatentSet | None = None
        self.mode = NEW
        self.how = ""  # what made it: "lasso", "box", "class 3", …
        self.shape: tuple[str, np.ndarray] | None = None  # ("lasso", vertices) or ("box", corners), map units
        self._shape_layout: np.ndarray | None = None  # the map coordinates the shape was drawn on
        self.summary: GroupSummary | None = None
        self.kept: dict[str, KeptGroup | None] = {"A": None, "B": None}
        explorer.map_changed.connect(self._on_map_changed)
        explorer.source_changed.connect(self._on_source_changed)
        self._source = None

    # ---- the map drawn now ----------------------------------------------------------------------

    def drawn(self) -> tuple[LatentSet, np.ndarray] | None:
        explorer = self.explorer
        if explorer.forming is not None:
            return explorer.forming.latents, explorer.forming.coords
        if explorer.shown is not None:
            return explorer.shown.latents, explorer.shown.projection.coords
        return None

    def in_group(self) -> np.ndarray | None:
        """(N,) bool over the map drawn now, or None when there is no group."""
        drawn = self.drawn()
        if self.rows is None or drawn is None or drawn[0] is not self.latents:
            return None
        mask = np.zeros(len(drawn[0]), bool)
        mask[self.rows] = True
        return mask

    # ---- picking a group ------------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        """What the next lasso, box or class does: make a new group, add to it, or take from it."""
        if mode not in MODES:
            raise ValueError(mode)
        if mode != self.mode:
            self.mode = mode
            self.mode_changed.emit()

    def select_polygon(self, vertices: np.ndarray, mode: str | None = None) -> None:
        drawn = self.drawn()
        if drawn is None:
            return
        vertices = tidy_polygon(vertices)
        if len(vertices) < 3:
            return
        self.shape, self._shape_layout = ("lasso", vertices), drawn[1]
        self._combine(points_in_polygon(drawn[1], vertices), "lasso", mode)

    def select_box(self, corner_a: tuple[float, float], corner_b: tuple[float, float], mode: str | None = None
                   ) -> None:
        drawn = self.drawn()
        if drawn is None:
            return
        self.shape, self._shape_layout = ("box", np.array([corner_a, corner_b], np.float64)), drawn[1]
        self._combine(points_in_box(drawn[1], corner_a, corner_b), "box", mode)

    def select_class(self, label: int, mode: str | None = None) -> None:
        """Every point of class `label` that passes the search and ranges (the class is shown again if hidden)."""
        drawn = self.drawn()
        if drawn is None or drawn[0].labels is None:
            return
        if self.filters.class_state(label) != SHOWN:
            self.filters.set_class_state(label, SHOWN)
        names = None if self.explorer.loaded is None else self.explorer.loaded.class_names
        self.shape = None
        self._combine(np.flatnonzero(drawn[0].labels == int(label)), f"class {class_name(int(label), names)}", mode)

    def select_rows(self, rows: np.ndarray, how: str, mode: str | None = None) -> None:
        """Rows chosen another way (a search's results, a named region of the map)."""
        if self.drawn() is None:
            return
        self.shape = None
        self._combine(np.asarray(rows, np.int64), how, mode)

    def toggle_row(self, row: int) -> None:
        """One point into the group, or out of it if it is in."""
        drawn = self.drawn()
        if drawn is None or not 0 <= row < len(drawn[0]):
            return
        inside = self.rows is not None and self.latents is drawn[0] and bool(np.isin(row, self.rows))
        self._combine(np.array([row]), "picked", REMOVE if inside else ADD)

    def clear(self) -> None:
        """Forget the group (the person asked): every point drawn bright again."""
        if self.rows is not None:
            self._forget()
            self.made.emit()

    def _forget(self) -> None:
        if self.rows is not None:
            self.rows, self.keys, self.latents, self.summary, self.shape, self.how = None, None, None, None, None, ""
            self.changed.emit()

    def _combine(self, found: np.ndarray, how: str, mode: str | None) -> None:
        latents = self.drawn()[0]
        mode = mode or self.mode
        passing = self.filters.passing()
        if passing is not None and len(found):
            found = found[passing[found]]  # the group holds what the map shows, as the lists and exports do
        current = self.rows if self.rows is not None and self.latents is latents else np.zeros(0, np.int64)
        if mode == ADD:
            rows = np.union1d(current, found)
            how = f"{self.how} + {how}" if self.how and len(current) else how
        elif mode == REMOVE:
            rows = np.setdiff1d(current, found)
            how = f"{self.how} − {how}" if self.how else how
        else:
            sorted_once = len(found) < 2 or bool((found[1:] > found[:-1]).all())
            rows = found if sorted_once else np.unique(found)  # the shapes' rows come sorted: no sort of 200k
        self.rows, self.latents, self.how = rows.astype(np.int64), latents, how
        self.keys = image_keys(latents, self.rows)
        self._summarise()
        self.changed.emit()
        self.made.emit()
        if not len(rows):
            self.said.emit("The group is empty: nothing shown lies there. Draw around some points (Shift-drag a "
                           "box, Ctrl-drag a lasso).")

    # ---- what it holds --------------------------------------------------------------------------

    def _summarise(self) -> None:
        latents, rows, loaded = self.latents, self.rows, self.explorer.loaded
        if rows is None or latents is None or not len(rows):
            self.summary = None
            return
        names = None if loaded is None else loaded.class_names
        strip = rows[np.unique(np.linspace(0, len(rows) - 1, min(STRIP, len(rows))).astype(np.int64))]
        histogram = ()
        if latents.labels is not None:
            counts = np.bincount(latents.labels[rows])
            order = np.argsort(-counts, kind="stable")
            histogram = tuple((class_name(int(c), names), class_colour(int(c)), int(counts[c]))
                              for c in order if counts[c] > 0)
        mean_code = latents.mu[rows].astype(np.float64).mean(axis=0).astype(np.float32)
        # Decoded by the GUI thread's viewer copy: one vector through a cached function, no predict() call.
        typical = None if loaded is None or loaded.viewer is None else loaded.viewer.decode_one(mean_code)
        self.summary = GroupSummary(len(rows), len(latents), strip, histogram, mean_code, typical)

    def describe(self) -> str:
        if self.summary is None:
            return ""
        share = self.summary.count / max(self.summary.total, 1)
        part = "under 1%" if 0 < share < 0.005 else f"{share:.0%}"  # "0%" read as an empty group
        return f"{pictures(self.summary.count)} ({part} of the map) · {self.how}"

    def export(self, what: str, path) -> None:
        """Save the group off the GUI thread: "indices" (CSV), "sheet" (PNG of its pictures) or "codes" (NPZ/CSV);
        `said` tells how it went."""
        from vaegui.latent.group_export import save_codes, save_indices, save_sheet

        if self.summary is None:
            self.said.emit("Select a group first (Shift-drag a box or Ctrl-drag a lasso on the map).")
            return
        latents, rows = self.latents, np.array(self.rows)
        names = None if self.explorer.loaded is None else self.explorer.loaded.class_names

        def work(report, cancel) -> str:
            if what == "sheet":
                saved, shown = save_sheet(path, latents, rows)
                more = f" (the first {shown:,} of {len(rows):,})" if shown < len(rows) else ""
                return f"Saved {shown:,} pictures{more} to {saved}."
            saved = (save_indices if what == "indices" else save_codes)(path, latents, rows, names)
            what_saved = "picture numbers" if what == "indices" else "codes"
            return f"Saved the group's {what_saved} ({len(rows):,}) to {saved}."

        self.explorer.runner.submit(work, lane=None, on_done=self.said.emit, on_failed=self.said.emit,
                                    on_cancelled=lambda: None)

    def keep_as(self, name: str) -> None:
        """Keep the group as A or B (the two ends of a direction)."""
        if self.summary is None:
            self.said.emit("Select a group first (Shift-drag a box or Ctrl-drag a lasso on the map).")
            return
        codes = np.array(self.latents.mu[self.rows], np.float32)
        self.kept[name] = KeptGroup(name, self.how, self.summary.count, self.summary.mean_code, codes)
        self.kept_changed.emit()

    # ---- following the map ----------------------------------------------------------------------

    def _on_map_changed(self) -> None:
        drawn = self.drawn()
        if self.rows is None or drawn is None:
            return
        if self.shape is not None and self.explorer.forming is None and drawn[1] is not self._shape_layout:
            self.shape = None  # the outline belonged to another layout (a box on t-SNE's map, PCA's shown now)
            if drawn[0] is self.latents:
                self.changed.emit()
        if drawn[0] is self.latents:
            return
        # The same images wherever they are in the new map (another projection, the mu-only switch, an epoch):
        # all of them, also after a map that showed only the first pictures encoded (the group had shrunk to those).
        self.rows = np.flatnonzero(np.isin(image_keys(drawn[0]), self.keys)).astype(np.int64)
        self.latents = drawn[0]
        self._summarise()
        self.changed.emit()

    def _on_source_changed(self) -> None:
        loaded = self.explorer.loaded
        source = None if loaded is None else loaded.source
        if source != self._source:  # another model: its codes are another space
            self._source = source
            self.kept = {"A": None, "B": None}
            self._forget()
            self.kept_changed.emit()
        elif self.rows is not None and loaded is not None:
            self._summarise()  # the same run at a newer epoch: the typical picture is decoded again
            self.changed.emit()
