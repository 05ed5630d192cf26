"""2-D projections of latent vectors (direct, PCA, t-SNE, UMAP) and the way back from a map location to a vector."""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vaegui.errors import VaeguiError
from vaegui.latent.encoding import Cancelled

METHOD_LABELS = {"direct": "Direct (z_dim = 2)", "pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
LAYOUT_INTERVAL_S = 0.1  # intermediate t-SNE layouts reach the GUI at most ten times a second
# t-SNE's iteration budget, all phases together: on latent codes fewer than openTSNE's default 750 keep the
# same neighbourhoods, and 500 lets the clusters settle.
TSNE_ITERATIONS = 500
EARLY_EXAGGERATION_SHARE = 0.25  # the first quarter pulls the clusters together (openTSNE's default: 250 of 750)
# openTSNE's FFT gradient, interpolating over intervals twice its default width and on a coarser grid while the
# map is small: the late iterations, where the map spreads and the grid grows with it, cost a fraction of what
# the defaults cost, and the layout keeps the same neighbours (docs/performance.md, t-SNE settings).
FFT_INTERVAL_WIDTH = 2
FFT_MIN_INTERVALS = 20
# Below this many points Barnes-Hut on one thread is cheaper: the FFT grid costs the same each iteration however
# few the points; above it the FFT wins more the more points there are.
FFT_FROM_POINTS = 3_000
# Points × iterations between openTSNE's callbacks (cancel checks, live layouts): every 10 iterations at 10k
# points (~5 layouts a second), every one from 100k. Each callback makes openTSNE compute the KL divergence
# too, which costs CPU in proportion, so no more often than the map needs.
POINT_ITERATIONS_PER_CALLBACK = 100_000
AFFINITY_SHARE = 0.05  # of the progress bar: the neighbour search before the first iteration
NEIGHBOURS_FOR_INVERSE = 8
EXACT_NEIGHBOURS_MAX_DIM = 16


class ProjectionError(VaeguiError):
    """A projection cannot be computed for these vectors."""


def available_methods(z_dim: int) -> list[str]:
    """The projections that make sense for `z_dim` and whose libraries are installed, best first."""
    methods = ["direct"] if z_dim == 2 else []
    methods.append("pca")
    methods.append("tsne")
    if importlib.util.find_spec("umap") is not None:
        methods.append("umap")
    return methods


def tsne_backend() -> str:
    """'openTSNE' (shows the map forming, can be cancelled mid-way) or 'sklearn' (neither)."""
    return "openTSNE" if importlib.util.find_spec("openTSNE") is not None else "sklearn"


@dataclass
class Projection:
    """Map coordinates of each latent vector, and how a map location turns back into a latent vector."""

    method: str
    coords: np.ndarray  # (N, 2) float32
    vectors: np.ndarray  # (N, d) the latent vectors that were projected
    pca_mean: np.ndarray | None = None
    pca_components: np.ndarray | None = None  # (2, d)
    seconds: float = 0.0
    _tree: object = None

    def location_to_latent(self, x: float, y: float) -> tuple[np.ndarray, str]:
        """(latent vector, how it was obtained: a sentence without its full stop) for the map location (x, y)."""
        if self.method == "direct":
            return np.array([x, y], np.float32), "The clicked location is the latent vector"
        if self.method == "pca":
            vector = self.pca_mean + np.array([x, y]) @ self.pca_components
            return vector.astype(np.float32), "PCA inverse transform of the clicked location"
        return self._neighbour_average(x, y)

    def _neighbour_average(self, x: float, y: float) -> tuple[np.ndarray, str]:
        # t-SNE and UMAP have no inverse: weigh the latent vectors of the nearest projected points by 1/distance².
        from scipy.spatial import cKDTree

        if self._tree is None:
            self._tree = cKDTree(self.coords)
        k = min(NEIGHBOURS_FOR_INVERSE, len(self.coords))
        distances, rows = self._tree.query([x, y], k=k)
        distances, rows = np.atleast_1d(distances), np.atleast_1d(rows)
        if distances[0] < 1e-9:
            return self.vectors[rows[0]].copy(), f"{METHOD_LABELS[self.method]} has no inverse: the point's own vector"
        weights = 1.0 / np.square(distances)
        vector = (weights[:, None] * self.vectors[rows]).sum(axis=0) / weights.sum()
        how = (
            f"{METHOD_LABELS[self.method]} has no inverse: inverse-distance weighted mean of the "
            f"{k} nearest points' latent vectors"
        )
        return vector.astype(np.float32), how


def project(
    method: str,
    vectors: np.ndarray,
    *,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    cancel=None,
    on_layout: Callable[[np.ndarray], None] | None = None,
    tsne_iterations: int = TSNE_ITERATIONS,
) -> Projection:
    """Project (N, d) `vectors` to 2-D with `method`; t-SNE reports intermediate layouts to `on_layout`.

    `tsne_iterations` is t-SNE's whole budget: its first quarter with early exaggeration, the rest without.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) < 2:
        raise ProjectionError("A map needs at least 2 points: choose a larger sample.")
    if not np.isfinite(vectors).all():
        raise ProjectionError(
            "The latent vectors contain NaN or infinity (the model diverged): retrain with a lower learning rate."
        )
    started = time.perf_counter()
    if method == "direct":
        if vectors.shape[1] != 2:
            raise ProjectionError(
                f"Direct display needs z_dim = 2, but this model has z_dim = {vectors.shape[1]}: choose PCA or t-SNE."
            )
        result = Projection("direct", vectors.copy(), vectors)
    elif method == "pca":
        result = _pca(vectors, seed)
    elif method == "tsne":
        result = _tsne(vectors, seed, progress, cancel, on_layout, tsne_iterations)
    elif method == "umap":
        result = _umap(vectors, seed, cancel)
    else:
        raise ProjectionError(f"Unknown projection {method!r}: choose one of {', '.join(METHOD_LABELS)}.")
    if progress is not None:
        progress(1.0)
    result.seconds = time.perf_counter() - started
    return result


def neighbour_label_accuracy(coords: np.ndarray, labels: np.ndarray, k: int = 5) -> float:
    """How well a map keeps classes together: the share of points whose k nearest other points mostly share
    their label (k-NN classification accuracy, leave-one-out; ties go to the smaller label)."""
    from scipy.spatial import cKDTree

    labels = np.asarray(labels, np.int64)
    _, rows = cKDTree(np.asarray(coords, np.float64)).query(coords, k=k + 1, workers=_cores())
    neighbour_labels = labels[rows[:, 1:]]  # the first is the point itself
    votes = np.zeros((len(labels), int(labels.max()) + 1), np.int64)
    np.add.at(votes, (np.arange(len(labels))[:, None], neighbour_labels), 1)
    return float((votes.argmax(axis=1) == labels).mean())


def _pca(vectors: np.ndarray, seed: int) -> Projection:
    from sklearn.decomposition import PCA

    if vectors.shape[1] < 2:
        coords = np.column_stack([vectors[:, 0], np.zeros(len(vectors), np.float32)])
        return Projection("direct", coords.astype(np.float32), vectors)
    pca = PCA(n_components=2, random_state=seed).fit(vectors)
    coords = pca.transform(vectors).astype(np.float32)
    return Projection("pca", coords, vectors, pca_mean=pca.mean_.copy(), pca_components=pca.components_.copy())


def _tsne(vectors, seed, progress, cancel, on_layout, iterations) -> Projection:
    perplexity = float(min(30.0, max(2.0, (len(vectors) - 1) / 3.0)))
    if tsne_backend() == "sklearn":
        from sklearn.manifold import TSNE

        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        coords = TSNE(n_components=2, perplexity=perplexity, random_state=seed, init="pca",
                      max_iter=max(250, iterations), n_jobs=_cores()).fit_transform(vectors)
        return Projection("tsne", np.asarray(coords, np.float32), vectors)

    from openTSNE import TSNE
    from openTSNE.affinity import PerplexityBasedNN
    from openTSNE.initialization import pca as pca_initialization

    exaggeration_iterations = max(1, round(iterations * EARLY_EXAGGERATION_SHARE))
    phases = ((exaggeration_iterations, {"exaggeration": 12.0, "momentum": 0.5}),
              (max(1, iterations - exaggeration_iterations), {"momentum": 0.8}))
    total = sum(count for count, _ in phases)
    state = {"done": 0, "last": 0.0}

    def on_iterations(iteration: int, error: float, embedding) -> None:
        # openTSNE calls this every few iterations of a phase, counting from 1 in each.
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        now = time.monotonic()
        if now - state["last"] >= LAYOUT_INTERVAL_S:
            state["last"] = now
            if on_layout is not None:
                on_layout(np.array(embedding, dtype=np.float32))
            if progress is not None:
                done = (state["done"] + iteration) / total
                progress(min(0.99, AFFINITY_SHARE + (1 - AFFINITY_SHARE) * done))

    # The layout t-SNE starts from, shown at once: the map appears immediately and then sorts itself out.
    start = pca_initialization(vectors, random_state=seed)
    if on_layout is not None:
        on_layout(np.asarray(start, np.float32))
    large = len(vectors) >= FFT_FROM_POINTS
    # The neighbour search runs its threads independently: it may use every core, also the window's.
    affinities = PerplexityBasedNN(
        vectors, perplexity=perplexity, n_jobs=_cores(), random_state=seed, verbose=False,
        # Latent vectors have few dimensions, where an exact KD-tree search beats Annoy's approximate one.
        method="exact" if vectors.shape[1] <= EXACT_NEIGHBOURS_MAX_DIM else "auto",
    )
    tsne = TSNE(
        n_components=2,
        n_jobs=_tsne_threads(len(vectors)),
        random_state=seed,
        negative_gradient_method="fft" if large else "bh",
        ints_in_interval=FFT_INTERVAL_WIDTH,
        min_num_intervals=FFT_MIN_INTERVALS,
        callbacks=on_iterations,
        callbacks_every_iters=int(np.clip(round(POINT_ITERATIONS_PER_CALLBACK / len(vectors)), 1, 25)),
        verbose=False,
    )
    embedding = tsne.prepare_initial(affinities=affinities, initialization=start)
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    for count, settings in phases:
        embedding.optimize(n_iter=count, inplace=True, propagate_exception=True, **settings)
        state["done"] += count
    return Projection("tsne", np.asarray(embedding, np.float32), vectors)


def _cores() -> int:
    """The CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _tsne_threads(points: int) -> int:
    """openTSNE's threads: all cores but one, which the window keeps for drawing the map as it forms.

    Its threads synchronise every iteration, so one that finds no free core stalls the others: on this
    2-core machine with other work running, 10k points took 22 s with two threads and 15 s with one.
    Small maps (Barnes-Hut) gain nothing from a second thread and use twice the CPU.
    """
    return 1 if points < FFT_FROM_POINTS else max(1, _cores() - 1)


def _umap(vectors, seed, cancel) -> Projection:
    try:
        import umap
    except ImportError:
        raise ProjectionError("UMAP is not installed: pip install umap-learn, or choose t-SNE.") from None
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    neighbours = int(min(15, len(vectors) - 1))
    coords = umap.UMAP(n_components=2, n_neighbors=max(2, neighbours), random_state=seed).fit_transform(vectors)
    return Projection("umap", np.asarray(coords, np.float32), vectors)
