"""The explorer's verbs at 200,000 points: lasso → group panel, dim / undim, search → map, density contours, region
names; in the real Explorer tab (a tiny digits model decodes) showing a synthetic 200k-point direct map."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from benchmarks._explorer_map import run_event_loop, wait_drawn


@dataclass
class VerbFigures:
    """Milliseconds, each a list of repeats."""

    points: int
    repaint_floor: list[float] = field(default_factory=list)  # one repaint of the map, nothing changed
    pass_floor: list[float] = field(default_factory=list)  # one pass over the points (np.bincount of their cells)
    lasso: list[float] = field(default_factory=list)  # lasso ends → group, panel, dimmed map painted
    lasso_polygon: list[float] = field(default_factory=list)  # of which: the point-in-polygon test
    dim: list[float] = field(default_factory=list)  # a group's dimming → recoloured map painted
    undim: list[float] = field(default_factory=list)
    redraw_after_dim: list[float] = field(default_factory=list)  # the image drawn again (off the GUI thread)
    search: list[float] = field(default_factory=list)  # a search typed → filtered, dimmed map painted
    contours: list[float] = field(default_factory=list)  # density grid + contour lines computed
    contours_drawn: list[float] = field(default_factory=list)  # their lines handed to the map and painted
    labels: list[float] = field(default_factory=list)  # regions found and named
    contours_cpu: list[float] = field(default_factory=list)  # CPU milliseconds of each computation
    labels_cpu: list[float] = field(default_factory=list)
    lasso_cpu: list[float] = field(default_factory=list)  # the GUI thread's own CPU milliseconds
    dim_cpu: list[float] = field(default_factory=list)
    search_cpu: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per wall second, per figure


def _synthetic_latents(count: int, seed: int = 0):
    from vaegui.latent.encoding import LatentSet

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    mu = (rng.normal(0, 5, (10, 2))[labels] + rng.normal(0, 1, (count, 2))).astype(np.float32)
    images = rng.random((count, 8, 8, 1)).astype(np.float32)
    return LatentSet(mu=mu, log_var=np.full((count, 2), -2.0, np.float32), z=mu.copy(), labels=labels,
                     split=np.zeros(count, np.int8), source_index=np.arange(count),
                     reconstruction_error=rng.random(count).astype(np.float32),
                     kl=rng.random(count).astype(np.float32) * 5, mu_only=True, sources=(images, images[:0]))


def _painted(tab) -> None:
    """Qt's pending events and paints handled now, as the next frame would."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    tab.map.plot_widget.viewport().repaint()


def _timed(samples: list[float], work, cpu: list[float] | None = None, clock=time.process_time) -> None:
    """Wall milliseconds of `work()` into `samples`; its CPU milliseconds into `cpu` (the process's, or with
    clock=time.thread_time the calling thread's alone)."""
    started, cpu_started = time.perf_counter(), clock()
    work()
    samples.append((time.perf_counter() - started) * 1000)
    if cpu is not None:
        cpu.append((clock() - cpu_started) * 1000)


def verb_figures(run_folder, count: int = 200_000, repeats: int = 15) -> VerbFigures:
    """Open the tiny run in an Explorer tab, show a synthetic `count`-point map in it, and time each verb."""
    from vaegui.app.map_state import LatentsKey, MapKey, ShownMap
    from vaegui.gui.app_state import AppState
    from vaegui.gui.explorer.explorer_tab import ExplorerTab
    from vaegui.latent.clusters import find_regions
    from vaegui.latent.density import density_contours, density_grid
    from vaegui.latent.projection import project
    from vaegui.latent.selection_shapes import points_in_polygon

    state = AppState()
    state.tensorflow_loaded = True
    tab = ExplorerTab(state)
    tab.resize(1280, 800)
    tab.show()
    tab.open_run_folder(run_folder)
    while tab.is_busy() or tab.explorer.shown is None:
        run_event_loop(0.05)
    explorer, verbs = tab.explorer, tab.verbs.verbs
    latents = _synthetic_latents(count)
    explorer.shown = ShownMap.build(MapKey(LatentsKey("synthetic", "train", None, True), "direct"), latents,
                                    project("direct", latents.z))
    explorer.map_changed.emit()
    tab.map.view_box.updateAutoRange()
    wait_drawn(tab.map)
    coords = latents.z
    figures = VerbFigures(count)
    rng = np.random.default_rng(1)
    grid = density_grid(coords)
    for _ in range(repeats):
        _timed(figures.repaint_floor, lambda: _painted(tab))
        _timed(figures.pass_floor, lambda: grid.cell_of(coords))

    def lasso_around(centre) -> np.ndarray:
        angles = np.linspace(0, 2 * np.pi, 120, endpoint=False)
        radii = 4 + 1.5 * np.sin(5 * angles)
        return np.column_stack([centre[0] + radii * np.cos(angles), centre[1] + radii * np.sin(angles)])

    cpu_started, wall_started = time.process_time(), time.perf_counter()
    for _ in range(repeats):
        polygon = lasso_around(coords[rng.integers(count)])
        _timed(figures.lasso_polygon, lambda polygon=polygon: points_in_polygon(coords, polygon))
        _timed(figures.lasso, lambda polygon=polygon: (verbs.groups.select_polygon(polygon), _painted(tab)),
               figures.lasso_cpu, time.thread_time)
        wait_drawn(tab.map)
        states = tab.map.points.emphasis
        _timed(figures.undim, lambda: (tab.map.set_emphasis(None), _painted(tab)), figures.dim_cpu, time.thread_time)
        _timed(figures.dim, lambda states=states: (tab.map.set_emphasis(states), _painted(tab)), figures.dim_cpu,
               time.thread_time)
        started = time.perf_counter()
        wait_drawn(tab.map)
        figures.redraw_after_dim.append((time.perf_counter() - started) * 1000)
    figures.cpu["lasso, dim"] = (time.process_time() - cpu_started) / (time.perf_counter() - wall_started)
    verbs.groups.clear()
    find = tab.verbs.find_bar.search
    for query in ["3", "#123", "7", "#99999", "5", "1"] * max(1, repeats // 6):
        _timed(figures.search, lambda query=query: (find.setText(query), _painted(tab)), figures.search_cpu,
               time.thread_time)
    find.clear()
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    curves = tab.map_view.verbs_view.layers_view.contours
    for _ in range(repeats):
        result: list = []
        _timed(figures.contours, lambda result=result: result.append(density_contours(coords)), figures.contours_cpu)

        def draw(result=result) -> None:
            for curve, segments in zip(curves, result[0].segments):
                curve.setData(segments[:, :, 0].ravel(), segments[:, :, 1].ravel())
            _painted(tab)

        _timed(figures.contours_drawn, draw)
    figures.cpu["contours"] = (time.process_time() - cpu_started) / (time.perf_counter() - wall_started)
    for curve in curves:
        curve.setData([], [])
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    for _ in range(max(3, repeats // 3)):
        _timed(figures.labels, lambda: find_regions(coords, latents.labels), figures.labels_cpu)
    figures.cpu["labels"] = (time.process_time() - cpu_started) / (time.perf_counter() - wall_started)
    tab.shutdown()
    tab.close()
    return figures
