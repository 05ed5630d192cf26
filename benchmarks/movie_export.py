"""Movie export speed: the map's formation (1,000 probe points, 10 classes, 8-image strip) drawn and written as GIF
and MP4 at 640 px, and an interpolation of 28x28 images; milliseconds a frame, medians of repeats."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vaegui.animation.formation import formation_movie  # noqa: E402
from vaegui.animation.interpolation import interpolation_movie  # noqa: E402
from vaegui.animation.movie import mp4_available, write_movie  # noqa: E402
from vaegui.runs.epoch_views import EpochViews, Probe, with_preview_coordinates  # noqa: E402


def synthetic_views(epochs: int, points: int = 1000, classes: int = 10, z_dim: int = 8) -> dict[int, EpochViews]:
    """Clusters that spread out epoch by epoch, like a VAE's codes (the drawing cost does not depend on the model)."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, classes, points)
    centres = rng.normal(0, 2, (classes, z_dim))
    strip = rng.random((8, 28, 28, 1)).astype(np.float32)
    probe = Probe("test", np.arange(points), labels, strip)
    views = {}
    for epoch in range(1, epochs + 1):
        spread = epoch / epochs
        mu = (centres[labels] * spread + rng.normal(0, 0.5, (points, z_dim))).astype(np.float32)
        views[epoch] = EpochViews(epoch, mu, np.ones(z_dim, np.float32), mu.var(axis=0), strip, probe=probe)
    return with_preview_coordinates(views)


def median_ms_per_frame(movie, path: Path, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        write_movie(movie, path)
        times.append((time.perf_counter() - start) * 1000 / movie.frame_count)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    views = synthetic_views(args.epochs)
    names = [f"class {i}" for i in range(10)]
    formation = formation_movie(views, "benchmark", names, args.epochs)
    start = time.perf_counter()
    drawn = [formation.render(i) for i in range(min(10, formation.frame_count))]
    draw_ms = (time.perf_counter() - start) * 1000 / len(drawn)
    line = interpolation_movie(np.random.default_rng(1).random((48, 28, 28, 1)), "benchmark")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        gif_ms = median_ms_per_frame(formation, folder / "map.gif", args.repeats)
        size_kib = (folder / "map.gif").stat().st_size / 1024
        print(f"SUMMARY formation, {args.epochs} epochs at 640 px: draw {draw_ms:.0f} ms/frame; draw + GIF "
              f"{gif_ms:.0f} ms/frame ({gif_ms * args.epochs / 1000:.1f} s, {size_kib:.0f} KiB)")
        if mp4_available():
            mp4_ms = median_ms_per_frame(formation, folder / "map.mp4", args.repeats)
            print(f"SUMMARY formation as MP4: draw + encode {mp4_ms:.0f} ms/frame")
        line_ms = median_ms_per_frame(line, folder / "line.gif", args.repeats)
        print(f"SUMMARY interpolation, 48 steps there and back ({line.frame_count} frames): draw + GIF "
              f"{line_ms:.0f} ms/frame ({line_ms * line.frame_count / 1000:.1f} s)")


if __name__ == "__main__":
    main()
