"""The latent map's own figures: pan and zoom frames, drawing off the GUI thread, pick and hover, at any point count."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEventLoop, QTimer

FRAME_INTERVAL_S = 1 / 60  # a gesture's frames come this often; the event loop runs in between, as on screen
MAP_SIZE = (1000, 750)


@dataclass
class MapFigures:
    """Milliseconds, each a list of repeats."""

    points: int
    first_image: float  # set_points until the first image of the points is on screen
    pan: list[float]  # one frame of a pan (the view moves 2 % of its width)
    zoom: list[float]  # one frame of a zoom (the view scales by 3 %)
    frame_cpu: list[float]  # the GUI thread's CPU time per pan or zoom frame
    frames_with_gap: int  # frames that showed a not yet drawn strip at an edge (a pan outran the drawing)
    draw: list[float]  # drawing the image off the GUI thread
    sharp_after_rest: list[float]  # from the last frame of a gesture until the sharp image is on screen
    update_coords: list[float]  # a new layout (t-SNE frame) handed to the map, on the GUI thread
    pick: list[float]  # map.pick, with the pixel size, on random places
    picker_build: float  # the KD-tree, built at the first pick after the points change


def run_event_loop(seconds: float) -> None:
    """Let Qt's event loop run for `seconds` (images drawn off the GUI thread arrive), without spinning Python."""
    loop = QEventLoop()
    QTimer.singleShot(max(0, int(seconds * 1000)), loop.quit)
    loop.exec()


def wait_drawn(latent_map, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while latent_map.points.is_drawing():
        run_event_loop(0.002)
        if time.monotonic() > deadline:
            raise TimeoutError("the map was not drawn in time")


def empty_plot_frames(frames: int = 120) -> tuple[list[float], list[float]]:
    """The floor: the same pan on an empty pyqtgraph PlotWidget of the same size (frame times, GUI-thread CPU)."""
    import pyqtgraph as pg

    widget = pg.PlotWidget()
    widget.resize(*MAP_SIZE)
    widget.show()
    widget.setRange(xRange=(-10, 10), yRange=(-10, 10))
    view_box = widget.getPlotItem().getViewBox()
    cpu: list[float] = []
    times, _ = _gesture(widget, lambda i: view_box.translateBy(x=0.4 if (i // 30) % 2 == 0 else -0.4), frames,
                        cpu=cpu)
    widget.close()
    return times, cpu


def _gesture(widget, move: Callable[[int], None], frames: int, on_frame: Callable[[], bool] | None = None,
             cpu: list[float] | None = None):
    """Frame times (ms) of `frames` moves, each rendered like a frame on screen; how many frames `on_frame` flagged.

    `cpu` gets the GUI thread's own CPU time per frame: what the frame costs without waiting for other
    processes, the figure to compare on a shared machine.
    """
    times, flagged = [], 0
    for i in range(frames):
        started, started_cpu = time.perf_counter(), time.thread_time()
        move(i)
        widget.grab()  # renders the whole view synchronously, as a frame on screen would
        times.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.thread_time() - started_cpu) * 1000)
        if on_frame is not None and on_frame():
            flagged += 1
        run_event_loop(max(0.0, FRAME_INTERVAL_S - (time.perf_counter() - started)))
    return times, flagged


def map_figures(coords: np.ndarray, labels: np.ndarray, repeats: int = 3, frames: int = 120) -> MapFigures:
    """Every figure of the map widget for these points, each gesture repeated `repeats` times."""
    from vaegui.gui.map.latent_map import LatentMap
    from vaegui.palette import CLASS_COLOURS

    latent_map = LatentMap()
    latent_map.resize(*MAP_SIZE)
    latent_map.show()
    classes = int(labels.max()) + 1
    colours = [CLASS_COLOURS[i % len(CLASS_COLOURS)] for i in range(classes)]
    started = time.perf_counter()
    latent_map.set_points(coords, labels, colours, [str(i) for i in range(classes)])
    wait_drawn(latent_map)
    latent_map.plot_widget.grab()
    first_image = (time.perf_counter() - started) * 1000
    figures = MapFigures(len(coords), first_image, [], [], [], 0, [], [], [], [], 0.0)
    draw_times = _record_draw_times(latent_map)
    pan_zoom_frames(latent_map, figures, repeats, frames)
    figures.draw = list(draw_times)
    rng = np.random.default_rng(1)
    for _ in range(10):
        moved = coords + rng.normal(0, 0.01, coords.shape).astype(np.float32)
        started = time.perf_counter()
        latent_map.update_coords(moved)
        figures.update_coords.append((time.perf_counter() - started) * 1000)
        run_event_loop(0.1)  # t-SNE hands over at most ten layouts a second
    wait_drawn(latent_map)
    started = time.perf_counter()
    latent_map.pick(float(coords[0, 0]), float(coords[0, 1]))
    figures.picker_build = (time.perf_counter() - started) * 1000
    (x0, x1), (y0, y1) = latent_map.view_box.viewRange()
    for x, y in rng.uniform((x0, y0), (x1, y1), (1000, 2)):
        started = time.perf_counter()
        latent_map.pick(float(x), float(y))
        figures.pick.append((time.perf_counter() - started) * 1000)
    latent_map.close()
    return figures


def pan_zoom_frames(latent_map, figures: MapFigures, repeats: int = 3, frames: int = 120) -> None:
    """Pan and zoom gestures on a shown map (a bare LatentMap or the Explorer's own), added to `figures`."""
    view_box, widget = latent_map.view_box, latent_map.plot_widget

    def gap() -> bool:
        return not latent_map.points.covers(view_box.viewRect())

    for _ in range(repeats):
        # 120 frames: two views' widths to the right and back, drawn again each time the margin runs out.
        step = 0.02 * (view_box.viewRange()[0][1] - view_box.viewRange()[0][0])
        times, gaps = _gesture(widget, lambda i, step=step: view_box.translateBy(x=step if i < frames // 2 else -step),
                               frames, gap, figures.frame_cpu)
        figures.pan += times
        figures.frames_with_gap += gaps
        figures.sharp_after_rest.append(_until_sharp(latent_map))
        # Zoom in to 2.5x and back out, in 3 % steps, about the view's centre.
        times, gaps = _gesture(widget, lambda i: view_box.scaleBy((0.97, 0.97) if (i // 30) % 2 == 0 else
                                                                  (1 / 0.97, 1 / 0.97)), frames, gap,
                               figures.frame_cpu)
        figures.zoom += times
        figures.frames_with_gap += gaps
        figures.sharp_after_rest.append(_until_sharp(latent_map))


def _until_sharp(latent_map) -> float:
    started = time.perf_counter()
    while not latent_map.points.is_settled():
        run_event_loop(0.002)
    latent_map.plot_widget.grab()
    return (time.perf_counter() - started) * 1000


def _record_draw_times(latent_map) -> list[float]:
    """Milliseconds of every image the drawing thread finishes from now on."""
    times: list[float] = []
    latent_map.points.drawn.connect(lambda drawn: times.append(drawn.seconds * 1000))
    return times
