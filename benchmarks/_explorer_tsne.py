"""t-SNE figures: time to the first layouts and the final one, and how well the layout keeps classes together."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np


@dataclass
class TsneRun:
    backend: str
    points: int
    first_layout: float | None  # seconds until the map showed something (openTSNE: its PCA start)
    first_optimised: float | None  # seconds until the first layout t-SNE itself produced
    total: float  # seconds to the final layout
    layouts: int  # intermediate layouts handed to the map
    longest_gap: float | None  # seconds between two live layouts, at most
    knn_accuracy: float  # 5-NN label accuracy of the final 2-D layout
    latent_knn_accuracy: float  # the same in the latent space itself: what the layout can keep at best


def vaegui_tsne(vectors: np.ndarray, labels: np.ndarray) -> TsneRun:
    """The app's t-SNE (vaegui.latent.project), with its live layouts timed."""
    from vaegui.latent import project
    from vaegui.latent.projection import neighbour_label_accuracy, tsne_backend

    shown: list[float] = []
    started = time.perf_counter()
    result = project("tsne", vectors, on_layout=lambda _coords: shown.append(time.perf_counter() - started))
    total = time.perf_counter() - started
    gaps = np.diff(shown) if len(shown) > 2 else None
    return TsneRun(
        tsne_backend(), len(vectors), shown[0] if shown else None, shown[1] if len(shown) > 1 else None, total,
        len(shown), float(gaps[1:].max()) if gaps is not None else None,  # the first gap is the neighbour search
        neighbour_label_accuracy(result.coords, labels), neighbour_label_accuracy(vectors, labels),
    )


def sklearn_tsne(vectors: np.ndarray, labels: np.ndarray, iterations: int = 500) -> TsneRun:
    """scikit-learn's Barnes-Hut t-SNE with the same perplexity, PCA start and iteration budget."""
    from sklearn.manifold import TSNE

    from vaegui.latent.projection import _cores, neighbour_label_accuracy

    started = time.perf_counter()
    coords = TSNE(n_components=2, perplexity=30.0, init="pca", random_state=0, max_iter=iterations,
                  n_jobs=_cores()).fit_transform(vectors)
    total = time.perf_counter() - started
    return TsneRun("scikit-learn", len(vectors), None, None, total, 0, None,
                   neighbour_label_accuracy(coords, labels), neighbour_label_accuracy(vectors, labels))


def describe(run: TsneRun) -> str:
    parts = [f"{run.total:7.2f} s total"]
    if run.first_optimised is not None:
        parts.append(f"first layout {run.first_layout:.2f} s, first optimised {run.first_optimised:.2f} s")
    if run.longest_gap is not None:
        parts.append(f"{run.layouts} live layouts, longest gap {run.longest_gap:.2f} s")
    parts.append(f"5-NN accuracy {run.knn_accuracy:.3f} (latent space {run.latent_knn_accuracy:.3f})")
    return ", ".join(parts)
