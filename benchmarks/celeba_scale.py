"""A CelebA-sized image folder (200,000 96×96×3 JPEGs): an epoch with images_per_epoch, and the Explorer exploring it.

    python benchmarks/celeba_scale.py [--images 200000] [--folder FOLDER] [--train-images 2000] [--parts train,explorer]
    python benchmarks/celeba_scale.py --make [--images N] [--folder FOLDER]   # only write the images

CelebA is not available offline: the folder holds synthetic face-like images (benchmarks/_face_images.py: a
gradient background, hair, a skin-toned face with eyes, brows and mouth, each image seeded by its number, so the
folder is the same on every machine), JPEG quality 90, ~3 KiB each, named like img_align_celeba's (000001.jpg …).
It is written once, outside the repository, to ~/.cache/vaegui-bench/faces96-N (N = --images; ~790 MiB and ~10
minutes on 2 cores for 200,000) and reused; missing files are filled in. --images 20000 makes a quick check.

Parts:
- `train`: the shipped CelebA config (resources/configs/celeba_96.json: z_dim 200, conv 32/64/64/64, batch 32) for
  2 epochs of --train-images images each (TrainingConfig.images_per_epoch), streamed from disk, into a run folder
  next to the images (kept for the explorer part). Prints the folder scan, each epoch's wall time (to the epoch's
  checkpoint, test images and views included) and the training images/s.
- `explorer`: in a fresh process (its peak RSS is the Explorer's alone): after TensorFlow is loaded, as in the app,
  an empty pyqtgraph PlotWidget's pan frames (the floor, this run's load), then a real ExplorerTab (offscreen,
  1400×900) opens the run with split "train + test" and subset "all": open → first points drawn, → whole PCA map;
  pan and zoom frames on that 200,000-point map (120 frames a gesture, 3 repeats, at 60 Hz); real clicks until the
  point panel (original from disk, reconstruction, decoded place, 8 neighbours from disk) is painted; the
  process's peak RSS (VmHWM). Target ≤ 3 GiB peak RSS, frames ≤ 33 ms at 200,000 points.
SUMMARY lines close the output.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

CONFIG = ROOT / "resources" / "configs" / "celeba_96.json"
CACHE = Path.home() / ".cache" / "vaegui-bench"
GIB = 1024**3
TARGET_RSS_GIB = 3.0
TARGET_FRAME_MS = 33.0
TRAIN_EPOCHS = 2


def stats(samples: list[float]) -> str:
    return f"median {np.median(samples):.1f} ms, p95 {np.percentile(samples, 95):.1f} ms (n={len(samples)})"


def make(folder: Path, count: int) -> None:
    from benchmarks._face_images import folder_bytes, make_faces

    started = time.perf_counter()
    written = make_faces(folder, count)
    if written:
        size = folder_bytes(folder)
        print(f"SUMMARY made {written:,} of {count:,} face images in {time.perf_counter() - started:.0f} s with "
              f"{os.cpu_count()} processes into {folder}: {size / 1024**2:,.0f} MiB ({size / count / 1024:.1f} KiB "
              "an image)", flush=True)


def train(folder: Path, run_folder: Path, train_images: int) -> list[str]:
    """Two epochs of `train_images` images of the shipped CelebA config; the summary lines."""
    from vaegui.config import RunConfig
    from vaegui.runs import Run, load_run_dataset
    from vaegui.training import TrainingListener, TrainingSession

    config = RunConfig.from_json_file(CONFIG)
    config.data.dataset = str(folder)
    config.training.epochs = TRAIN_EPOCHS
    config.training.images_per_epoch = train_images
    started = time.perf_counter()
    dataset = load_run_dataset(config)
    scan_s = time.perf_counter() - started
    print(f"folder scanned and split in {scan_s:.1f} s: {len(dataset.train):,} train, {len(dataset.test):,} test",
          flush=True)
    ends: list[float] = []

    class EpochClock(TrainingListener):
        def on_epoch(self, progress) -> None:
            ends.append(time.perf_counter())
            print(f"epoch {progress.epoch}: {progress.record['seconds']:.1f} s fitting, "
                  f"{progress.record['images_per_second']:.0f} images/s", flush=True)

    run = Run.create(run_folder, config)
    started = time.perf_counter()
    TrainingSession(run, dataset, EpochClock()).run()
    history = Run.open(run_folder).history
    walls = np.diff([started, *ends])
    last, images = history[-1], len(dataset.train) + len(dataset.test)
    return [
        f"folder of {images:,} images scanned (every header checked) and split: {scan_s:.1f} s",
        f"epoch of {train_images:,} images (images_per_epoch) of {len(dataset.train):,}: epoch 1 {walls[0]:.1f} s "
        f"(tracing included), epoch {TRAIN_EPOCHS} {walls[-1]:.1f} s wall to its checkpoint (fitting "
        f"{last['seconds']:.1f} s, {last['images_per_second']:.0f} images/s; the rest tests ≤ {train_images:,} "
        f"images and writes the epoch's views); all {len(dataset.train):,} images would take "
        f"~{len(dataset.train) / last['images_per_second'] / 60:.1f} min of fitting an epoch",
    ]


def peak_rss_gib() -> float:
    """This process's peak resident memory (VmHWM), in GiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / GIB
    return float("nan")


def explore(run_folder: Path, clicks: int, reopen: bool = False) -> dict:
    """The explorer part, in this (fresh) process; its figures as a dict. `reopen`: the run was explored before
    (its codes and map are kept in its folder): only open → every point drawn, and clicks."""
    import tensorflow as tf  # noqa: F401  (loaded before the tab, as the app does before Explore goes live)
    from PySide6.QtWidgets import QApplication

    from benchmarks._explorer_map import MapFigures, empty_plot_frames, pan_zoom_frames
    from benchmarks._explorer_tab import _idle, _new_tab, click_times, wait_until

    app = QApplication.instance() or QApplication(sys.argv[:1])
    floor, floor_cpu = empty_plot_frames() if not reopen else ([0.0], [0.0])
    rss_before = peak_rss_gib()
    tab = _new_tab()
    explorer = tab.explorer
    explorer.set_split("both")
    explorer.set_subset(None)
    started = time.perf_counter()
    tab.open_run_folder(run_folder)
    wait_until(app, lambda: (explorer.forming is not None and tab.map.point_count() > 0) or _idle(tab))
    wait_until(app, lambda: not tab.map.points.is_drawing())
    tab.map.plot_widget.repaint()
    first_points_s = time.perf_counter() - started
    first_count = tab.map.point_count()
    wait_until(app, lambda: _idle(tab), timeout_s=3600)
    tab.map.plot_widget.repaint()
    whole_map_s = time.perf_counter() - started
    points = tab.map.point_count()
    figures = MapFigures(points, 0.0, [], [], [], 0, [], [], [], [], 0.0)
    tab.map.view_box.autoRange()
    if not reopen:
        pan_zoom_frames(tab.map, figures)
    clicked = click_times(tab, clicks)
    on_points = click_times(tab, clicks, on_points=True)
    tab.shutdown()
    tab.close()
    return {
        "points": points, "first_points_s": first_points_s, "first_count": first_count, "whole_map_s": whole_map_s,
        "floor": floor, "floor_cpu": floor_cpu, "pan": figures.pan, "zoom": figures.zoom,
        "frame_cpu": figures.frame_cpu, "gaps": figures.frames_with_gap, "frames": len(figures.pan + figures.zoom),
        "click": clicked, "click_points": on_points, "rss_before_gib": rss_before, "peak_rss_gib": peak_rss_gib(),
        "z_dim": explorer.loaded.z_dim if explorer.loaded is not None else 0,
    }


def reopen_lines(figures: dict) -> list[str]:
    points = figures["points"]
    return [
        f"reopened (codes and map kept in the run folder) → every one of {figures['first_count']:,} points drawn: "
        f"{figures['first_points_s']:.2f} s (target ≤ 1 s: {'met' if figures['first_points_s'] <= 1 else 'MISSED'});"
        f" clickable (model, images and codes loaded): {figures['whole_map_s']:.1f} s",
        f"click on a point → point panel painted, z_dim {figures['z_dim']}, {points:,} points "
        f"{stats(figures['click_points'])} (target median ≤ 16 ms: "
        f"{'met' if np.median(figures['click_points']) <= 16 else 'MISSED'})",
        f"click anywhere (half on points, half on empty places) → panel painted {stats(figures['click'])}",
    ]


def explorer_lines(figures: dict) -> list[str]:
    points, peak = figures["points"], figures["peak_rss_gib"]
    frames = figures["pan"] + figures["zoom"]
    p95 = float(np.percentile(frames, 95))
    return [
        f"never explored: Explorer open → first screenful ({figures['first_count']:,} points) drawn: "
        f"{figures['first_points_s']:.2f} s (target ≤ 1 s: {'met' if figures['first_points_s'] <= 1 else 'MISSED'}); "
        f"whole {points:,}-point PCA map (every image read from disk and encoded, no decoder pass): "
        f"{figures['whole_map_s']:.0f} s",
        f"peak RSS of the Explorer process {peak:.2f} GiB (TensorFlow and Qt loaded, before the run: "
        f"{figures['rss_before_gib']:.2f} GiB) (target ≤ {TARGET_RSS_GIB:g} GiB: "
        f"{'met' if peak <= TARGET_RSS_GIB else f'MISSED by {peak - TARGET_RSS_GIB:.2f} GiB'})",
        f"floor: empty PlotWidget pan frame {stats(figures['floor'])}, GUI CPU median "
        f"{np.median(figures['floor_cpu']):.1f} ms",
        f"pan frame, {points:,} points {stats(figures['pan'])}",
        f"zoom frame, {points:,} points {stats(figures['zoom'])}; GUI CPU per frame median "
        f"{np.median(figures['frame_cpu']):.1f} ms; {figures['gaps']} of {figures['frames']} frames showed an "
        f"undrawn strip (target p95 ≤ {TARGET_FRAME_MS:g} ms: "
        f"{'met' if p95 <= TARGET_FRAME_MS else f'MISSED by {p95 - TARGET_FRAME_MS:.1f} ms'} at p95 {p95:.1f} ms)",
        f"click → point panel painted (pick, original and neighbours read from disk, decode) {stats(figures['click'])}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200_000, help="how many images the folder holds")
    parser.add_argument("--folder", type=Path, default=None, help=f"default: {CACHE}/faces96-IMAGES")
    parser.add_argument("--make", action="store_true", help="only write the images")
    parser.add_argument("--train-images", type=int, default=2_000, help="images_per_epoch of the training part")
    parser.add_argument("--clicks", type=int, default=200)
    parser.add_argument("--parts", default="train,explorer")
    parser.add_argument("--explorer-child", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--reopen", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.explorer_child is not None:
        print("FIGURES " + json.dumps(explore(args.explorer_child, args.clicks, args.reopen)), flush=True)
        return
    folder = args.folder or CACHE / f"faces96-{args.images}"
    make(folder, args.images)
    if args.make:
        return
    parts = set(args.parts.split(","))
    run_folder = folder.parent / f"{folder.name}-run-{args.train_images}"
    lines: list[str] = []
    if "train" in parts:
        if run_folder.exists():
            import shutil

            shutil.rmtree(run_folder)
        lines += train(folder, run_folder, args.train_images)
    if "explorer" in parts:
        import shutil

        from vaegui.latent.code_store import CODES_DIR

        shutil.rmtree(run_folder / CODES_DIR, ignore_errors=True)  # never explored: every image read and encoded
        for reopen in (False, True):
            child = subprocess.run([sys.executable, __file__, "--explorer-child", str(run_folder),
                                    "--clicks", str(args.clicks)] + (["--reopen"] if reopen else []),
                                   stdout=subprocess.PIPE, text=True, check=True)
            figures = json.loads(next(line for line in child.stdout.splitlines() if line.startswith("FIGURES "))[8:])
            lines += reopen_lines(figures) if reopen else explorer_lines(figures)
    print(f"load average {os.getloadavg()[0]:.1f} at the end; {os.cpu_count()} cores")
    for line in lines:
        print("SUMMARY " + line)


if __name__ == "__main__":
    main()
