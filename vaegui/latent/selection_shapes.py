"""Which map points a lasso or a box encloses: exact point-in-polygon tests over every point, vectorised."""

from __future__ import annotations

import numpy as np


def points_in_box(coords: np.ndarray, corner_a: tuple[float, float], corner_b: tuple[float, float]) -> np.ndarray:
    """Rows of `coords` (N, 2) inside the axis-aligned box with opposite corners `corner_a`, `corner_b` (edges in)."""
    x0, x1 = sorted((float(corner_a[0]), float(corner_b[0])))
    y0, y1 = sorted((float(corner_a[1]), float(corner_b[1])))
    x, y = coords[:, 0], coords[:, 1]
    return np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))


def tidy_polygon(vertices: np.ndarray, min_step: float = 0.0) -> np.ndarray:
    """The lasso's vertices without repeats (a mouse resting sends the same place again), closed implicitly."""
    vertices = np.asarray(vertices, np.float64).reshape(-1, 2)
    if len(vertices) < 2:
        return vertices
    kept = [vertices[0]]
    for vertex in vertices[1:]:
        if np.hypot(*(vertex - kept[-1])) > min_step:
            kept.append(vertex)
    return np.array(kept)


Y_BINS = 1024  # bands of y the candidates are sorted into (a radix sort of small integers: one cheap pass)


def points_in_polygon(coords: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Rows of `coords` (N, 2) inside the polygon `vertices` (K, 2), by the even-odd rule (a crossing ray count).

    Only the points inside the polygon's bounding box are tested, sorted into bands of y once: each edge then
    tests only the points of its own bands (a lasso's edges are short), so a 150-edge lasso around 140,000 of
    200,000 points costs milliseconds, not one pass over every candidate per edge.
    """
    vertices = np.asarray(vertices, np.float64).reshape(-1, 2)
    if len(vertices) < 3 or len(coords) == 0:
        return np.zeros(0, np.int64)
    (x_min, y_min), (x_max, y_max) = vertices.min(axis=0), vertices.max(axis=0)
    candidates = points_in_box(coords, (x_min, y_min), (x_max, y_max))
    scale = (Y_BINS - 1) / max(y_max - y_min, 1e-300)
    band_of = ((coords[candidates, 1].astype(np.float64) - y_min) * scale).astype(np.int16)
    order = np.argsort(band_of, kind="stable")  # numpy sorts 16-bit integers by radix: linear time
    candidates = candidates[order]
    x = coords[candidates, 0].astype(np.float64)
    y = coords[candidates, 1].astype(np.float64)
    band_starts = np.searchsorted(band_of[order], np.arange(Y_BINS + 1))
    inside = np.zeros(len(candidates), bool)
    following = np.roll(vertices, -1, axis=0)
    for (xa, ya), (xb, yb) in zip(vertices, following):
        if ya == yb:
            continue  # a horizontal edge is never crossed by the horizontal ray
        low, high = (ya, yb) if ya < yb else (yb, ya)
        band = slice(band_starts[int((low - y_min) * scale)], band_starts[min(int((high - y_min) * scale) + 1,
                                                                                   Y_BINS)])
        band_y = y[band]
        # The ray from (x, y) to the right crosses the edge when y lies between its ends (half-open, so a vertex
        # shared by two edges counts once) and the crossing lies right of x.
        spans = (ya > band_y) != (yb > band_y)
        if not spans.any():
            continue
        where = np.flatnonzero(spans)
        crossing_x = xa + (band_y[where] - ya) * (xb - xa) / (yb - ya)
        hits = where[x[band][where] < crossing_x] + band.start
        inside[hits] ^= True
    return np.sort(candidates[inside])
