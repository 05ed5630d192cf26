"""The Explorer tab's own figures (click → image, drag, mu-only toggle, maps filling in while encoding): the one
place that drives ExplorerTab and its models."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class TabFigures:
    """Milliseconds, each a list of repeats."""

    click: list[float] = field(default_factory=list)  # a real click on the map until the point panel is painted
    drag: list[float] = field(default_factory=list)  # one drag step (decode a location) until painted
    toggle: dict[int, list[float]] = field(default_factory=dict)  # points → mu-only toggle until re-encoded, redrawn
    first_points: dict[int, list[float]] = field(default_factory=dict)  # points → new split until first points drawn
    whole_map: dict[int, list[float]] = field(default_factory=dict)  # points → new split until the whole map drawn


def wait_until(app, condition, timeout_s: float = 600.0) -> None:
    """Poll every millisecond (nothing trains meanwhile), so the figures keep their millisecond resolution."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        app.processEvents()
        time.sleep(0.001)
        if time.monotonic() > deadline:
            raise TimeoutError("the explorer did not finish in time")


def _new_tab():
    from vaegui.gui.app_state import AppState
    from vaegui.gui.explorer.explorer_tab import ExplorerTab

    state = AppState()
    state.tensorflow_loaded = True
    tab = ExplorerTab(state)
    tab.resize(1400, 900)
    tab.show()
    return tab


def _idle(tab) -> bool:
    return not tab.is_busy() and tab.explorer.shown is not None and not tab.map.points.is_drawing()


def click_figures(run_folder, clicks: int = 300) -> TabFigures:
    """Clicks and drags on a real ExplorerTab showing `run_folder` (a z_dim 2 run), through Qt's own events."""
    from PySide6.QtWidgets import QApplication

    app, figures = QApplication.instance(), TabFigures()
    tab = _new_tab()
    tab.explorer.set_subset(None)
    tab.open_run_folder(run_folder)
    wait_until(app, lambda: _idle(tab))
    figures.click = click_times(tab, clicks)
    latent_map = tab.map
    (x0, x1), (y0, y1) = latent_map.view_box.viewRange()
    for x in np.linspace(x0, x1, 200):
        started = time.perf_counter()
        latent_map.location_dragged.emit(float(x), 0.0)
        tab.point_panel.repaint()
        figures.drag.append((time.perf_counter() - started) * 1000)
    tab.shutdown()
    tab.close()
    return figures


def click_times(tab, clicks: int, seed: int = 0, on_points: bool = False) -> list[float]:
    """Milliseconds of real clicks on `tab`'s shown map (every other on a point, the rest anywhere; `on_points`: all
    on points), each until the point panel (original, reconstruction, decoded place, neighbours) is painted."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    latent_map, rng, times = tab.map, np.random.default_rng(seed), []
    (x0, x1), (y0, y1) = latent_map.view_box.viewRange()
    viewport = latent_map.plot_widget.viewport()
    for i in range(clicks):
        if i % 2 or on_points:
            x, y = latent_map.coords[rng.integers(len(latent_map.coords))]
        else:
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        pixel = latent_map.plot_widget.mapFromScene(latent_map.view_box.mapViewToScene(QPointF(float(x), float(y))))
        started = time.perf_counter()
        # A real press and release through Qt and pyqtgraph's scene: pick, decode, show, repaint.
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
        tab.point_panel.repaint()
        times.append((time.perf_counter() - started) * 1000)
    return times


def map_figures(run_folder, figures: TabFigures, repeats: int = 3) -> TabFigures:
    """On a Fashion-MNIST run's PCA map: the test split (10k) and both splits (70k) filling in while encoded,
    and the mu-only switch re-encoding and redrawing each."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    tab = _new_tab()
    explorer = tab.explorer
    explorer.set_subset(None)
    explorer.set_split("train")
    tab.open_run_folder(run_folder)
    wait_until(app, lambda: _idle(tab))
    for split, points in (("test", 10_000), ("both", 70_000)):
        for _ in range(repeats):
            explorer.set_split("train")
            wait_until(app, lambda: _idle(tab))
            explorer._maps.clear()  # nothing of the split below is known: it is encoded from scratch
            explorer._latents.clear()
            started = time.perf_counter()
            explorer.set_split(split)
            wait_until(app, lambda: explorer.forming is not None or _idle(tab))
            wait_until(app, lambda: not tab.map.points.is_drawing())
            tab.map.plot_widget.repaint()
            figures.first_points.setdefault(points, []).append((time.perf_counter() - started) * 1000)
            wait_until(app, lambda wanted=split: _idle(tab) and explorer.shown.key.latents.split == wanted)
            tab.map.plot_widget.repaint()
            figures.whole_map.setdefault(points, []).append((time.perf_counter() - started) * 1000)
        for _ in range(repeats):
            # As a person meets it: the map shown is known (its errors are reused); the other switch is not.
            shown = explorer.shown.key.latents
            current = explorer._latents.get(shown)
            explorer._maps.clear()
            explorer._latents.clear()
            explorer._latents.put(shown, current)
            started = time.perf_counter()
            tab.mu_only_checkbox.click()
            switched = tab.mu_only_checkbox.isChecked()
            wait_until(app, lambda on=switched: _idle(tab) and explorer.shown.key.latents.mu_only == on)
            tab.map.plot_widget.repaint()
            figures.toggle.setdefault(points, []).append((time.perf_counter() - started) * 1000)
    tab.shutdown()
    tab.close()
    return figures
