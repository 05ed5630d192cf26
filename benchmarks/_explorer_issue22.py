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
