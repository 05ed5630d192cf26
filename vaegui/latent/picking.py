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


class VisiblePointPicker:
    """A PointPicker over the points drawn (those hidden left out), built at the first pick after they change."""

    def __init__(self) -> None:
        self._picker: PointPicker | None = None
        self._rows: np.ndarray | None = None  # the rows the picker holds, when some are hidden
        self._hidden: np.ndarray | None = None

    def reset(self) -> None:
        """The points moved or changed: build the picker again at the next pick."""
        self._picker = None

    def hide(self, hidden: np.ndarray | None) -> None:
        """(N,) bool: the points not drawn, which cannot be picked; None: none."""
        hidden = None if hidden is None or not hidden.any() else hidden
        if (hidden is None) != (self._hidden is None) or (hidden is not None and not np.array_equal(hidden,
                                                                                                   self._hidden)):
            self._picker = None
        self._hidden = hidden

    def nearest(self, coords: np.ndarray, x: float, y: float, radius_x: float, radius_y: float) -> int | None:
        if len(coords) == 0:
            return None
        if self._picker is None:
            hidden = self._hidden
            self._rows = None if hidden is None or len(hidden) != len(coords) else np.flatnonzero(~hidden)
            self._picker = PointPicker(coords if self._rows is None else coords[self._rows])
        row = self._picker.nearest(x, y, radius_x, radius_y)
        return row if row is None or self._rows is None else int(self._rows[row])


# Up to this many latent dimensions a KD-tree finds neighbours fastest; above it the search below is exact and
# faster (docs/performance.md, "200k images").
KD_TREE_MAX_DIMS = 8
# Above KD_TREE_MAX_DIMS the vectors are turned onto their main directions (which keeps every distance) and cut into
# blocks of directions, the first few holding nearly all of a VAE's spread; each block's distance adds to a lower
# bound of the whole distance.
BLOCK_ENDS = (16, 48, 112)  # then the rest
FIRST_CANDIDATES = 64
SLACK = 1e-5  # float32 rounding of the first block's distances, allowed for so that no true neighbour is cut


class LatentNeighbours:
    """The k samples closest to a sample in latent space (on mu, the posterior means), exactly.

    In many dimensions one matrix-vector product over every sample reads the whole array for each click
    (160 MB at 200,000 × 200). Turned onto their main directions the distances are the same, and the
    distance over the leading directions alone is a lower bound of the whole. The nearest samples by
    that bound give a first answer and its k-th distance T; a sample whose bound exceeds T cannot be
    among the k nearest. The survivors get the next block of directions added to their bound and are cut
    again, block after block, and the last survivors' whole distances are the exact answer.
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
        ends = [end for end in BLOCK_ENDS if end < turned.shape[1]] + [turned.shape[1]]
        self._blocks = [np.ascontiguousarray(turned[:, start:end]) for start, end in zip([0, *ends[:-1]], ends)]
        self._first_norms = np.einsum("ij,ij->i", self._blocks[0], self._blocks[0])

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
        widths = np.cumsum([0] + [block.shape[1] for block in self._blocks])
        parts = [query[start:end] for start, end in zip(widths[:-1], widths[1:])]
        first = parts[0]
        # einsum, not BLAS: a matrix-vector product this thin is slower through BLAS threads on a busy machine.
        bound = self._first_norms - 2.0 * np.einsum("ij,j->i", self._blocks[0], first) + float(first @ first)
        count = min(self._count, max(FIRST_CANDIDATES, 4 * k))
        candidates = np.argpartition(bound, count - 1)[:count] if count < self._count else np.arange(self._count)
        limit = np.partition(self._whole(candidates, parts), k - 1)[k - 1]
        limit = limit * (1 + SLACK) + SLACK
        # Cut by the first block's bound, then add each further block's distance to the survivors' and cut again.
        survivors = np.flatnonzero(bound <= limit)
        partial = np.maximum(bound[survivors], 0.0).astype(np.float64)
        for block, part in zip(self._blocks[1:], parts[1:]):
            difference = block[survivors] - part
            partial += np.einsum("ij,ij->i", difference, difference, dtype=np.float64)
            kept = partial <= limit
            survivors, partial = survivors[kept], partial[kept]
        whole = self._whole(survivors, parts)
        order = np.lexsort((survivors, whole))[:k]
        return survivors[order].astype(np.int64), np.sqrt(np.maximum(whole[order], 0.0))

    def _whole(self, rows: np.ndarray, parts: list[np.ndarray]) -> np.ndarray:
        """Squared distances of `rows` to the query, from the differences themselves (no cancellation)."""
        total = np.zeros(len(rows), np.float64)
        for block, part in zip(self._blocks, parts):
            difference = block[rows] - part
            total += np.einsum("ij,ij->i", difference, difference, dtype=np.float64)
        return total
