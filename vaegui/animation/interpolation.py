"""A walk along a straight latent line from A to B as a movie: each frame the image decoded at that step, large,
with the step and a track from A to B; and the decoding of such a line from a run folder's model (the CLI's)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from vaegui.animation import FRAME_SIZE, INTERPOLATION_FPS, INTERPOLATION_STEPS
from vaegui.animation.drawing import (
    ACCENT,
    BACKGROUND,
    INK,
    MUTED,
    SUPERSAMPLE,
    TRACK,
    finished,
    fit_text,
    font,
    paste_image,
)
from vaegui.animation.movie import AnimationError, Movie, check_fps, check_size, frame_durations
from vaegui.latent.generation import interpolate

MAX_STEPS = 1000
HOLD_END_SECONDS = 0.8  # A and B stay a moment, so the eye catches where the walk starts and turns


def interpolation_movie(images: np.ndarray, run_name: str, *, size: int = FRAME_SIZE, fps: float = INTERPOLATION_FPS,
                        there_and_back: bool = True, captions: tuple[str, str] = ("", "")) -> Movie:
    """Frames of `images` (the decoded steps from A to B, in order), then back to A when `there_and_back`."""
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or len(images) < 2:
        raise AnimationError("An interpolation movie needs at least two decoded images: pick ends A and B first.")
    size, fps = check_size(size), check_fps(fps)
    steps = len(images)
    positions = list(range(steps)) + (list(range(steps - 2, 0, -1)) if there_and_back else [])
    held = {0: HOLD_END_SECONDS, steps - 1: HOLD_END_SECONDS}
    layout = _InterpolationLayout(images, run_name, captions, size)
    return Movie(lambda index: layout.render(positions[index]),
                 frame_durations(len(positions), fps, held), fps, (size, size))


def decode_line_from_run(folder: str | Path, start: int, end: int, steps: int = INTERPOLATION_STEPS,
                         split: str = "test") -> tuple[np.ndarray, tuple[str, str]]:
    """Encode images `start` and `end` of the run's `split` (their μ), decode `steps` points on the line between.

    Loads TensorFlow and the run's last checkpoint: seconds. Returns the images and captions naming the ends.
    """
    from vaegui.runs import Run

    if not 2 <= steps <= MAX_STEPS:
        raise AnimationError(f"{steps} steps is not possible: choose from 2 to {MAX_STEPS}.")
    run = Run.open(folder)
    if not run.checkpoint:
        raise AnimationError(f"The run in {run.folder} has no completed epoch yet: train it first.")
    dataset = run.load_dataset()
    images = getattr(dataset, split).images
    if len(images) == 0:
        raise AnimationError(f"This run keeps no {split} images (its test fraction is 0), so there is no image to "
                             "start or end at.")
    for index in (start, end):
        if not 0 <= index < len(images):
            raise AnimationError(f"There is no {split} image {index}: this run's {split} split holds images "
                                 f"0 to {len(images) - 1}.")
    model = run.load_model(dataset.image_shape)
    mu = model.encode(np.stack([np.asarray(images[start]), np.asarray(images[end])])).mu
    decoded = model.decode(interpolate(mu[0], mu[1], steps))
    names = run.class_names or dataset.class_names
    labels = getattr(dataset, split).labels
    return decoded, tuple(_caption(split, index, labels, names) for index in (start, end))


def _caption(split: str, index: int, labels: np.ndarray | None, names: list[str] | None) -> str:
    if labels is None:
        return f"{split} #{index}"
    label = int(labels[index])
    return f"{split} #{index} · {names[label] if names and 0 <= label < len(names) else label}"


class _InterpolationLayout:
    def __init__(self, images: np.ndarray, run_name: str, captions: tuple[str, str], size: int):
        self.images, self.run_name, self.captions = images, run_name, captions
        self.side = size * SUPERSAMPLE
        self.unit = self.side / 640

    def render(self, position: int) -> Image.Image:
        u, side, steps = self.unit, self.side, len(self.images)
        canvas = Image.new("RGB", (side, side), BACKGROUND)
        draw = ImageDraw.Draw(canvas, "RGBA")
        draw.text((22 * u, 16 * u), f"Step {position + 1} of {steps}", font=font(30 * u, bold=True), fill=INK)
        name_face = font(14 * u)
        draw.text((side - 22 * u, 24 * u), fit_text(draw, self.run_name, name_face, 0.45 * side), font=name_face,
                  fill=MUTED, anchor="ra")
        note = "Images decoded along a straight line in latent space, from A to B"
        draw.text((22 * u, 56 * u), fit_text(draw, note, font(13 * u), side - 44 * u), font=font(13 * u),
                  fill=MUTED)
        track_top = side - 132 * u
        picture = int(min(track_top - 110 * u, side - 44 * u))
        left = int((side - picture) / 2)
        paste_image(canvas, self.images[position], (left, int(96 * u), left + picture, int(96 * u) + picture))
        self._track(canvas, draw, position, track_top)
        return finished(canvas)

    def _track(self, canvas: Image.Image, draw: ImageDraw.ImageDraw, position: int, top: float) -> None:
        """A and B as small pictures at the ends of a line, with a dot where this frame is on it."""
        u, side, steps = self.unit, self.side, len(self.images)
        thumb = int(72 * u)
        small = font(12 * u)
        for end, (x, image, caption) in enumerate(((22 * u, self.images[0], self.captions[0]),
                                                   (side - 22 * u - thumb, self.images[-1], self.captions[1]))):
            paste_image(canvas, image, (int(x), int(top), int(x) + thumb, int(top) + thumb))
            draw.text((x + thumb / 2, top + thumb + 8 * u), "AB"[end], font=font(14 * u, bold=True), fill=INK,
                      anchor="ma")
            if caption:  # flush with the frame's edge, so a long class name stays inside it
                draw.text((x if end == 0 else x + thumb, top + thumb + 28 * u),
                          fit_text(draw, caption, small, 0.35 * side), font=small, fill=MUTED,
                          anchor="la" if end == 0 else "ra")
        start, stop, y = 22 * u + thumb + 20 * u, side - 42 * u - thumb, top + thumb / 2
        draw.line((start, y, stop, y), fill=TRACK, width=round(4 * u))
        t = position / max(steps - 1, 1)
        x = start + t * (stop - start)
        draw.line((start, y, x, y), fill=ACCENT, width=round(4 * u))
        r = 9 * u
        draw.ellipse((x - r, y - r, x + r, y + r), fill=ACCENT, outline=BACKGROUND, width=round(2 * u))
        draw.text((x, y - r - 6 * u), f"{t:.0%} of the way", font=small, fill=MUTED, anchor="md")
