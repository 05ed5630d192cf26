"""Explorer latency figures: click→image, mu-only toggle→redrawn map, projections, t-SNE first layout, pick, pan."""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

TARGETS = {"click": 16.0, "toggle": 1000.0, "pick": 1.0, "pan": 33.0, "tsne_first": 2000.0}


def percentiles(samples_ms: list[float]) -> str:
    return f"median {np.median(samples_ms):7.2f} ms   p95 {np.percentile(samples_ms, 95):7.2f} ms"


def report(name: str, value_ms: float, target: str | None = None, extra: str = "") -> None:
    verdict = ""
    if target is not None:
        verdict = "  (target ≤ {:g} ms: {})".format(TARGETS[target], "met" if value_ms <= TARGETS[target] else "MISSED")
    print(f"{name:<44} {extra or f'{value_ms:9.2f} ms'}{verdict}", flush=True)


def wait_until(app, condition, timeout_s: float = 300.0) -> None:
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


def main() -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from tests.conftest import tiny_config  # the same tiny model the tests train
    from tests.latent.conftest import train_tiny_run
    from vaegui.gui.app_state import AppState
    from vaegui.gui.explorer_tab import ExplorerTab, LoadedModel
    from vaegui.gui.latent_map import LatentMap
    from vaegui.latent import PointPicker, encode_split, project
    from vaegui.latent.projection import available_methods, tsne_backend

    del tiny_config
    summary: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="vaegui-bench-"))
    print("Training tiny digits runs (z_dim 2 and 8) ...", flush=True)
    run = train_tiny_run(folder / "z2", z_dim=2, epochs=2)
    run8 = train_tiny_run(folder / "z8", z_dim=8, epochs=2)
    print()

    # ---- click → image, on the real tab --------------------------------------------------
    tab = ExplorerTab(AppState())
    tab.resize(1400, 900)
    tab.show()
    tab.subset_combo.setCurrentIndex(0)
    tab.open_run(run)
    wait_until(app, lambda: not tab.is_busy() and tab.projection is not None)
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = tab.map.view_box.viewRange()
    clicks = []
    viewport = tab.map.plot_widget.viewport()
    for i in range(300):
        if i % 2:
            x, y = tab.map.coords[rng.integers(len(tab.map.coords))]
        else:
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        pixel = tab.map.plot_widget.mapFromScene(tab.map.view_box.mapViewToScene(QPointF(float(x), float(y))))
        started = time.perf_counter()
        # A real press and release through Qt and pyqtgraph's scene: pick, decode, show, repaint.
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pixel)
        tab.point_panel.repaint()
        clicks.append((time.perf_counter() - started) * 1000)
    report("click → image shown (300 clicks)", float(np.median(clicks)), "click", percentiles(clicks))
    summary.append(f"click → image median {np.median(clicks):.1f} ms, p95 {np.percentile(clicks, 95):.1f} ms "
                   f"(target ≤ {TARGETS['click']:g} ms)")
    drags = []
    for x in np.linspace(x0, x1, 200):
        started = time.perf_counter()
        tab.map.location_dragged.emit(float(x), 0.0)
        tab.point_panel.repaint()
        drags.append((time.perf_counter() - started) * 1000)
    report("drag step → image shown (200 moves)", float(np.median(drags)), "click", percentiles(drags))

    # ---- mu-only toggle → re-encoded, redrawn map of 10k points ----------------------------
    loaded = tab.loaded
    big = ten_thousand_digits(loaded.dataset)
    tab._on_model_loaded(LoadedModel(loaded.model, big, loaded.class_names, ("bench-10k",), "digits×6"))
    wait_until(app, lambda: not tab.is_busy() and tab.projection is not None and len(tab.latents) == 10_000)
    toggles = []
    for _ in range(4):
        tab.map_cache.clear()
        tab.latent_cache.clear()
        started = time.perf_counter()
        tab.mu_only_checkbox.click()
        wait_until(app, lambda: not tab.is_busy() and tab.latents.mu_only == tab.mu_only_checkbox.isChecked())
        tab.map.plot_widget.repaint()
        toggles.append((time.perf_counter() - started) * 1000)
    report("mu-only toggle → redrawn map (10k points)", float(np.median(toggles)), "toggle",
           f"median {np.median(toggles):7.0f} ms   max {np.max(toggles):7.0f} ms")
    summary.append(f"mu-only toggle → redrawn 10k map median {np.median(toggles):.0f} ms (target ≤ 1 s)")
    tab.shutdown()

    # ---- projections of 10k latent vectors -------------------------------------------------
    model8 = run8.load_model()
    latents = encode_split(model8, big, "train")
    # Imports are paid once per process, not per projection.
    importlib.import_module("sklearn.decomposition")
    if tsne_backend() == "openTSNE":
        importlib.import_module("openTSNE")
    available = available_methods(z_dim=8)
    projected = []
    for method in ("pca", "tsne", "umap"):
        if method not in available:
            print(f"{'projection of 10k points: UMAP':<44} not installed (pip install umap-learn)")
            continue
        layout_times: list[float] = []
        started = time.perf_counter()
        result = project(method, latents.z, on_layout=lambda _c, times=layout_times: times.append(time.perf_counter()))
        report(f"projection of 10k points (z_dim 8): {method}", result.seconds * 1000,
               extra=f"{result.seconds:9.2f} s")
        projected.append(f"{method} {result.seconds:.2f} s")
        if len(layout_times) >= 2:
            report("t-SNE: first layout shown (its PCA start)", (layout_times[0] - started) * 1000, "tsne_first")
            report("t-SNE: first optimised layout", (layout_times[1] - started) * 1000, "tsne_first")
            summary.append(f"t-SNE first layout {layout_times[0] - started:.2f} s, first optimised "
                           f"{layout_times[1] - started:.2f} s (target ≤ 2 s)")
    summary.append("projection of 10k points: " + ", ".join(projected))

    # ---- pick and pan on 70k points --------------------------------------------------------
    centres = rng.normal(0, 5, (10, 2))
    labels = rng.integers(0, 10, 70_000)
    coords = (centres[labels] + rng.normal(0, 1, (70_000, 2))).astype(np.float32)
    picker = PointPicker(coords)
    queries = rng.uniform(coords.min(0), coords.max(0), (2000, 2))
    picks = []
    for x, y in queries:
        started = time.perf_counter()
        picker.nearest(x, y, 0.05, 0.05)
        picks.append((time.perf_counter() - started) * 1000)
    report("pick on 70k points (KD-tree, 2000 queries)", float(np.median(picks)), "pick", percentiles(picks))

    latent_map = LatentMap()
    latent_map.resize(1000, 750)
    latent_map.show()
    started = time.perf_counter()
    latent_map.set_points(coords, labels, [f"#{c:06x}" for c in rng.integers(0, 0xFFFFFF, 10)],
                          [str(i) for i in range(10)])
    latent_map.plot_widget.repaint()
    report("draw 70k points the first time", (time.perf_counter() - started) * 1000)
    frames = []
    for i in range(60):
        started = time.perf_counter()
        latent_map.view_box.translateBy(x=0.2 if i < 30 else -0.2)
        latent_map.plot_widget.grab()  # renders the whole view synchronously, as a frame on screen would
        frames.append((time.perf_counter() - started) * 1000)
    report("pan frame on 70k points (60 frames)", float(np.median(frames)), "pan", percentiles(frames))
    hovers = []
    for x, y in queries[:300]:
        started = time.perf_counter()
        latent_map.pick(float(x), float(y))
        hovers.append((time.perf_counter() - started) * 1000)
    report("map.pick incl. pixel size (70k points)", float(np.median(hovers)), "pick", percentiles(hovers))
    summary.append(f"pick on 70k median {np.median(picks) * 1000:.0f} µs (target ≤ 1 ms); "
                   f"pan frame on 70k median {np.median(frames):.1f} ms (target ≤ 33 ms)")
    print()
    for line in summary:
        print(f"SUMMARY {line}")


if __name__ == "__main__":
    main()
