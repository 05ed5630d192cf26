"""Latent vectors to decode: posterior and prior samples, traversals, interpolations, grids; and rankings."""

from __future__ import annotations

import numpy as np

from vaegui.latent.encoding import LatentSet
from vaegui.loss_terms import kl_divergence_terms


def posterior_samples(mu: np.ndarray, log_var: np.ndarray, count: int, seed: int | None = None) -> np.ndarray:
    """`count` draws from N(mu, exp(log_var)): what the encoder thinks this image could be."""
    rng = np.random.default_rng(seed)
    sigma = np.exp(0.5 * np.asarray(log_var, np.float64))
    return (mu + sigma * rng.standard_normal((count, len(mu)))).astype(np.float32)


def prior_samples(z_dim: int, count: int, seed: int | None = None) -> np.ndarray:
    """`count` draws from N(0, I): a VAE trained with too small a KL weight decodes many of these to mush."""
    return np.random.default_rng(seed).standard_normal((count, z_dim)).astype(np.float32)


def interpolate(start: np.ndarray, end: np.ndarray, steps: int) -> np.ndarray:
    """`steps` vectors evenly spaced from `start` to `end`, both included."""
    weights = np.linspace(0.0, 1.0, steps)[:, None]
    return ((1 - weights) * np.asarray(start) + weights * np.asarray(end)).astype(np.float32)


def with_coordinate(vector: np.ndarray, dimension: int, value: float) -> np.ndarray:
    """`vector` with one coordinate replaced: one step of a traversal."""
    changed = np.array(vector, np.float32, copy=True)
    changed[dimension] = value
    return changed


def latent_grid(x_range: tuple[float, float], y_range: tuple[float, float], per_side: int) -> np.ndarray:
    """(per_side², 2) vectors on a grid, row by row from the top (largest y) so a mosaic reads like the map."""
    xs = np.linspace(x_range[0], x_range[1], per_side)
    ys = np.linspace(y_range[1], y_range[0], per_side)
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(np.float32)


def image_mosaic(images: np.ndarray, columns: int, gap: int = 1, margin: int | None = None) -> np.ndarray:
    """Tile (N, H, W, C) images row by row into one (rows·H, columns·W, C) float image on white:
    `gap` pixels between tiles and `margin` (default: `gap`) around them."""
    count, height, width, channels = images.shape
    rows = -(-count // columns)
    margin = gap if margin is None else margin
    shape = (rows * (height + gap) - gap + 2 * margin, columns * (width + gap) - gap + 2 * margin, channels)
    mosaic = np.ones(shape, np.float32)
    for i, image in enumerate(images):
        top, left = margin + (i // columns) * (height + gap), margin + (i % columns) * (width + gap)
        mosaic[top : top + height, left : left + width] = image
    return mosaic


def dimensions_by_kl(latents: LatentSet) -> tuple[np.ndarray, np.ndarray]:
    """(dimension order, mean KL of each dimension in that order), most informative dimension first."""
    kl = kl_divergence_terms(latents.mu, latents.log_var).mean(axis=0)
    order = np.argsort(-kl, kind="stable")
    return order, kl[order]


def worst_reconstructions(latents: LatentSet, count: int = 20, rows: np.ndarray | None = None) -> np.ndarray:
    """Rows (of `rows`, default all) with the largest reconstruction error, worst first (none while the errors are
    not worked out)."""
    if latents.reconstruction_error is None:
        return np.empty(0, np.int64)
    rows = np.arange(len(latents)) if rows is None else np.asarray(rows, np.int64)
    return rows[np.argsort(-latents.reconstruction_error[rows], kind="stable")[:count]]


def largest_log_var(latents: LatentSet, count: int = 20, rows: np.ndarray | None = None) -> np.ndarray:
    """Rows (of `rows`, default all) whose mean log-variance is largest: the images the encoder is least sure of."""
    rows = np.arange(len(latents)) if rows is None else np.asarray(rows, np.int64)
    return rows[np.argsort(-latents.log_var[rows].mean(axis=1), kind="stable")[:count]]
