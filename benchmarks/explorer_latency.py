"""Explorer latency at 10k, 70k and 200k points: map frames, pick/hover, t-SNE, click → image, mu-only toggle.

    python benchmarks/explorer_latency.py [--quick] [--fashion-run FOLDER] [--repeats N]
                                          [--parts tab,map,tsne,pictures,turn,open]

--quick measures the map at 10k and 70k only and skips the Fashion-MNIST run (training, 70k t-SNE, sklearn).
--fashion-run reuses (or keeps) a Fashion-MNIST run folder instead of training one in a temporary folder.
--parts runs only some parts: the Explorer tab (click, toggle), the map widget, t-SNE, the verbs (lasso, dim,
search, density, labels at 200k); issue 22's dropped pictures (direct or PCA, and t-SNE), the 3-D map's turn
frame, and opening a run reopened or never explored.
Every figure is repeated (frames: 120 a gesture, `--repeats` gestures; picks: 1000; clicks: 300) and
given as median and p95. A SUMMARY line per target of issue 17 closes the output.
"""

from __future__ import annotations

import argparse
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

# Milliseconds unless the name says seconds.
TARGETS = {
    "click": 16.0, "toggle_10k": 500.0, "toggle_70k": 3000.0, "first_points": 1000.0,
    "pick": 1.0, "frame_70k": 16.0, "frame_200k": 33.0,
    "tsne_10k_first_s": 1.0, "tsne_10k_s": 15.0, "tsne_70k_s": 180.0,
    "lasso": 100.0, "dim": 33.0, "contours": 200.0, "labels": 1000.0, "search": 50.0,
    "drop": 300.0, "drop_tsne": 2000.0, "turn_70k": 33.0, "reopen": 1000.0, "first_screen": 1000.0,
}
SIZES = (10_000, 70_000, 200_000)


def stats(samples: list[float]) -> tuple[float, float]:
    return float(np.median(samples)), float(np.percentile(samples, 95))


def verdict(value: float, target: str) -> str:
    return f"(target ≤ {TARGETS[target]:g}: {'met' if value <= TARGETS[target] else 'MISSED'})"


def line(name: str, samples: list[float], unit: str = "ms", target: str | None = None) -> str:
    median, p95 = stats(samples)
    text = f"{name:<52} median {median:8.2f} {unit}   p95 {p95:8.2f} {unit}   (n={len(samples)})"
    return text + ("  " + verdict(p95, target) if target else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--fashion-run", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--parts", default="tab,map,tsne,verbs,pictures,turn,open",
                        help="comma-separated: tab, map, tsne, verbs, pictures, turn, open (default: all)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))

    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication(sys.argv[:1])
    summary: list[str] = []
    scratch = tempfile.TemporaryDirectory(prefix="vaegui-bench-")  # removed at the end
    folder = Path(scratch.name)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start", flush=True)

    if "tab" in parts:
        tab_part(args, folder, summary)
    if "map" in parts:
        map_part(args, summary)
    if "tsne" in parts:
        tsne_part(args, folder, summary)
    if "verbs" in parts:
        verbs_part(args, folder, summary)
    if parts & {"pictures", "turn", "open"}:
        from benchmarks._explorer_issue22 import issue22_part

        issue22_part(args, folder, summary, parts)
    print()
    for text in summary:
        print(f"SUMMARY {text}")


def tab_part(args, folder: Path, summary: list[str]) -> None:
    """The Explorer tab: click → image and drag on a digits run; on a Fashion-MNIST run, maps of 10k and 70k
    images filling in while they are encoded, and the mu-only switch."""
    from benchmarks._explorer_data import fashion_run
    from benchmarks._explorer_tab import click_figures, map_figures
    from tests.conftest import train_tiny_run
    from vaegui.data import offline_dataset_names

    print("Training a tiny digits run (z_dim 2) ...", flush=True)
    tab = click_figures(train_tiny_run(folder / "z2", z_dim=2, epochs=2).folder)
    print(line("click → image shown", tab.click, target="click"))
    print(line("drag step → image shown", tab.drag, target="click"))
    click_median, click_p95 = stats(tab.click)
    summary.append(f"click → image median {click_median:.1f} ms, p95 {click_p95:.1f} ms {verdict(click_p95, 'click')}")
    if args.quick or "fashion_mnist" not in offline_dataset_names():
        print("(no Fashion-MNIST here, or --quick: the toggle and streaming figures need its 70,000 images)")
        return
    run_folder = args.fashion_run or folder / "fashion"
    print(f"Fashion-MNIST run (z_dim 8) in {run_folder} ...", flush=True)
    tab = map_figures(fashion_run(run_folder).folder, tab, repeats=args.repeats)
    for points in (10_000, 70_000):
        first, whole, toggle = tab.first_points[points], tab.whole_map[points], tab.toggle[points]
        target = "toggle_10k" if points == 10_000 else "toggle_70k"
        print(line(f"new split of {points // 1000}k → first points on the map", first, target="first_points"))
        print(line(f"new split of {points // 1000}k → whole PCA map", whole))
        print(line(f"mu-only toggle → re-encoded, redrawn {points // 1000}k map", toggle, target=target))
        summary.append(f"{points // 1000}k images: first points on the map median {np.median(first):.0f} ms "
                       f"{verdict(np.median(first), 'first_points')}, whole map {np.median(whole):.0f} ms; mu-only "
                       f"toggle median {np.median(toggle):.0f} ms, max {np.max(toggle):.0f} ms "
                       f"{verdict(np.median(toggle), target)}")


def map_part(args, summary: list[str]) -> None:
    """The map widget: frames, drawing, pick and hover at each size."""
    from benchmarks._explorer_data import synthetic_map
    from benchmarks._explorer_map import empty_plot_frames, map_figures

    floor, floor_cpu = empty_plot_frames()
    print(line("floor: pan frame of an empty PlotWidget", floor))
    print(line("floor: its GUI thread's CPU per frame", floor_cpu))
    from vaegui.gui import point_raster

    print(f"OpenGL: {'PyOpenGL installed' if importlib.util.find_spec('OpenGL') else 'not installed'}; "
          f"numba: {'installed' if importlib.util.find_spec('numba') else 'not installed'} "
          f"(the map draws one image, {point_raster.__name__}, neither is used)")
    maps = {}
    for size in SIZES[:2] if args.quick else SIZES:
        coords, labels = synthetic_map(size)
        maps[size] = figures = map_figures(coords, labels, repeats=args.repeats)
        target = {70_000: "frame_70k", 200_000: "frame_200k"}.get(size)
        print(f"-- {size:,} points (synthetic map, 10 classes); first image {figures.first_image:.0f} ms")
        print(line("  pan frame", figures.pan, target=target))
        print(line("  zoom frame", figures.zoom, target=target))
        print(line("  GUI thread's CPU per frame", figures.frame_cpu))
        print(line("  drawing the image (off the GUI thread)", figures.draw))
        print(line("  gesture ends → sharp image (incl. 120 ms rest)", figures.sharp_after_rest))
        print(line("  update_coords (a t-SNE layout arrives)", figures.update_coords))
        print(line("  map.pick incl. pixel size (hover, click)", figures.pick, target="pick"))
        print(f"  {'frames showing a not yet drawn strip':<50} {figures.frames_with_gap} of "
              f"{len(figures.pan) + len(figures.zoom)}; KD-tree built at the first pick in "
              f"{figures.picker_build:.1f} ms")
        if target:
            frames = figures.pan + figures.zoom
            median, p95 = stats(frames)
            summary.append(f"pan/zoom frame at {size // 1000}k median {median:.1f} ms, p95 {p95:.1f} ms "
                           f"{verdict(p95, target)}; floor (empty PlotWidget) median {np.median(floor):.1f} ms")
    largest = maps[max(maps)]
    pick_median, pick_p95 = stats(largest.pick)
    summary.append(f"pick/hover at {largest.points // 1000}k median {pick_median * 1000:.0f} µs, "
                   f"p95 {pick_p95 * 1000:.0f} µs {verdict(pick_p95, 'pick')}")



def tsne_part(args, folder: Path, summary: list[str]) -> None:
    """t-SNE of 10k latent vectors (z_dim 8), synthetic and Fashion-MNIST, against scikit-learn; then 70k."""
    from benchmarks._explorer_data import fashion_latents, fashion_run, synthetic_latents
    from benchmarks._explorer_tsne import describe, sklearn_tsne, vaegui_tsne
    from vaegui.latent.projection import available_methods, tsne_backend

    importlib.import_module("sklearn.decomposition")  # imports are paid once per process, not per projection
    if tsne_backend() == "openTSNE":
        importlib.import_module("openTSNE")
    if "umap" not in available_methods(z_dim=8):
        print("UMAP: not installed (pip install umap-learn)")
    inputs = {"synthetic": synthetic_latents(10_000)}
    fashion = None
    if not args.quick:
        run_folder = args.fashion_run or folder / "fashion"
        print(f"Fashion-MNIST run (z_dim 8) in {run_folder} ...", flush=True)
        started = time.perf_counter()
        fashion = fashion_latents(fashion_run(run_folder))
        print(f"  trained or reused and encoded 70,000 images in {time.perf_counter() - started:.0f} s", flush=True)
        subset = np.sort(np.random.default_rng(0).choice(len(fashion[0]), 10_000, replace=False))
        inputs["Fashion-MNIST"] = (fashion[0][subset], fashion[1][subset])
    for name, (vectors, labels) in inputs.items():
        runs = [vaegui_tsne(vectors, labels) for _ in range(args.repeats)]
        for run in runs:
            print(f"t-SNE 10k {name} ({run.backend}): {describe(run)}", flush=True)
        totals, firsts = [run.total for run in runs], [run.first_optimised or np.inf for run in runs]
        summary.append(f"t-SNE 10k {name} ({runs[0].backend}): first optimised layout median {np.median(firsts):.2f} s "
                       f"{verdict(np.median(firsts), 'tsne_10k_first_s')}, final median {np.median(totals):.1f} s "
                       f"(max {np.max(totals):.1f}) {verdict(np.median(totals), 'tsne_10k_s')}, "
                       f"5-NN accuracy {runs[0].knn_accuracy:.3f} (latent {runs[0].latent_knn_accuracy:.3f})")
    if fashion is not None:
        reference = sklearn_tsne(*inputs["Fashion-MNIST"])
        print(f"t-SNE 10k Fashion-MNIST (scikit-learn, 500 iterations): {describe(reference)}", flush=True)
        summary.append(f"t-SNE 10k Fashion-MNIST scikit-learn: {reference.total:.1f} s, "
                       f"5-NN accuracy {reference.knn_accuracy:.3f}")
        # ---- all of Fashion-MNIST: t-SNE of 70k, then its real map ---------------------------
        run70 = vaegui_tsne(*fashion)
        print(f"t-SNE 70k Fashion-MNIST ({run70.backend}): {describe(run70)}", flush=True)
        summary.append(f"t-SNE 70k Fashion-MNIST: {run70.total:.0f} s {verdict(run70.total, 'tsne_70k_s')}, "
                       f"first optimised layout {run70.first_optimised:.1f} s, live layouts every "
                       f"≤ {run70.longest_gap:.2f} s, 5-NN accuracy {run70.knn_accuracy:.3f}")


def verbs_part(args, folder: Path, summary: list[str]) -> None:
    """Issue 22's verbs at 200,000 points (a synthetic direct map in the real Explorer tab)."""
    from benchmarks._explorer_verbs import verb_figures
    from tests.conftest import train_tiny_run

    run = folder / "verbs-z2"
    if not (run / "config.json").exists():
        print("Training a tiny digits run (z_dim 2) for the verbs ...", flush=True)
        train_tiny_run(run, z_dim=2, epochs=2)
    figures = verb_figures(run, count=200_000, repeats=max(5, 5 * args.repeats))
    floor = f"floor: a repaint {np.median(figures.repaint_floor):.1f} ms"
    print(line("floor: one repaint of the map, nothing changed", figures.repaint_floor))
    print(line("floor: one pass over the points (their grid cells)", figures.pass_floor))
    print(line("lasso (120 vertices) → group panel, dimmed map painted", figures.lasso, target="lasso"))
    print(line("  of which the point-in-polygon test", figures.lasso_polygon))
    print(line("  the GUI thread's CPU time", figures.lasso_cpu))
    print(line("dim → recoloured map painted", figures.dim, target="dim"))
    print(line("undim → recoloured map painted", figures.undim, target="dim"))
    print(line("  the GUI thread's CPU time (dim and undim)", figures.dim_cpu))
    print(line("  then the image drawn again (off the GUI thread)", figures.redraw_after_dim))
    print(line("search typed → map filtered and painted", figures.search, target="search"))
    print(line("  the GUI thread's CPU time", figures.search_cpu))
    print(line("density contours computed", figures.contours, target="contours"))
    print(line("  CPU time of each", figures.contours_cpu))
    print(line("  their lines drawn and painted", figures.contours_drawn))
    print(line("region names found", figures.labels, target="labels"))
    print(line("  CPU time of each", figures.labels_cpu))
    print("CPU seconds per wall second: " + ", ".join(f"{name} {value:.2f}" for name, value in figures.cpu.items()))
    def cpu(samples: list[float]) -> str:
        return f"GUI thread's CPU median {np.median(samples):.1f} ms; "

    for name, samples, target, extra in (
            ("lasso of 200k → group panel", figures.lasso, "lasso", cpu(figures.lasso_cpu) + floor),
            ("dim/undim at 200k", figures.dim + figures.undim, "dim", cpu(figures.dim_cpu) + floor),
            ("density contours at 200k", [a + b for a, b in zip(figures.contours, figures.contours_drawn)], "contours",
             f"CPU of the computation median {np.median(figures.contours_cpu):.1f} ms; floor: one pass over the "
             f"points {np.median(figures.pass_floor):.1f} ms"),
            ("labels at 200k", figures.labels, "labels", f"CPU median {np.median(figures.labels_cpu):.1f} ms; "
             f"floor: one pass over the points {np.median(figures.pass_floor):.1f} ms"),
            ("search → map updated at 200k", figures.search, "search", cpu(figures.search_cpu) + floor)):
        median, p95 = stats(samples)
        summary.append(f"{name} median {median:.1f} ms, p95 {p95:.1f} ms {verdict(p95, target)}; {extra}")


if __name__ == "__main__":
    main()
