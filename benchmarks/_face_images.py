"""Synthetic face-like images for the CelebA-scale benchmark: a flat folder of JPEGs named like img_align_celeba's."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

SIZE = 96
CHUNK = 2_000  # files a worker writes per task
JPEG_QUALITY = 90
# Top to bottom, 0 → 255: mixes a background's two colours (PIL draws everything in C: ~1 ms an image).
GRADIENT = Image.linear_gradient("L").resize((SIZE, SIZE))


def file_name(number: int) -> str:
    """CelebA's own naming: 000001.jpg, 000002.jpg, …"""
    return f"{number:06d}.jpg"


def face(rng: np.random.Generator) -> Image.Image:
    """One 96×96 RGB face-like image: a gradient background, hair, a skin-toned oval with eyes, brows and a mouth
    whose place, size, tilt, colours and expression vary smoothly (a few factors a VAE can learn), then blurred."""
    top, bottom = (tuple(int(v) for v in colour) for colour in rng.integers(30, 226, (2, 3)))
    image = Image.composite(Image.new("RGB", (SIZE, SIZE), bottom), Image.new("RGB", (SIZE, SIZE), top), GRADIENT)
    draw = ImageDraw.Draw(image)
    cx, cy = 48 + rng.normal(0, 4), 52 + rng.normal(0, 3)  # where the face sits
    rx, ry = rng.uniform(22, 30), rng.uniform(30, 38)  # its width and length
    hair = tuple(int(v) for v in rng.choice([(35, 25, 20), (90, 60, 30), (200, 170, 110), (60, 60, 60)])
                 + rng.integers(-15, 16, 3))
    hair_volume = rng.uniform(4, 14)
    draw.ellipse((cx - rx - hair_volume, cy - ry - hair_volume, cx + rx + hair_volume, cy + ry * 0.4), fill=hair)
    skin = np.array([225, 185, 150]) * rng.uniform(0.45, 1.05) + rng.normal(0, 8, 3)
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=tuple(int(v) for v in np.clip(skin, 0, 255)))
    tilt = rng.normal(0, 2)  # one eye higher than the other
    eye_y, eye_dx, eye_r = cy - ry * 0.15, rx * rng.uniform(0.35, 0.5), rng.uniform(2.0, 4.0)
    for side in (-1, 1):
        x, y = cx + side * eye_dx, eye_y + side * tilt
        draw.ellipse((x - eye_r * 1.6, y - eye_r, x + eye_r * 1.6, y + eye_r), fill=(245, 245, 245))
        draw.ellipse((x - eye_r * 0.8, y - eye_r * 0.8, x + eye_r * 0.8, y + eye_r * 0.8), fill=(40, 30, 25))
        brow = y - eye_r - rng.uniform(2, 5)
        draw.line((x - eye_r * 2, brow + side * tilt * 0.3, x + eye_r * 2, brow), fill=hair, width=2)
    smile = rng.uniform(-1.0, 1.0)  # -1 frown … 1 wide smile
    mouth_y, mouth_w = cy + ry * 0.5, rx * rng.uniform(0.35, 0.6)
    lips = (int(150 + 60 * rng.random()), 60, 70)
    if smile > 0:
        draw.chord((cx - mouth_w, mouth_y - 6 * smile, cx + mouth_w, mouth_y + 6 * smile), 0, 180, fill=lips)
    else:
        draw.line((cx - mouth_w, mouth_y, cx + mouth_w, mouth_y - 3 * smile), fill=lips, width=3)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.6)))
    # Grain, as a camera's: grey noise around 128 added and the 128 taken off again.
    noise = Image.effect_noise((SIZE, SIZE), 4).convert("RGB")
    return ImageChops.add(image, noise, offset=-128)


def _write_chunk(folder: str, first: int, count: int, seed: int) -> int:
    """Write files first … first + count - 1 that are not there yet; each image seeded by its number."""
    written = 0
    for number in range(first, first + count):
        path = os.path.join(folder, file_name(number))
        if os.path.exists(path):
            continue
        face(np.random.default_rng((seed, number))).save(path, quality=JPEG_QUALITY)
        written += 1
    return written


def make_faces(folder: Path, count: int, *, processes: int | None = None, seed: int = 0, report=print) -> int:
    """Fill `folder` with `count` face JPEGs (000001.jpg …), in several processes; files already there are kept.

    Returns how many were written now.
    """
    folder.mkdir(parents=True, exist_ok=True)
    processes = processes or os.cpu_count() or 1
    starts = range(1, count + 1, CHUNK)
    written = 0
    with ProcessPoolExecutor(processes) as pool:
        futures = [pool.submit(_write_chunk, str(folder), start, min(CHUNK, count + 1 - start), seed)
                   for start in starts]
        for done, future in enumerate(futures, 1):
            written += future.result()
            if done % 10 == 0 or done == len(futures):
                report(f"  {min(done * CHUNK, count):,} of {count:,} images", flush=True)
    return written


def folder_bytes(folder: Path) -> int:
    with os.scandir(folder) as entries:
        return sum(entry.stat().st_size for entry in entries if entry.is_file())
