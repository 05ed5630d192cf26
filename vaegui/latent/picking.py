"""KD-tree picking: which projected point lies under the cursor, and which samples are latent neighbours."""

from __future__ import annotations

import numpy as np


class PointPicker:
    """Nearest projected point to a map location, within a radius given per axis (the cursor's size in data units).

    A KD-tree answers in microseconds for 70k points, where scanning every point (or pyqtgraph's
    pointsAt) costs milliseconds per mouse move.
    """

    def __init__(self, coords: np.ndarray):
        from scipy.spatial import cKDTree

        self.coords = np.asarray(coords, np.float64)
        self._tree = cKDTree(self.coords)

    def nearest(self, x: float, y: float, radius_x: float, radius_y: float) -> int | None:
        """Row of the point nearest (x, y) in screen terms, or None if none is within the radii."""
        if len(self.coords) == 0 or radius_x <= 0 or radius_y <= 0:
            return None
        # Every point within the cursor's ellipse lies in the circle of its larger radius: all are candidates, so
        # the nearest on screen is among them even in a crowd where the axes are scaled differently (a fixed count
        # of nearest points in data units can all lie along the squeezed axis and miss it).
        rows = np.asarray(self._tree.query_ball_point([x, y], max(radius_x, radius_y)), np.int64)
        if len(rows) == 0:
            return None
        # The axes may be scaled differently on screen: compare in units of each axis's radius.
        offsets = (self.coords[rows] - (x, y)) / (radius_x, radius_y)
        screen_distance = np.hypot(offsets[:, 0], offsets[:, 1])
        best = int(np.argmin(screen_distance))
        return int(rows[best]) if screen_distance[best] <= 1.0 else None


# Up to this many latent dimensions a KD-tree finds neighbours fastest; above it the search below is exact and
# faster (docs/performance.md, "200k images").
KD_TREE_MAX_DIMS = 8
# Above KD_TREE_MAX_DIMS the vectors are turned onto their main directions (which keeps every distance) and a first
# pass ranks all of them on this many leading directions only, where nearly all of a VAE's spread lies.
LEADING_DIMS = 24
CANDIDATES_PER_NEIGHBOUR = 8


class LatentNeighbours:
    """The k samples closest to a sample in latent space (on mu, the posterior means), exactly.

    In many dimensions one matrix-vector product over every sample reads the whole array for each click
    (160 MB at 200,000 × 200). Turned onto their main directions the distances are the same, and the
    distance over the leading directions alone is a lower bound of the whole: ranking on it gives
    candidates, their whole distances the answer, and the bound proves that no other sample is closer
    (when it cannot, every sample the bound leaves in is measured in full).
    """

    def __init__(self, vectors: np.ndarray):
        vectors = np.asarray(vectors)
        self._count = len(vectors)
        self._tree = None
        if vectors.ndim == 2 and vectors.shape[1] <= KD_TREE_MAX_DIMS:
            from scipy.spatial import cKDTree

            self._tree = cKDTree(np.asarray(vectors, np.float64))
            return
        vectors = np.asarray(vectors, np.float32)
        self._mean = vectors.mean(axis=0, dtype=np.float64).astype(np.float32)
        centred = vectors - self._mean
        # Main directions from the d × d scatter matrix: one pass over the data, exact for any count.
        _, directions = np.linalg.eigh(np.asarray(centred.T @ centred, np.float64))
        self._turn = np.ascontiguousarray(directions[:, ::-1], np.float32)  # largest spread first
        turned = centred @ self._turn
        lead = min(LEADING_DIMS, turned.shape[1])
        self._lead = np.ascontiguousarray(turned[:, :lead])
        self._rest = np.ascontiguousarray(turned[:, lead:])
        self._lead_norms = np.einsum("ij,ij->i", self._lead, self._lead)

    def of_row(self, row: int, vector: np.ndarray, k: int = 8) -> np.ndarray:
        """Rows of the k nearest other samples, nearest first."""
        rows, _ = self.nearest(vector, min(k + 1, self._count))
        return rows[rows != row][:k]

    def nearest(self, vector: np.ndarray, k: int = 8) -> tuple[np.ndarray, np.ndarray]:
        """(rows, distances) of the k samples nearest `vector`, nearest first."""
        k = min(k, self._count)
        if k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float64)
        if self._tree is not None:
            distances, rows = self._tree.query(np.asarray(vector, np.float64), k=k)
            return np.atleast_1d(rows).astype(np.int64), np.atleast_1d(distances)
        query = (np.asarray(vector, np.float32) - self._mean) @ self._turn
        lead_query, rest_query = query[: self._lead.shape[1]], query[self._lead.shape[1]:]
        bound = self._lead_norms - 2.0 * (self._lead @ lead_query) + float(lead_query @ lead_query)
        count = min(self._count, max(k * CANDIDATES_PER_NEIGHBOUR, 64))
        candidates = np.argpartition(bound, count - 1)[:count] if count < self._count else np.arange(self._count)
        whole = self._whole(candidates, lead_query, rest_query)
        kth = np.partition(whole, k - 1)[k - 1]
        if count < self._count:
            # Every sample left out has a bound at least the largest bound taken; any whose bound is below the k-th
            # whole distance found could still be nearer: measure them all.
            unsure = np.flatnonzero(bound < kth)
            if len(unsure) > count:
                candidates, whole = unsure, self._whole(unsure, lead_query, rest_query)
        order = np.lexsort((candidates, whole))[:k]
        return candidates[order].astype(np.int64), np.sqrt(np.maximum(whole[order], 0.0))

    def _whole(self, rows: np.ndarray, lead_query: np.ndarray, rest_query: np.ndarray) -> np.ndarray:
        """Squared distances of `rows` to the query, from the differences themselves (no cancellation)."""
        lead, rest = self._lead[rows] - lead_query, self._rest[rows] - rest_query
        return np.einsum("ij,ij->i", lead, lead, dtype=np.float64) + np.einsum("ij,ij->i", rest, rest,
                                                                              dtype=np.float64)
