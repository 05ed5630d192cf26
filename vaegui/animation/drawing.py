"""Drawing on a movie frame with Pillow: fonts, text, axis ticks, and images shown as crisp upscaled pixels."""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

BACKGROUND = "#ffffff"
INK = "#1f2328"  # headlines and names
MUTED = "#57606a"  # notes and tick labels (7:1 on white)
FRAME = "#c9d1d9"
GRID = "#eef1f4"
ACCENT = "#0969da"
TRACK = "#d8dee4"
# Frames are drawn this many times larger and then reduced: Pillow draws shapes without anti-aliasing.
SUPERSAMPLE = 2
# The system's DejaVu Sans when it is there (Pillow finds it in the usual font folders), else Pillow's own font.
_FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@functools.lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> Font:
    """A font `size` pixels high: DejaVu Sans if installed, else Pillow's built-in one (scalable since Pillow 10.1)."""
    size = max(int(size), 6)
    try:
        return ImageFont.truetype(_FONT_FILES[bold], size)
    except OSError:
        pass
    try:
        return ImageFont.load_default(size)
    except TypeError:  # Pillow < 10.1: one small bitmap font only
        return ImageFont.load_default()


def text_width(draw: ImageDraw.ImageDraw, text: str, face: Font) -> float:
    return draw.textlength(text, font=face)


def fit_text(draw: ImageDraw.ImageDraw, text: str, face: Font, width: float) -> str:
    """`text`, shortened with an ellipsis in the middle to fit `width` pixels (run names can be long)."""
    if text_width(draw, text, face) <= width:
        return text
    keep = len(text)
    while keep > 2:
        keep -= 1
        shorter = f"{text[: (keep + 1) // 2]}…{text[len(text) - keep // 2:]}"
        if text_width(draw, shorter, face) <= width:
            return shorter
    return "…"


def vertical_text(text: str, face: Font, colour: str) -> Image.Image:
    """`text` turned a quarter to the left, on a transparent image, for a vertical axis title."""
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=face)
    layer = Image.new("RGBA", (int(right - left) + 2, int(bottom - top) + 2), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((-left + 1, -top + 1), text, font=face, fill=colour)
    return layer.rotate(90, expand=True)


def nice_ticks(low: float, high: float, most: int = 6) -> np.ndarray:
    """Round values (1, 2 or 5 times a power of ten apart) between `low` and `high`, at most about `most` of them."""
    span = high - low
    if not math.isfinite(span) or span <= 0:
        return np.array([low])
    raw = span / max(most, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    ticks = np.arange(first, high + step * 1e-9, step)
    return np.round(ticks / step) * step  # no -0.0 or 0.30000000000000004


def tick_text(value: float, ticks: np.ndarray) -> str:
    """A tick's value with as many decimals as the steps need: 0.5, 1, 1.5, not 1.50 or 1.5e+00."""
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 0
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text.replace("-", "−")


def image_to_pil(image: np.ndarray, side: int) -> Image.Image:
    """An (H, W, 1|3) image in [0, 1] scaled to fit `side` pixels without smoothing: pixels stay pixels."""
    pixels = np.clip(np.asarray(image, np.float32) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    picture = Image.fromarray(pixels).convert("RGB")
    scale = side / max(picture.size)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.NEAREST)


def paste_image(canvas: Image.Image, image: np.ndarray, box: tuple[int, int, int, int]) -> None:
    """`image` centred in `box` (left, top, right, bottom) with a thin frame around it."""
    left, top, right, bottom = box
    picture = image_to_pil(image, min(right - left, bottom - top))
    x = left + (right - left - picture.width) // 2
    y = top + (bottom - top - picture.height) // 2
    canvas.paste(picture, (x, y))
    ImageDraw.Draw(canvas).rectangle((x - 1, y - 1, x + picture.width, y + picture.height), outline=FRAME)


def finished(canvas: Image.Image) -> Image.Image:
    """The supersampled canvas reduced to its final size (smooth edges on dots, lines and text)."""
    return canvas.reduce(SUPERSAMPLE) if SUPERSAMPLE > 1 else canvas
