"""What the model believes, in map coordinates: the prior N(0, I)'s 1σ/2σ/3σ circles on direct and PCA maps, and a
lattice of map places with the latent vector behind each (decoded as the map's background)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vaegui.latent.projection import NEIGHBOURS_FOR_INVERSE, Projection

PRIOR_SIGMAS = (1.0, 2.0, 3.0)
CIRCLE_POINTS = 180


@dataclass(frozen=True)
class PriorRings:
    """The prior's kσ circles on the map: centre and radius in map units; `shares` of the prior's draws inside each."""

    centre: tuple[float, float]
    radii: tuple[float, ...]
    shares: tuple[float, ...]
    how: str

    def outline(self, ring: int) -> np.ndarray:
        """(CIRCLE_POINTS + 1, 2) points around circle `ring`, closed."""
        angles = np.linspace(0.0, 2 * np.pi, CIRCLE_POINTS + 1)
        radius = self.radii[ring]
        return np.column_stack([self.centre[0] + radius * np.cos(angles), self.centre[1] + radius * np.sin(angles)])


def prior_rings(projection: Projection, sigmas: tuple[float, ...] = PRIOR_SIGMAS) -> PriorRings | None:
    """The prior N(0, I) drawn on the map, or None where the projection has no faithful picture of it (t-SNE, UMAP).

    Direct: the latent space itself. PCA: the map is an orthonormal projection (x = C (z − mean)), so the prior's
    picture is N(−C·mean, C·Cᵀ = I): circles of the same radii around the origin's place on the map.
    """
    # In two dimensions |z|² follows chi² with 2 degrees of freedom: P(|z| ≤ k) = 1 − exp(−k²/2).
    shares = tuple(float(1 - np.exp(-(k ** 2) / 2)) for k in sigmas)
    if projection.method == "direct":
        return PriorRings((0.0, 0.0), tuple(sigmas), shares, "the prior N(0, I) itself: the map is the latent space")
    if projection.method == "pca" and projection.pca_components is not None:
        centre = -(projection.pca_components @ projection.pca_mean)
        return PriorRings((float(centre[0]), float(centre[1])), tuple(sigmas), shares,
                          "the prior N(0, I) projected on the two main directions: still circles of radius 1, 2, 3 "
                          "around where the latent origin lands")
    return None


@dataclass(frozen=True, eq=False)
class Lattice:
    """Map places on a regular lattice over `rect` and the latent vector each stands for."""

    rect: tuple[float, float, float, float]  # x0, y0, x1, y1 in map units
    columns: int
    rows: int
    places: np.ndarray  # (rows * columns, 2), row 0 at the bottom
    vectors: np.ndarray  # (rows * columns, z_dim) float32
    how: str


def lattice(projection: Projection, rect: tuple[float, float, float, float], columns: int, rows: int) -> Lattice:
    """Cell centres of a `columns` × `rows` lattice over `rect` and their latent vectors: the place itself (direct),
    PCA's inverse, or (t-SNE, UMAP, which have none) the inverse-distance mean of the nearest points' vectors."""
    x0, y0, x1, y1 = (float(v) for v in rect)
    xs = x0 + (np.arange(columns) + 0.5) * (x1 - x0) / columns
    ys = y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows
    grid_x, grid_y = np.meshgrid(xs, ys)
    places = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    if projection.method == "direct":
        vectors, how = places.astype(np.float32), "each picture is decoded from its own place"
    elif projection.method == "pca" and projection.pca_components is not None:
        vectors = (projection.pca_mean + places @ projection.pca_components).astype(np.float32)
        how = "each picture is decoded from its place through PCA's inverse (the other directions at their mean)"
    else:
        vectors = neighbour_vectors(projection, places)
        how = (f"this map has no way back to the latent space: each picture is decoded from the mean of the "
               f"{NEIGHBOURS_FOR_INVERSE} nearest points' vectors, weighted by closeness")
    return Lattice((x0, y0, x1, y1), columns, rows, places, vectors, how)


def neighbour_vectors(projection: Projection, places: np.ndarray) -> np.ndarray:
    """For each place, the inverse-squared-distance weighted mean of the nearest projected points' latent vectors."""
    from scipy.spatial import cKDTree

    coords = np.asarray(projection.coords, np.float64)
    k = min(NEIGHBOURS_FOR_INVERSE, len(coords))
    distances, rows = cKDTree(coords).query(places, k=k)
    distances, rows = distances.reshape(len(places), k), rows.reshape(len(places), k)
    weights = 1.0 / np.maximum(np.square(distances), 1e-12)
    weights /= weights.sum(axis=1, keepdims=True)
    vectors = np.asarray(projection.vectors, np.float64)[rows]  # (places, k, z_dim)
    return np.einsum("pk,pkd->pd", weights, vectors).astype(np.float32)


def mosaic(images: np.ndarray, columns: int, rows: int) -> np.ndarray:
    """(rows · h, columns · w, channels) picture of the lattice's decoded images, row 0 at the top of the picture
    (the lattice's top row: the map's y points up)."""
    images = np.asarray(images, np.float32)
    count, height, width, channels = images.shape
    tiles = images.reshape(rows, columns, height, width, channels)[::-1]
    return tiles.transpose(0, 2, 1, 3, 4).reshape(rows * height, columns * width, channels)
