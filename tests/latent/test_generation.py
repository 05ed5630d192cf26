"""Vectors to decode and the rankings of samples."""
from __future__ import annotations

import numpy as np

from vaegui.latent.encoding import LatentSet
from vaegui.latent.generation import (
    dimensions_by_kl,
    image_mosaic,
    interpolate,
    largest_log_var,
    latent_grid,
    posterior_samples,
    prior_samples,
    with_coordinate,
    worst_reconstructions,
)


def _latents(mu, log_var, errors):
    n = len(mu)
    return LatentSet(np.asarray(mu, np.float32), np.asarray(log_var, np.float32), np.asarray(mu, np.float32), None,
                     np.zeros(n, np.int8), np.arange(n), np.asarray(errors, np.float32), np.zeros(n, np.float32), False)


def test_posterior_samples_spread_by_sigma_and_prior_is_standard_normal():
    draws = posterior_samples(np.array([3.0, -1.0]), np.log(np.array([0.01, 4.0])), 20000, seed=0)
    np.testing.assert_allclose(draws.mean(0), [3, -1], atol=0.05)
    np.testing.assert_allclose(draws.std(0), [0.1, 2.0], rtol=0.05)
    prior = prior_samples(3, 20000, seed=0)
    np.testing.assert_allclose(prior.std(0), 1.0, rtol=0.05)


def test_interpolation_traversal_and_grid():
    strip = interpolate(np.array([0.0, 0.0]), np.array([1.0, 2.0]), 5)
    np.testing.assert_allclose(strip[[0, 2, 4]], [[0, 0], [0.5, 1], [1, 2]])
    np.testing.assert_array_equal(with_coordinate(np.array([1.0, 2.0, 3.0]), 1, -4.0), [1, -4, 3])
    grid = latent_grid((-1, 1), (-2, 2), 3)
    assert grid.shape == (9, 2)
    np.testing.assert_allclose(grid[0], [-1, 2])  # top-left first: the largest y, like the map
    np.testing.assert_allclose(grid[-1], [1, -2])


def test_mosaic_places_images_row_by_row():
    images = np.zeros((3, 2, 2, 1), np.float32)
    images[2] = 0.5
    mosaic = image_mosaic(images, columns=2, gap=1)
    assert mosaic.shape == (7, 7, 1)
    assert mosaic[4, 1, 0] == 0.5 and mosaic[1, 1, 0] == 0 and mosaic[0, 0, 0] == 1


def test_rankings_find_the_worst_and_the_most_uncertain():
    latents = _latents([[0, 0], [3, 0], [0, 0]], [[0, -5], [-1, -5], [2, 1]], [1.0, 9.0, 4.0])
    assert worst_reconstructions(latents, 2).tolist() == [1, 2]
    assert largest_log_var(latents, 1).tolist() == [2]
    order, kl = dimensions_by_kl(latents)
    assert order.tolist() == [0, 1] and kl[0] > kl[1]  # dimension 0 moves mu far from the prior: more KL
    np.testing.assert_allclose(kl[1], np.mean([2.0 + 0.5 * np.exp(-5), 2.0 + 0.5 * np.exp(-5), -1 + 0.5 * np.e]))


def test_mosaic_without_a_margin_has_gaps_only_between_tiles():
    images = np.zeros((4, 2, 2, 1), np.float32)
    mosaic = image_mosaic(images, columns=2, gap=1, margin=0)
    assert mosaic.shape == (5, 5, 1)
    assert mosaic[0, 0, 0] == 0 and mosaic[2, :, 0].tolist() == [1] * 5 and mosaic[:, 2, 0].tolist() == [1] * 5
