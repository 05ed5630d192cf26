"""The latent map forming, one frame per epoch: the probe images' latent means on fixed axes, coloured by class,
with the epoch, the run's name, a key of the classes and the reconstruction strip of that epoch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from vaegui.animation import FORMATION_FPS, FRAME_SIZE
from vaegui.animation.drawing import (
    ACCENT,
    BACKGROUND,
    FRAME,
    GRID,
    INK,
    MUTED,
    SUPERSAMPLE,
    TRACK,
    finished,
    fit_text,
    font,
    nice_ticks,
    paste_image,
    text_width,
    tick_text,
    vertical_text,
)
from vaegui.animation.movie import AnimationError, Movie, check_fps, check_size, frame_durations
from vaegui.app.map_state import class_name, dimension_label
from vaegui.palette import class_colour
from vaegui.runs.epoch_views import EpochViews
from vaegui.runs.snapshot import RunSnapshot

HOLD_LAST_SECONDS = 2.0  # the finished map stays a moment before the loop starts again
NO_VIEWS = ("this run was saved before vaegui kept each epoch's pictures; continue training it to record them "
            "(Continue training in the app, or vaegui train --resume FOLDER --epochs MORE).")


@dataclass(frozen=True)
class PlotBox:
    """Where the data lands on the canvas: data (x, y) → pixels, the same for every frame."""

    left: float
    top: float
    right: float
    bottom: float
    x_range: tuple[float, float]
    y_range: tuple[float, float]

    def to_pixels(self, coords: np.ndarray) -> np.ndarray:
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        x = self.left + (coords[:, 0] - x0) / (x1 - x0) * (self.right - self.left)
        y = self.bottom - (coords[:, 1] - y0) / (y1 - y0) * (self.bottom - self.top)
        return np.stack([x, y], axis=1)


def formation_movie(views: dict[int, EpochViews], run_name: str, class_names: list[str] | None = None,
                    total_epochs: int | None = None, *, size: int = FRAME_SIZE, fps: float = FORMATION_FPS,
                    strip: bool = True) -> Movie:
    """One frame per epoch that has views (in epoch order), drawn when written; the last one held a moment."""
    shown = {epoch: views[epoch] for epoch in sorted(views) if views[epoch].coords is not None}
    if not shown:
        raise AnimationError(f"{run_name}: {NO_VIEWS}")
    size, fps = check_size(size), check_fps(fps)
    epochs = list(shown)
    total = max(total_epochs or 0, epochs[-1])
    layout = _FormationLayout(shown, run_name, class_names, total, size, strip)
    return Movie(lambda index: layout.render(epochs[index]), frame_durations(len(epochs), fps,
                                                                                  {len(epochs) - 1: HOLD_LAST_SECONDS}),
                 fps, (size, size))


def formation_movie_of_run(run: RunSnapshot, views: dict[int, EpochViews] | None = None, **options) -> Movie:
    """The formation movie of a run: its stored views, or `views` (the Training tab's, growing while it trains)."""
    views = run.views if views is None else views
    if not views and run.epochs_completed == 0:
        raise AnimationError(f"The run in {run.folder} has no completed epoch yet: train it first (each epoch "
                             "becomes one frame).")
    return formation_movie(views, run.name, run.class_names, run.config.training.epochs, **options)


class _FormationLayout:
    """The parts every frame shares (axes, key, order of the points), worked out once for the whole movie."""

    def __init__(self, views: dict[int, EpochViews], run_name: str, class_names: list[str] | None, total: int,
                 size: int, strip: bool):
        self.views, self.run_name, self.total = views, run_name, total
        self.unit = size * SUPERSAMPLE / 640  # every length below is in pixels of a 640-pixel frame, times this
        self.canvas_side = size * SUPERSAMPLE
        last = views[max(views)]
        self.labels = None if last.labels is None else np.asarray(last.labels).astype(np.int64)
        self.classes = [] if self.labels is None else sorted(int(c) for c in np.unique(self.labels))
        self.class_names = class_names
        self.axes_label = last.axes_label
        self.split = "test" if last.probe is None else last.probe.split
        self.strip = strip and last.originals is not None and len(last.originals) > 0
        # A fixed shuffle: no class is always drawn on top of the others.
        self.order = np.random.default_rng(0).permutation(len(last.coords))
        u = self.unit
        self.radius = float(np.clip(5.0 * np.sqrt(300.0 / max(len(self.order), 1)), 2.2, 5.0)) * u
        self.colours = self._point_colours(len(self.order))
        key_width = self._key_width()
        strip_height = self._strip_height()
        left, top = 62 * u, 104 * u
        right = self.canvas_side - (key_width + 30 * u if key_width else 22 * u)
        bottom = self.canvas_side - strip_height - 44 * u
        self.box = _fixed_axes(views, (left, top, right, bottom))
        self.key_left = right + 18 * u

    # ---- parts drawn once ----------------------------------------------------------------------

    def _point_colours(self, count: int) -> np.ndarray:
        if self.labels is None or len(self.labels) != count:
            return np.tile(np.array([_rgba(ACCENT)]), (count, 1))
        return np.array([_rgba(class_colour(label)) for label in self.labels])

    def _name(self, label: int) -> str:
        return class_name(label, self.class_names)

    def _key_width(self) -> float:
        if not self.classes:
            return 0.0
        draw = ImageDraw.Draw(Image.new("L", (1, 1)))
        widest = max(text_width(draw, self._name(c), font(13 * self.unit)) for c in self.classes)
        return float(np.clip(widest + 26 * self.unit, 80 * self.unit, 170 * self.unit))

    def _strip_height(self) -> float:
        if not self.strip:
            return 0.0
        return 2 * self._strip_cell() + 30 * self.unit

    def _strip_cell(self) -> float:
        count = len(self.views[max(self.views)].originals)
        return min(50 * self.unit, (self.canvas_side - 150 * self.unit) / max(count, 1))

    # ---- one frame -----------------------------------------------------------------------------

    def render(self, epoch: int) -> Image.Image:
        canvas = Image.new("RGB", (self.canvas_side, self.canvas_side), BACKGROUND)
        draw = ImageDraw.Draw(canvas, "RGBA")
        views = self.views[epoch]
        self._header(draw, epoch, len(views.coords))
        self._axes(canvas, draw)
        self._points(draw, views.coords)
        self._key(draw)
        if self.strip:
            self._strip_rows(canvas, draw, views)
        return finished(canvas)

    def _header(self, draw: ImageDraw.ImageDraw, epoch: int, count: int) -> None:
        u, side = self.unit, self.canvas_side
        draw.text((22 * u, 16 * u), f"Epoch {epoch} of {self.total}", font=font(30 * u, bold=True), fill=INK)
        name_face = font(14 * u)
        name = fit_text(draw, self.run_name, name_face, 0.45 * side)
        draw.text((side - 22 * u, 24 * u), name, font=name_face, fill=MUTED, anchor="ra")
        note = f"Where the encoder puts {count:,} {self.split} images (their centres, μ)"
        note += ", coloured by class" if self.classes else ""
        draw.text((22 * u, 56 * u), fit_text(draw, note, font(13 * u), side - 44 * u), font=font(13 * u), fill=MUTED)
        # How far training has come: a thin bar across the frame.
        y = 84 * u
        draw.rounded_rectangle((22 * u, y, side - 22 * u, y + 5 * u), radius=2.5 * u, fill=TRACK)
        done = 22 * u + (side - 44 * u) * min(epoch / max(self.total, 1), 1.0)
        draw.rounded_rectangle((22 * u, y, done, y + 5 * u), radius=2.5 * u, fill=ACCENT)

    def _axes(self, canvas: Image.Image, draw: ImageDraw.ImageDraw) -> None:
        u, box = self.unit, self.box
        tick_face = font(11 * u)
        x_ticks, y_ticks = nice_ticks(*box.x_range), nice_ticks(*box.y_range)
        ends = box.to_pixels(np.stack([x_ticks, np.full_like(x_ticks, box.y_range[0])], axis=1))
        for value, (x, _) in zip(x_ticks, ends):
            draw.line((x, box.top, x, box.bottom), fill=GRID, width=max(1, round(u)))
            draw.text((x, box.bottom + 6 * u), tick_text(value, x_ticks), font=tick_face, fill=MUTED, anchor="ma")
        ends = box.to_pixels(np.stack([np.full_like(y_ticks, box.x_range[0]), y_ticks], axis=1))
        for value, (_, y) in zip(y_ticks, ends):
            draw.line((box.left, y, box.right, y), fill=GRID, width=max(1, round(u)))
            draw.text((box.left - 6 * u, y), tick_text(value, y_ticks), font=tick_face, fill=MUTED, anchor="rm")
        draw.rectangle((box.left, box.top, box.right, box.bottom), outline=FRAME, width=max(1, round(u)))
        title_face = font(12 * u)
        x_title, y_title = (self._axis_title(0), self._axis_title(1))
        draw.text(((box.left + box.right) / 2, box.bottom + 22 * u), x_title, font=title_face, fill=MUTED,
                  anchor="ma")
        turned = vertical_text(y_title, title_face, MUTED)
        canvas.paste(turned, (int(8 * u), int((box.top + box.bottom - turned.height) / 2)), turned)

    def _axis_title(self, axis: int) -> str:
        if self.axes_label == "PC":  # each epoch's main directions, turned to follow the epoch before (Procrustes)
            return f"main direction {axis + 1} (PC {axis + 1}), turned to follow each epoch"
        return dimension_label(axis)

    def _points(self, draw: ImageDraw.ImageDraw, coords: np.ndarray) -> None:
        box, r = self.box, self.radius
        pixels = box.to_pixels(np.asarray(coords, np.float64))
        inside = ((pixels[:, 0] >= box.left) & (pixels[:, 0] <= box.right) &
                  (pixels[:, 1] >= box.top) & (pixels[:, 1] <= box.bottom))
        for row in self.order[: len(pixels)]:
            if inside[row]:
                x, y = pixels[row]
                draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(self.colours[row]))

    def _key(self, draw: ImageDraw.ImageDraw) -> None:
        if not self.classes:
            return
        u = self.unit
        face = font(13 * u)
        x, y = self.key_left, self.box.top
        draw.text((x, y), "Classes", font=font(13 * u, bold=True), fill=INK)
        row = 21 * u
        fits = int((self.box.bottom - y - row) // row)
        shown = self.classes if len(self.classes) <= fits else self.classes[: max(fits - 1, 0)]
        for index, label in enumerate(shown):
            cy = y + row * (index + 1) + 9 * u
            draw.ellipse((x, cy - 5 * u, x + 10 * u, cy + 5 * u), fill=class_colour(label))
            draw.text((x + 17 * u, cy), fit_text(draw, self._name(label), face, self.canvas_side - x - 30 * u),
                      font=face, fill=INK, anchor="lm")
        if len(shown) < len(self.classes):
            cy = y + row * (len(shown) + 1) + 9 * u
            draw.text((x, cy), f"… and {len(self.classes) - len(shown)} more", font=face, fill=MUTED, anchor="lm")

    def _strip_rows(self, canvas: Image.Image, draw: ImageDraw.ImageDraw, views: EpochViews) -> None:
        u, cell, gap = self.unit, self._strip_cell(), 4 * self.unit
        rows = ((f"{self.split} images", views.originals), ("rebuilt (decoded μ)", views.reconstructions))
        count = min(len(views.originals), len(views.reconstructions))
        label_face = font(12 * u)
        captions = max(text_width(draw, caption, label_face) for caption, _ in rows) + 10 * u
        # Captions and pictures centred together under the map.
        left = (self.canvas_side - captions - count * cell - (count - 1) * gap) / 2 + captions
        top = self.canvas_side - 2 * cell - 16 * u
        for row, (caption, images) in enumerate(rows):
            y = top + row * (cell + gap)
            draw.text((left - 10 * u, y + cell / 2), caption, font=label_face, fill=MUTED, anchor="rm")
            for column in range(count):
                x = left + column * (cell + gap)
                paste_image(canvas, images[column], (int(x), int(y), int(x + cell), int(y + cell)))


def _fixed_axes(views: dict[int, EpochViews], box: tuple[float, float, float, float]) -> PlotBox:
    """Axes holding (nearly) every epoch's points, equally scaled in x and y, so the motion shown is real."""
    pooled = np.concatenate([np.asarray(v.coords, np.float64) for v in views.values()])
    pooled = pooled[np.all(np.isfinite(pooled), axis=1)]
    if len(pooled) == 0:
        pooled = np.zeros((1, 2))
    # A few strays must not shrink everyone else to a dot: the outer 0.2 % may fall outside.
    low, high = np.quantile(pooled, 0.002, axis=0), np.quantile(pooled, 0.998, axis=0)
    centre = (low + high) / 2
    left, top, right, bottom = box
    span = np.maximum(high - low, 1e-6) * 1.08
    # Equal units a pixel on both axes: the wider need decides, the other axis gets room to spare.
    per_pixel = max(span[0] / (right - left), span[1] / (bottom - top))
    half = np.array([(right - left), (bottom - top)]) * per_pixel / 2
    return PlotBox(left, top, right, bottom, (centre[0] - half[0], centre[0] + half[0]),
                   (centre[1] - half[1], centre[1] + half[1]))


def _rgba(colour: str, alpha: int = 215) -> tuple[int, int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16), alpha
