"""The Explorer tab's own figures (click → image, drag, mu-only toggle): the one place that drives ExplorerTab."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np


@dataclass
class TabFigures:
    """Milliseconds, each a list of repeats."""

    click: list[float] = field(default_factory=list)  # a real click on the map until the point panel is painted
    drag: list[float] = field(default_factory=list)  # one drag step (decode a location) until painted
    toggle_10k: list[float] = field(default_factory=list)  # mu-only toggle until the 10k map is re-encoded, redrawn


def wait_until(app, condition, timeout_s: float = 300.0) -> None:
    """Poll every millisecond (nothing trains meanwhile), so the figures keep their millisecond resolution."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        app.processEvents()
        time.sleep(0.001)
        if time.monotonic() > deadline:
            raise TimeoutError("the explorer did not finish in time")


def ten_thousand_digits(dataset):
    """Digits repeated with a little pixel noise: 10k+ real-looking 8×8 images without a download."""
    from vaegui.data.dataset import ImageDataset, ImageSplit

    rng = np.random.default_rng(0)
    repeats = -(-10_000 // len(dataset.train))
    images = np.concatenate([dataset.train.images] * repeats)[:10_000]
    images = np.clip(images + rng.normal(0, 0.03, images.shape).astype(np.float32), 0, 1)
    labels = np.concatenate([dataset.train.labels] * repeats)[:10_000]
    return ImageDataset("digits×6", ImageSplit(images, labels), dataset.test, dataset.class_names, "benchmark")


def tab_figures(run, clicks: int = 300, toggles: int = 4) -> TabFigures:
    """Drive a real ExplorerTab on `run` (a z_dim 2 digits run) through Qt's own mouse events.

    Everything here reads or calls ExplorerTab's internals (its widgets, caches, job state); when the tab
    changes, this function is the only one to follow it.
    """
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from vaegui.gui.app_state import AppState
    from vaegui.gui.explorer_tab import ExplorerTab, LoadedModel

    app = QApplication.instance()
    figures = TabFigures()
    tab = ExplorerTab(AppState())
    tab.resize(1400, 900)
    tab.show()
    tab.subset_combo.setCurrentIndex(0)
    tab.open_run(run)
    wait_until(app, lambda: not tab.is_busy() and tab.projection is not None)
    latent_map, rng = tab.map, np.random.default_rng(0)
    wait_until(app, lambda: not latent_map.points.is_drawing())
    (x0, x1), (y0, y1) = latent_map.view_box.viewRange()
    viewport = latent_map.plot_widget.viewport()
    for i in range(clicks):
        if i % 2:
            x, y = latent_map.coords[rng.integers(len(latent_map.coords))]
        else:
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        pixel = latent_map.plot_widget.mapFromScene(latent_map.view_box.mapViewToScene(QPointF(float(x), float(y))))
        started = time.perf_counter()
        # A real press and release through Qt and pyqtgraph's scene: pick, decode, show, repaint.
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
        tab.point_panel.repaint()
        figures.click.append((time.perf_counter() - started) * 1000)
    for x in np.linspace(x0, x1, 200):
        started = time.perf_counter()
        latent_map.location_dragged.emit(float(x), 0.0)
        tab.point_panel.repaint()
        figures.drag.append((time.perf_counter() - started) * 1000)

    # ---- mu-only toggle → re-encoded, redrawn map of 10k points ----------------------------
    # (the lead adds here: the toggle at 70k points, and the streaming figures: first points shown while encoding)
    loaded = tab.loaded
    big = ten_thousand_digits(loaded.dataset)
    tab._on_model_loaded(LoadedModel(loaded.model, big, loaded.class_names, ("bench-10k",), "digits×6"))
    wait_until(app, lambda: not tab.is_busy() and tab.projection is not None and len(tab.latents) == 10_000)
    for _ in range(toggles):
        tab.map_cache.clear()
        tab.latent_cache.clear()
        started = time.perf_counter()
        tab.mu_only_checkbox.click()
        wait_until(app, lambda: not tab.is_busy() and tab.latents.mu_only == tab.mu_only_checkbox.isChecked()
                   and not latent_map.points.is_drawing())
        latent_map.plot_widget.repaint()
        figures.toggle_10k.append((time.perf_counter() - started) * 1000)
    tab.shutdown()
    tab.close()
    return figures
