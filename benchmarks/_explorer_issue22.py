"""Figures of issue 22's second half: a dropped picture until it is placed, rebuilt and its neighbours shown; a 3-D
map's turn frame; a run reopened from its kept codes, and one never explored, until their points are drawn."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np


def drop_times(run_folder: Path, method: str, pictures: list[Path], subset: int | None = 10_000) -> list[float]:
    """Milliseconds from a picture handed to the map (as a drop does) until it is placed on the `method` map, its
    reconstruction and nearest images painted in the point panel; one picture at a time, each a new file."""
    from PySide6.QtWidgets import QApplication

    from benchmarks._explorer_tab import _idle, _new_tab, wait_until
    from vaegui.app.your_pictures import PictureDetails

    app, tab = QApplication.instance(), _new_tab()
    tab.explorer.set_subset(subset)
    tab.open_run_folder(run_folder)
    wait_until(app, lambda: _idle(tab), timeout_s=1800)
    if method != tab.explorer.settings.method:
        tab.explorer.set_method(method)
        wait_until(app, lambda: _idle(tab) and tab.explorer.shown.method == method, timeout_s=1800)
    times = []
    for path in pictures:
        tab.pictures.clear()
        app.processEvents()
        started = time.perf_counter()
        tab.pictures.add([path])
        wait_until(app, lambda path=path: isinstance(tab.selection.selected, PictureDetails) and
                   tab.selection.selected.path == path and tab.pictures.placed_on is tab.explorer.shown)
        tab.point_panel.repaint()
        tab.map.plot_widget.repaint()
        times.append((time.perf_counter() - started) * 1000)
    tab.shutdown()
    tab.close()
    return times


def picture_files(folder: Path, images: np.ndarray, count: int) -> list[Path]:
    """`count` picture files made from `images` (float, [0, 1]), each flipped and shifted: pictures the run has not
    got, of its kind."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        pixels = np.round(np.roll(images[index][:, ::-1], index % 5, axis=0) * 255).astype(np.uint8)
        paths.append(folder / f"mine-{index:03d}.png")
        Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels).save(paths[-1])
    return paths


def turn_frames(points: int = 70_000, frames: int = 120, repeats: int = 3) -> tuple[list[float], list[float]]:
    """(frame times, GUI thread CPU per frame) of a 3-D map of `points` points turned by a drag at 60 Hz: each
    frame from the drag step until the turned points' image is drawn and on screen."""
    from benchmarks._explorer_map import FRAME_INTERVAL_S, MAP_SIZE, run_event_loop, wait_drawn
    from vaegui.gui.map.latent_map import LatentMap
    from vaegui.gui.map.turned_view import TurnedView
    from vaegui.palette import CLASS_COLOURS

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, points)
    coords = (rng.normal(0, 4, (10, 3))[labels] + rng.normal(0, 1, (points, 3))).astype(np.float32)
    latent_map = LatentMap()
    latent_map.resize(*MAP_SIZE)
    latent_map.show()
    turned = TurnedView(latent_map, lambda: None)
    xy, depth = turned.show(coords, new_map=True)
    latent_map.set_points(xy, labels, list(CLASS_COLOURS[:10]), [str(i) for i in range(10)])
    latent_map.update_coords(xy, depth)
    turned.frame()
    wait_drawn(latent_map)
    times, cpu = [], []
    for _ in range(repeats):
        for frame in range(frames):
            started, started_cpu = time.perf_counter(), time.thread_time()
            turned._turned(4.0, 1.0 if frame < frames // 2 else -1.0, False)  # what a drag step does
            wait_drawn(latent_map)
            latent_map.plot_widget.grab()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            run_event_loop(max(0.0, FRAME_INTERVAL_S - (time.perf_counter() - started)))
    latent_map.close()
    return times, cpu


def open_times(run_folder: Path, points: int, repeats: int, *, never_explored: bool,
               first_only: bool = False) -> tuple[list[float], list[float]]:
    """(ms until the first points are drawn, ms until every point is drawn) when `run_folder` is opened in a new tab:
    reopened (its codes and map kept from a first look), or never explored (its codes removed first; `first_only`:
    stop once the first screenful is drawn, the encoding of a large run cancelled)."""
    from PySide6.QtWidgets import QApplication

    from benchmarks._explorer_tab import _idle, _new_tab, wait_until
    from vaegui.latent.code_store import CODES_DIR

    app = QApplication.instance()
    first, every = [], []
    for _ in range(repeats):
        if never_explored:
            shutil.rmtree(run_folder / CODES_DIR, ignore_errors=True)
        tab = _new_tab()
        tab.explorer.set_split("both")
        tab.explorer.set_subset(None)
        started = time.perf_counter()
        tab.open_run_folder(run_folder)
        wait_until(app, lambda tab=tab: tab.map.point_count() > 0 and not tab.map.points.is_drawing(),
                   timeout_s=3600)
        tab.map.plot_widget.repaint()
        first.append((time.perf_counter() - started) * 1000)
        if first_only:
            tab.shutdown()
            tab.close()
            continue
        wait_until(app, lambda tab=tab: tab.map.point_count() >= points and not tab.map.points.is_drawing(),
                   timeout_s=3600)
        tab.map.plot_widget.repaint()
        every.append((time.perf_counter() - started) * 1000)
        wait_until(app, lambda tab=tab: _idle(tab), timeout_s=3600)  # the codes kept for the next look
        tab.shutdown()
        tab.close()
    return first, every


def issue22_part(args, folder: Path, summary: list[str], parts: set[str]) -> None:
    """explorer_latency.py's parts pictures, turn and open: dropped pictures until placed and shown, the 3-D turn
    frame at 70k, a run reopened or never explored; SUMMARY lines into `summary`."""
    from benchmarks._explorer_data import fashion_run
    from benchmarks.explorer_latency import line, stats, verdict
    from tests.conftest import train_tiny_run
    from vaegui.data import offline_dataset_names

    fashion = not args.quick and "fashion_mnist" in offline_dataset_names()
    if fashion:
        run = fashion_run(args.fashion_run or folder / "fashion")
    else:
        run = train_tiny_run(folder / "z2-pictures", z_dim=2, epochs=2)
    what = "Fashion-MNIST z_dim 8, 10k map" if fashion else "digits z_dim 2"
    if "pictures" in parts:
        dataset = run.load_dataset()
        files = picture_files(folder / "pictures", dataset.test.images[:40], 40)
        first_method = "pca" if fashion else "direct"
        for method, target, count in ((first_method, "drop", 30), ("tsne", "drop_tsne", 10)):
            times = drop_times(run.folder, method, files[:count])[1:]  # the first pays for tracing the functions
            print(line(f"drop a picture → placed, rebuilt, neighbours ({method}, {what})", times, target=target))
            median, p95 = stats(times)
            summary.append(f"drop a picture → placed, rebuilt and neighbours shown ({method}, {what}) median "
                           f"{median:.0f} ms, p95 {p95:.0f} ms {verdict(median, target)}")
    if "turn" in parts:
        from benchmarks._explorer_map import empty_plot_frames

        floor, _ = empty_plot_frames()
        times, cpu = turn_frames(70_000, repeats=args.repeats)
        print(line("floor: pan frame of an empty PlotWidget", floor))
        print(line("3-D turn frame at 70k (drag step → turned image on screen)", times, target="turn_70k"))
        print(line("  its GUI thread's CPU", cpu))
        median, p95 = stats(times)
        summary.append(f"3-D turn frame at 70k median {median:.1f} ms, p95 {p95:.1f} ms {verdict(median, 'turn_70k')}"
                       f"; GUI thread CPU median {np.median(cpu):.1f} ms; floor (empty PlotWidget frame) median "
                       f"{np.median(floor):.1f} ms")
    if "open" in parts:
        points = len(run.load_dataset().train) + len(run.load_dataset().test)
        first, every = open_times(run.folder, points, args.repeats, never_explored=True)
        print(line(f"never explored: open → first screenful ({points:,} images)", first, target="first_screen"))
        print(line(f"never explored: open → all {points:,} points drawn (encoding)", every))
        again_first, again = open_times(run.folder, points, args.repeats, never_explored=False)
        print(line(f"reopened: open → all {points:,} points drawn (kept codes)", again, target="reopen"))
        summary.append(f"never explored ({points:,} images): first screenful median {np.median(first):.0f} ms "
                       f"{verdict(np.median(first), 'first_screen')}, all points {np.median(every):.0f} ms; reopened: "
                       f"all points median {np.median(again):.0f} ms {verdict(np.median(again), 'reopen')}")
