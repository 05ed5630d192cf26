"""A movie as frames drawn on demand with their durations, and writing it as an animated GIF (Pillow) or MP4."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from vaegui.animation import FPS_RANGE, SIZE_RANGE
from vaegui.atomic_files import atomic_output_path
from vaegui.cancel import Cancelled
from vaegui.errors import VaeguiError

FORMATS = {".gif": "GIF", ".mp4": "MP4"}
VIDEO_INSTALL = 'pip install "vaegui[video]"'
PROGRESS_INTERVAL_S = 0.1
PALETTE_SAMPLES = 5  # frames a GIF's one palette is taken from


class AnimationError(VaeguiError):
    """A movie cannot be made: no pictures to show, a format vaegui cannot write, or MP4 support missing."""


@dataclass(frozen=True, eq=False)
class Movie:
    """`render(i)` draws frame i (an RGB image); frame i stays on screen `durations_ms[i]` milliseconds."""

    render: Callable[[int], Image.Image]
    durations_ms: tuple[int, ...]
    fps: float  # the pace of a plain frame; longer durations hold a frame (the last epoch, the ends of a line)
    size: tuple[int, int]

    @property
    def frame_count(self) -> int:
        return len(self.durations_ms)


def frame_durations(count: int, fps: float, held: dict[int, float]) -> tuple[int, ...]:
    """Each of `count` frames shown 1/fps s; frame i of `held` shown that many seconds instead (if longer)."""
    plain = 1000.0 / fps
    return tuple(int(round(max(plain, 1000.0 * held.get(i, 0.0)))) for i in range(count))


def movie_format(path: str | Path) -> str:
    """'GIF' or 'MP4' from the file name; MP4 only when its encoder is installed. Checked before any drawing."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise AnimationError(f"vaegui cannot write '{suffix or Path(path).name}' movies: name the file .gif "
                             "(an animated picture, plays everywhere) or .mp4 (a video, smaller for long runs).")
    if FORMATS[suffix] == "MP4" and not mp4_available():
        raise AnimationError(f"Writing MP4 needs the video extra, which is not installed: run  {VIDEO_INSTALL}  "
                             "(it brings ffmpeg), or save the movie as .gif instead.")
    return FORMATS[suffix]


def mp4_available() -> bool:
    try:
        import imageio_ffmpeg

        imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError):
        return False
    return True


def check_size(size: int) -> int:
    """The frame side in pixels, made a multiple of 16 (video encoders work in 16-pixel blocks)."""
    low, high = SIZE_RANGE
    if not low <= size <= high:
        raise AnimationError(f"A movie {size} pixels wide is not possible: choose a size from {low} to {high}.")
    return int(size) // 16 * 16


def check_fps(fps: float) -> float:
    low, high = FPS_RANGE
    if not low <= fps <= high:
        raise AnimationError(f"{fps:g} frames a second is not possible: choose from {low} to {high}.")
    return float(fps)


def write_movie(movie: Movie, path: str | Path, progress: Callable[[tuple[int, int]], None] | None = None,
                cancel=None) -> Path:
    """Draw every frame and write the movie to `path` (atomically: the old file stays until the new one is whole).

    `progress((done, total))` follows the frames; `cancel.cancelled` is checked between frames (Cancelled).
    """
    path = Path(path)
    kind = movie_format(path)
    if movie.frame_count == 0:
        raise AnimationError("The movie has no frames.")
    drawn: dict[int, Image.Image] = {}
    try:
        with atomic_output_path(path, suffix=path.suffix) as temp:
            if kind == "GIF":
                palette = _shared_palette(movie, drawn, cancel)
                frames = (frame.quantize(palette=palette, dither=Image.Dither.NONE)
                          for frame in _frames(movie, progress, cancel, drawn))
                first = next(frames)
                # loop=0: forever. Pillow keeps each frame as 8-bit palette colours (a third of RGB's memory).
                first.save(temp, format="GIF", save_all=True, append_images=frames, loop=0,
                           duration=list(movie.durations_ms))
            else:
                _write_mp4(movie, _frames(movie, progress, cancel, drawn), temp)
    except OSError as error:
        raise AnimationError(f"Could not write {path} ({error.strerror or error}): choose a folder you can "
                             "write to.") from None
    return path


def _shared_palette(movie: Movie, drawn: dict[int, Image.Image], cancel) -> Image.Image:
    """One palette of 256 colours for every frame, taken from a few frames spread over the movie (kept in `drawn`).

    Pillow's own choice, a palette per frame, costs ~100 ms a 640-pixel frame and makes colours flicker from
    one frame to the next; mapping to one palette costs ~2 ms (mean error ~1 of 255 on the map's frames).
    """
    last = movie.frame_count - 1
    picks = sorted({round(k * last / (PALETTE_SAMPLES - 1)) for k in range(PALETTE_SAMPLES)})
    width, height = movie.size
    mosaic = Image.new("RGB", (width * len(picks), height))
    for place, index in enumerate(picks):
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        drawn[index] = movie.render(index)
        mosaic.paste(drawn[index], (width * place, 0))
    return mosaic.quantize(256, method=Image.Quantize.FASTOCTREE)


def _frames(movie: Movie, progress, cancel, drawn: dict[int, Image.Image]) -> Iterator[Image.Image]:
    """Every frame in order (those already drawn for the palette are not drawn again), checking `cancel` first."""
    total, reported = movie.frame_count, 0.0
    for index in range(total):
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        frame = drawn.pop(index, None) or movie.render(index)
        now = time.monotonic()
        # At most ten reports a second (each may become a Qt signal that repaints), and always the last.
        if progress is not None and (now - reported >= PROGRESS_INTERVAL_S or index + 1 == total):
            progress((index + 1, total))
            reported = now
        yield frame


def _write_mp4(movie: Movie, frames: Iterator[Image.Image], temp: Path) -> None:
    import imageio_ffmpeg

    width, height = movie.size
    writer = imageio_ffmpeg.write_frames(str(temp), (width, height), fps=movie.fps, codec="libx264",
                                         pix_fmt_in="rgb24", pix_fmt_out="yuv420p", quality=8,
                                         macro_block_size=16, ffmpeg_log_level="error")
    writer.send(None)  # start ffmpeg
    try:
        for frame, duration in zip(frames, movie.durations_ms):
            pixels = np.ascontiguousarray(np.asarray(frame.convert("RGB"), np.uint8))
            # A video has one pace: a held frame is repeated for as long as it is held.
            for _ in range(max(1, round(duration * movie.fps / 1000.0))):
                writer.send(pixels)
    finally:
        writer.close()
