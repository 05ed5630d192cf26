"""Where the map's points lie: a kernel density estimate on a grid (binned, then Gaussian-smoothed) and its contours.

Binning the points and smoothing the counts with a Gaussian is the KDE with a Gaussian kernel, up to the bins'
width; it costs one pass over the points and a filter over the grid, so 200,000 points take milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID_BINS = 256
# The levels drawn: each line encloses the densest places holding this share of the points.
MASS_LEVELS = (0.5, 0.8, 0.95)
OUTLIER_PERCENTILES = (0.1, 99.9)  # the grid spans these, so a few far points do not spread it thin
MARGIN_BANDWIDTHS = 3.0  # the grid reaches this many kernel widths beyond the points' span


@dataclass(frozen=True, eq=False)
class DensityGrid:
    """Density at the centres of a regular grid: `values[row, column]` at (x_centres[column], y_centres[row])."""

    values: np.ndarray  # (rows, columns) float64, summing to 1 over the grid
    counts: np.ndarray  # (rows, columns) the points binned in each cell, before smoothing
    x_centres: np.ndarray
    y_centres: np.ndarray
    bandwidth: tuple[float, float]  # the Gaussian kernel's standard deviation along x and y, in map units

    @property
    def cell(self) -> tuple[float, float]:
        return float(self.x_centres[1] - self.x_centres[0]), float(self.y_centres[1] - self.y_centres[0])

    def cell_of(self, coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of the grid cell holding each point, clipped to the grid."""
        (x0, y0), (width, height) = (self.x_centres[0], self.y_centres[0]), self.cell
        columns = np.clip(np.rint((coords[:, 0] - x0) / width).astype(np.int64), 0, len(self.x_centres) - 1)
        rows = np.clip(np.rint((coords[:, 1] - y0) / height).astype(np.int64), 0, len(self.y_centres) - 1)
        return rows, columns

    def at(self, coords: np.ndarray) -> np.ndarray:
        """The density at each point's cell."""
        rows, columns = self.cell_of(np.asarray(coords, np.float64).reshape(-1, 2))
        return self.values[rows, columns]

    def peak(self) -> tuple[float, float]:
        """The map place where the points crowd most."""
        row, column = np.unravel_index(int(np.argmax(self.values)), self.values.shape)
        return float(self.x_centres[column]), float(self.y_centres[row])


def scott_bandwidth(coords: np.ndarray) -> tuple[float, float]:
    """Scott's rule for a 2-D Gaussian kernel: each axis's spread times n^(-1/6)."""
    count = max(len(coords), 2)
    # Column by column: numpy's reductions along axis 0 of an (N, 2) array stride through memory, several times slower.
    spread = np.array([np.std(coords[:, 0]), np.std(coords[:, 1])])
    spread = np.where(spread > 0, spread, 1.0)
    return float(spread[0] * count ** (-1 / 6)), float(spread[1] * count ** (-1 / 6))


def density_grid(coords: np.ndarray, bins: int = GRID_BINS, bandwidth: tuple[float, float] | None = None
                 ) -> DensityGrid:
    """The points' density on a `bins` × `bins` grid over their span (a Gaussian KDE, Scott's bandwidth)."""
    from scipy.ndimage import gaussian_filter

    coords = np.asarray(coords, np.float64).reshape(-1, 2)
    if len(coords) == 0:
        raise ValueError("a density needs at least one point")
    bandwidth = bandwidth or scott_bandwidth(coords)
    columns = (np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1]))
    low, high = np.array([np.percentile(column, OUTLIER_PERCENTILES) for column in columns]).T
    margin = MARGIN_BANDWIDTHS * np.array(bandwidth)
    low, high = low - margin, high + margin
    width = (high - low) / (bins - 1)
    # Each point counts in its nearest cell centre.
    cells = np.rint((coords - low) / width).astype(np.int64)
    inside = ((cells >= 0) & (cells < bins)).all(axis=1)
    counts = np.bincount(cells[inside, 1] * bins + cells[inside, 0], minlength=bins * bins).astype(np.float64)
    counts = counts.reshape(bins, bins)
    values = gaussian_filter(counts, sigma=(bandwidth[1] / width[1], bandwidth[0] / width[0]), mode="constant",
                             truncate=3.0)
    total = values.sum()
    if total > 0:
        values /= total
    x_centres = low[0] + width[0] * np.arange(bins)
    y_centres = low[1] + width[1] * np.arange(bins)
    return DensityGrid(values, counts, x_centres, y_centres, (float(bandwidth[0]), float(bandwidth[1])))


def point_levels(grid: DensityGrid, shares: tuple[float, ...] = MASS_LEVELS) -> list[float]:
    """For each share, the density whose contour encloses that share of the points, the densest places first:
    counted over the grid's cells (each point in its cell), not over the points themselves."""
    values = grid.values.ravel()
    order = np.argsort(values)[::-1]
    held = np.cumsum(grid.counts.ravel()[order])
    held /= held[-1] if held[-1] > 0 else 1.0
    return [float(values[order[min(np.searchsorted(held, share), len(order) - 1)]]) for share in shares]


# Marching squares: for each of the 16 ways a cell's corners can lie above the level, the cell's edges that its
# contour joins (edges: 0 bottom, 1 right, 2 top, 3 left; corners 1 bottom-left, 2 bottom-right, 4 top-right,
# 8 top-left). Saddles (5, 10) keep their two high corners apart.
_SEGMENTS = {1: ((3, 0),), 2: ((0, 1),), 3: ((3, 1),), 4: ((1, 2),), 5: ((3, 0), (1, 2)), 6: ((0, 2),),
             7: ((3, 2),), 8: ((2, 3),), 9: ((0, 2),), 10: ((0, 1), (2, 3)), 11: ((1, 2),), 12: ((1, 3),),
             13: ((0, 1),), 14: ((3, 0),)}
_FIRST = np.full((16, 2), -1, np.int64)
_SECOND = np.full((16, 2), -1, np.int64)
for _case, _pairs in _SEGMENTS.items():
    _FIRST[_case] = _pairs[0]
    if len(_pairs) > 1:
        _SECOND[_case] = _pairs[1]


def contour_segments(grid: DensityGrid, level: float) -> np.ndarray:
    """(M, 2, 2) line segments, in map units, of the contour of `grid` at `level` (marching squares)."""
    values = grid.values
    v0, v1 = values[:-1, :-1], values[:-1, 1:]  # bottom-left, bottom-right
    v2, v3 = values[1:, 1:], values[1:, :-1]  # top-right, top-left
    case = ((v0 > level) * 1 + (v1 > level) * 2 + (v2 > level) * 4 + (v3 > level) * 8).astype(np.int64)
    rows, columns = np.nonzero((case != 0) & (case != 15))
    if len(rows) == 0:
        return np.zeros((0, 2, 2))
    cases = case[rows, columns]
    corners = [corner[rows, columns] for corner in (v0, v1, v2, v3)]

    def crossing(low, high):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (level - low) / (high - low)
        return np.clip(np.nan_to_num(t, nan=0.5), 0.0, 1.0)

    c, r = columns.astype(np.float64), rows.astype(np.float64)
    # Where the contour crosses each edge, in grid units (column, row).
    edge_points = np.stack([
        np.stack([c + crossing(corners[0], corners[1]), r], axis=1),
        np.stack([c + 1, r + crossing(corners[1], corners[2])], axis=1),
        np.stack([c + crossing(corners[3], corners[2]), r + 1], axis=1),
        np.stack([c, r + crossing(corners[0], corners[3])], axis=1),
    ])  # (4 edges, cells, 2)
    segments = []
    for table in (_FIRST, _SECOND):
        pairs = table[cases]
        used = pairs[:, 0] >= 0
        cells = np.flatnonzero(used)
        start = edge_points[pairs[used, 0], cells]
        end = edge_points[pairs[used, 1], cells]
        segments.append(np.stack([start, end], axis=1))
    segments = np.concatenate(segments)
    width, height = grid.cell
    segments[..., 0] = grid.x_centres[0] + segments[..., 0] * width
    segments[..., 1] = grid.y_centres[0] + segments[..., 1] * height
    return segments


@dataclass(frozen=True, eq=False)
class DensityContours:
    """The contour lines of a map's density, one (M, 2, 2) segment array per share of the points enclosed."""

    grid: DensityGrid
    shares: tuple[float, ...]
    segments: tuple[np.ndarray, ...]
    seconds: float = 0.0


def density_contours(coords: np.ndarray, shares: tuple[float, ...] = MASS_LEVELS, bins: int = GRID_BINS
                     ) -> DensityContours:
    import time

    started = time.perf_counter()
    grid = density_grid(coords, bins)
    segments = tuple(contour_segments(grid, level) for level in point_levels(grid, shares))
    return DensityContours(grid, tuple(shares), segments, time.perf_counter() - started)
