"""t-SNE maps through openTSNE (live layouts, cancel, new points placed into a finished map) or scikit-learn."""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Callable

import numpy as np

from vaegui.cancel import Cancelled

LAYOUT_INTERVAL_S = 0.1  # intermediate t-SNE layouts reach the GUI at most ten times a second
# t-SNE's iteration budget, all phases together. On Fashion-MNIST latents (10k, z_dim 8) the 5-NN label
# accuracy of the layout is the same after 250 iterations as after 750; 500 lets the clusters settle.
TSNE_ITERATIONS = 500
EARLY_EXAGGERATION_SHARE = 0.25  # the first quarter pulls the clusters together (openTSNE's default: 250 of 750)
# openTSNE's FFT gradient, interpolating over intervals twice its default width and on a coarser grid while the
# map is small: the late iterations, where the map spreads and the grid grows with it, cost several times less
# than with the defaults, for the same neighbour accuracy (docs/performance.md, "t-SNE").
FFT_INTERVAL_WIDTH = 2
FFT_MIN_INTERVALS = 20
# Below this many points Barnes-Hut on one thread is cheaper than the FFT grid (docs/performance.md).
FFT_FROM_POINTS = 3_000
# Points × iterations between openTSNE's callbacks (cancel checks, live layouts): each callback makes openTSNE
# compute the KL divergence too, so no more often than the map needs.
POINT_ITERATIONS_PER_CALLBACK = 100_000
AFFINITY_SHARE = 0.05  # of the progress bar: the neighbour search before the first iteration
EXACT_NEIGHBOURS_MAX_DIM = 16
# Placing new points into a finished map (openTSNE's transform): its own defaults, fewer iterations, since a
# picture or two settle among fixed neighbours quickly.
TRANSFORM_ITERATIONS = 100

Say = Callable[[str], None]


def tsne_backend() -> str:
    """'openTSNE' (shows the map forming, can be cancelled mid-way) or 'sklearn' (neither)."""
    return "openTSNE" if importlib.util.find_spec("openTSNE") is not None else "sklearn"


def phase_words(label: str, done: int, total: int) -> str:
    """What t-SNE does now, as the status line says it."""
    return f"{label}: arranging the map: iteration {done} of {total}"


def tsne_layout(vectors: np.ndarray, *, dims: int = 2, seed: int = 0, iterations: int = TSNE_ITERATIONS,
                start: np.ndarray | None = None, progress: Callable[[float], None] | None = None,
                cancel=None, on_layout: Callable[[np.ndarray], None] | None = None,
                say: Say | None = None) -> tuple[np.ndarray, object]:
    """(coordinates (N, dims), the fitted embedding or None) of `vectors`.

    `start`: a layout to continue from (the previous epoch's map): the points begin where they were and
    glide to their new places, without the early exaggeration that would first pull them together.
    """
    perplexity = float(min(30.0, max(2.0, (len(vectors) - 1) / 3.0)))
    label = "t-SNE" if dims == 2 else "3-D t-SNE"
    if tsne_backend() == "sklearn":
        from sklearn.manifold import TSNE

        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        _say(say, f"{label}: arranging the map (scikit-learn's t-SNE cannot show it forming)…")
        coords = TSNE(n_components=dims, perplexity=perplexity, random_state=seed,
                      init="pca" if start is None else np.asarray(start, np.float32),
                      max_iter=max(250, iterations), n_jobs=cores()).fit_transform(vectors)
        return np.asarray(coords, np.float32), None

    from openTSNE import TSNE
    from openTSNE.affinity import PerplexityBasedNN
    from openTSNE.initialization import pca as pca_initialization

    exaggeration_iterations = 0 if start is not None else max(1, round(iterations * EARLY_EXAGGERATION_SHARE))
    phases = [(count, settings) for count, settings in (
        (exaggeration_iterations, {"exaggeration": 12.0, "momentum": 0.5}),
        (max(1, iterations - exaggeration_iterations), {"momentum": 0.8})) if count > 0]
    total = sum(count for count, _ in phases)
    state = {"done": 0, "last": 0.0}

    def on_iterations(iteration: int, error: float, embedding) -> None:
        # openTSNE calls this every few iterations of a phase, counting from 1 in each.
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
        now = time.monotonic()
        if now - state["last"] >= LAYOUT_INTERVAL_S:
            state["last"] = now
            done = state["done"] + iteration
            if on_layout is not None:
                on_layout(np.array(embedding, dtype=np.float32))
            _say(say, phase_words(label, done, total))
            if progress is not None:
                progress(min(0.99, AFFINITY_SHARE + (1 - AFFINITY_SHARE) * done / total))

    if start is None:
        start = pca_initialization(vectors, n_components=dims, random_state=seed)
    start = np.ascontiguousarray(start, np.float64)
    # The layout t-SNE starts from, shown at once: the map appears immediately and then sorts itself out.
    if on_layout is not None:
        on_layout(np.asarray(start, np.float32))
    _say(say, f"{label}: finding which points are near each other (neighbour affinities)…")
    large = len(vectors) >= FFT_FROM_POINTS and dims == 2  # openTSNE's FFT gradient is for 1-D and 2-D maps
    # The neighbour search runs its threads independently: it may use every core, also the window's.
    affinities = PerplexityBasedNN(
        vectors, perplexity=perplexity, n_jobs=cores(), random_state=seed, verbose=False,
        # Latent vectors have few dimensions, where an exact KD-tree search beats Annoy's approximate one.
        method="exact" if vectors.shape[1] <= EXACT_NEIGHBOURS_MAX_DIM else "auto",
    )
    tsne = TSNE(
        n_components=dims,
        n_jobs=tsne_threads(len(vectors)),
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
    _say(say, phase_words(label, 0, total))
    for count, settings in phases:
        embedding.optimize(n_iter=count, inplace=True, propagate_exception=True, **settings)
        state["done"] += count
    # Kept to place new points later (transform), which would call these callbacks again with the new points alone:
    # the map's job, its reports and its cancel are long finished by then.
    embedding.gradient_descent_params["callbacks"] = None
    return np.asarray(embedding, np.float32), embedding


def place_with_tsne(embedding, vectors: np.ndarray) -> np.ndarray:
    """Coordinates of new latent vectors in a finished openTSNE map, the map itself unchanged."""
    placed = embedding.transform(np.ascontiguousarray(vectors, np.float32), n_iter=TRANSFORM_ITERATIONS)
    return np.asarray(placed, np.float32)


def cores() -> int:
    """The CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def tsne_threads(points: int) -> int:
    """openTSNE's threads: all cores but one, which the window keeps for drawing the map as it forms.

    Its threads synchronise every iteration, so one that finds no free core stalls the others (see
    docs/performance.md, "t-SNE"). Small maps (Barnes-Hut) gain nothing from a second thread.
    """
    return 1 if points < FFT_FROM_POINTS else max(1, cores() - 1)


def _say(say: Say | None, text: str) -> None:
    if say is not None:
        say(text)
