"""Maps of latent vectors in 2-D or 3-D (direct, PCA, t-SNE, UMAP): the fitted projection kept, so new vectors can
be placed on a finished map, a map can be turned to agree with the previous one, and a 2-D place decoded back."""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from vaegui.errors import VaeguiError
from vaegui.latent.encoding import Cancelled
from vaegui.latent.tsne import TSNE_ITERATIONS, cores, place_with_tsne, tsne_backend, tsne_layout

__all__ = ["METHOD_LABELS", "TSNE_ITERATIONS", "Projection", "ProjectionError", "available_methods",
           "neighbour_label_accuracy", "procrustes_turn", "project", "tsne_backend"]

METHOD_LABELS = {"direct": "Direct (z_dim = 2)", "pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
NEIGHBOURS_FOR_INVERSE = 8


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


@dataclass
class Projection:
    """Map coordinates of each latent vector, the fitted projection behind them, and the way back to a vector."""

    method: str
    coords: np.ndarray  # (N, dims) float32, dims 2 or 3
    vectors: np.ndarray  # (N, d) the latent vectors that were projected
    pca_mean: np.ndarray | None = None
    pca_components: np.ndarray | None = None  # (dims, d): coords = (vector - mean) @ components.T
    seconds: float = 0.0
    fitted: Any = None  # openTSNE's embedding or UMAP's model: places new vectors on this map
    turn: np.ndarray | None = None  # (dims, dims) rotation applied to agree with the previous map, and `shift`
    shift: np.ndarray | None = None
    _tree: object = None

    @property
    def dims(self) -> int:
        return int(self.coords.shape[1])

    def location_to_latent(self, x: float, y: float) -> tuple[np.ndarray, str]:
        """(latent vector, how it was obtained: a sentence without its full stop) for the map location (x, y)."""
        if self.method == "direct":
            return np.array([x, y], np.float32), "The clicked location is the latent vector"
        if self.method == "pca":
            vector = self.pca_mean + np.array([x, y]) @ self.pca_components
            return vector.astype(np.float32), "PCA inverse transform of the clicked location"
        return self._neighbour_average(x, y)

    def place(self, vectors: np.ndarray) -> tuple[np.ndarray, str]:
        """(coordinates of new latent vectors on this map, how they were placed); the map itself does not change."""
        vectors = np.atleast_2d(np.asarray(vectors, np.float32))
        if self.method == "direct":
            return vectors[:, :2].copy(), "placed exactly: its place is its latent vector"
        if self.method == "pca":
            coords = (vectors - self.pca_mean) @ self.pca_components.T
            return coords.astype(np.float32), "placed exactly by the map's PCA"
        label = METHOD_LABELS[self.method]
        if self.fitted is not None:
            if self.method == "tsne":
                coords = place_with_tsne(self.fitted, vectors)
            else:
                coords = np.asarray(self.fitted.transform(vectors), np.float32)
            return self._turned(coords), f"placed among its neighbours by {label}'s own transform"
        return self._neighbours_place(vectors), (f"placed at its {NEIGHBOURS_FOR_INVERSE} nearest images' places "
                                                 f"(this {label} map cannot place new points itself)")

    def aligned_to(self, previous: np.ndarray) -> Projection:
        """This map turned (and, where its axes mean nothing, moved) to agree with `previous`, the same rows'
        coordinates on the map shown before: orthogonal Procrustes, so distances and shapes stay as they are."""
        previous = np.asarray(previous, np.float64)
        coords = np.asarray(self.coords, np.float64)
        if previous.shape != coords.shape or self.method == "direct" or len(coords) < 3:
            return self  # a direct map's axes are the latent dimensions themselves: turning it would mislabel them
        own_centre, previous_centre = coords.mean(axis=0), previous.mean(axis=0)
        turn = procrustes_turn(coords, previous)
        if self.method == "pca":
            # PCA's coordinates are centred and decode back through its components: turn both, move neither.
            return replace(self, coords=(coords @ turn).astype(np.float32), pca_components=turn.T @ self.pca_components,
                           turn=turn, shift=None, _tree=None)
        shift = previous_centre - own_centre @ turn
        return replace(self, coords=(coords @ turn + shift).astype(np.float32), turn=turn, shift=shift, _tree=None)

    def _turned(self, coords: np.ndarray) -> np.ndarray:
        """Coordinates from the fitted model, turned the way this map was turned to agree with the previous one."""
        if self.turn is None:
            return coords
        return (coords @ self.turn + (0 if self.shift is None else self.shift)).astype(np.float32)

    def _neighbour_average(self, x: float, y: float) -> tuple[np.ndarray, str]:
        # t-SNE and UMAP have no inverse: weigh the latent vectors of the nearest projected points by 1/distance².
        if self._tree is None:
            from scipy.spatial import cKDTree

            self._tree = cKDTree(self.coords)
        k = min(NEIGHBOURS_FOR_INVERSE, len(self.coords))
        distances, rows = self._tree.query([x, y][: self.dims], k=k)
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

    def _neighbours_place(self, vectors: np.ndarray) -> np.ndarray:
        """The inverse-distance weighted mean of the places of each vector's nearest projected vectors."""
        from vaegui.latent.picking import LatentNeighbours

        neighbours = LatentNeighbours(self.vectors)
        places = []
        for vector in vectors:
            rows, distances = neighbours.nearest(vector, NEIGHBOURS_FOR_INVERSE)
            weights = 1.0 / np.maximum(np.square(distances), 1e-12)
            places.append((weights[:, None] * self.coords[rows]).sum(axis=0) / weights.sum())
        return np.asarray(places, np.float32)


def procrustes_turn(coords: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """(dims, dims): the rotation (or mirror) that brings `coords`, centred, closest to `previous`, centred, row for
    row (scipy's orthogonal Procrustes: no stretching, so distances and shapes stay as they are)."""
    from scipy.linalg import orthogonal_procrustes

    coords, previous = np.asarray(coords, np.float64), np.asarray(previous, np.float64)
    turn, _ = orthogonal_procrustes(coords - coords.mean(axis=0), previous - previous.mean(axis=0))
    return turn


def project(
    method: str,
    vectors: np.ndarray,
    *,
    dims: int = 2,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
    cancel=None,
    on_layout: Callable[[np.ndarray], None] | None = None,
    tsne_iterations: int = TSNE_ITERATIONS,
    start: np.ndarray | None = None,
    say: Callable[[str], None] | None = None,
) -> Projection:
    """Project (N, d) `vectors` to `dims` (2 or 3) dimensions with `method`; t-SNE reports intermediate layouts to
    `on_layout` and what it does to `say`.

    `tsne_iterations` is t-SNE's whole budget: its first quarter with early exaggeration, the rest without.
    `start`: t-SNE and UMAP continue from this layout (the previous epoch's map) instead of starting afresh.
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) < 2:
        raise ProjectionError("A map needs at least 2 points: choose a larger sample.")
    if not np.isfinite(vectors).all():
        raise ProjectionError(
            "The latent vectors contain NaN or infinity (the model diverged): retrain with a lower learning rate."
        )
    if start is not None and np.shape(start) != (len(vectors), dims):
        start = None
    started = time.perf_counter()
    if method == "direct":
        if vectors.shape[1] != 2 or dims != 2:
            raise ProjectionError(
                f"Direct display needs z_dim = 2, but this model has z_dim = {vectors.shape[1]}: choose PCA or t-SNE."
                if vectors.shape[1] != 2 else "A direct map is flat: choose PCA, t-SNE or UMAP for 3-D."
            )
        result = Projection("direct", vectors.copy(), vectors)
    elif method == "pca":
        result = _pca(vectors, seed, dims)
    elif method == "tsne":
        coords, fitted = tsne_layout(vectors, dims=dims, seed=seed, iterations=tsne_iterations, start=start,
                                     progress=progress, cancel=cancel, on_layout=on_layout, say=say)
        result = Projection("tsne", coords, vectors, fitted=fitted)
    elif method == "umap":
        result = _umap(vectors, seed, cancel, dims, start)
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
    _, rows = cKDTree(np.asarray(coords, np.float64)).query(coords, k=k + 1, workers=cores())
    neighbour_labels = labels[rows[:, 1:]]  # the first is the point itself
    votes = np.zeros((len(labels), int(labels.max()) + 1), np.int64)
    np.add.at(votes, (np.arange(len(labels))[:, None], neighbour_labels), 1)
    return float((votes.argmax(axis=1) == labels).mean())


def _pca(vectors: np.ndarray, seed: int, dims: int) -> Projection:
    from sklearn.decomposition import PCA

    if vectors.shape[1] < dims:
        # Fewer latent dimensions than the map has: the missing axes stay at 0.
        coords = np.zeros((len(vectors), dims), np.float32)
        coords[:, : vectors.shape[1]] = vectors
        components = np.eye(dims, vectors.shape[1], dtype=np.float32)
        return Projection("pca", coords, vectors, pca_mean=np.zeros(vectors.shape[1], np.float32),
                          pca_components=components)
    pca = PCA(n_components=dims, random_state=seed).fit(vectors)
    coords = pca.transform(vectors).astype(np.float32)
    return Projection("pca", coords, vectors, pca_mean=pca.mean_.copy(), pca_components=pca.components_.copy())


def _umap(vectors, seed, cancel, dims: int, start: np.ndarray | None) -> Projection:
    try:
        import umap
    except ImportError:
        raise ProjectionError("UMAP is not installed: pip install umap-learn, or choose t-SNE.") from None
    if cancel is not None and cancel.cancelled:
        raise Cancelled()
    neighbours = int(min(15, len(vectors) - 1))
    model = umap.UMAP(n_components=dims, n_neighbors=max(2, neighbours), random_state=seed,
                      init="spectral" if start is None else np.asarray(start, np.float32))
    coords = model.fit_transform(vectors)
    return Projection("umap", np.asarray(coords, np.float32), vectors, fitted=model)
