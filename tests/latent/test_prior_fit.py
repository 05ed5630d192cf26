"""Where the prior's random draws land among a model's pictures, and the sentence that says so."""

from __future__ import annotations

import numpy as np

from vaegui.latent.prior_fit import describe_prior_fit, explain_prior_fit, prior_fit


def test_a_map_tidied_to_the_prior_takes_the_draws_among_its_pictures():
    rng = np.random.default_rng(0)
    draws = rng.standard_normal((16, 2))
    tidy = prior_fit(rng.standard_normal((1500, 2)), draws)
    assert 0.8 < tidy.spread < 1.2 and tidy.draws_among_pictures >= 0.75 and tidy.pictures_reached > 0.9
    assert "new pictures like the ones it learned" in describe_prior_fit("VAE", tidy)
    # The 16 draws marked on the map, counted as the room can count them ("88%" of 16 claimed a false precision).
    landed = round(tidy.draws_among_pictures * 16)
    assert tidy.draws == 16 and describe_prior_fit("VAE", tidy).startswith(f"VAE: {landed} of the 16 random draws")
    other = np.random.default_rng(5)
    many = prior_fit(other.standard_normal((1500, 2)), other.standard_normal((1000, 2)))
    assert f"{many.draws_among_pictures:.0%} of the random draws land" in describe_prior_fit("VAE", many)
    # An autoencoder's map: wide, and off the origin.
    wide = prior_fit(rng.standard_normal((1500, 2)) * 8 + 20, draws)
    assert wide.spread > 6 and wide.draws_among_pictures == 0 and wide.pictures_reached == 0
    text = describe_prior_fit("Autoencoder (β 0)", wide)
    assert text == "Autoencoder (β 0): 0 of the 16 random draws land among its pictures, so it decodes them as mush " \
                   "or the same few pictures."
    assert "0% of its pictures lie where random draws fall" in explain_prior_fit(wide)
    assert "wider than the draws" in explain_prior_fit(wide)


def test_a_wide_map_around_the_origin_is_not_called_a_good_fit():
    """Found by walking the app: an autoencoder's Fashion-MNIST map spread 15× wider than the draws but ran through
    the origin, so every draw landed among its pictures and the lesson said it 'decodes them into new pictures like
    the ones it learned', under 16 copies of one boot. The draws cover a small patch of such a map: said so."""
    rng = np.random.default_rng(1)
    draws = rng.standard_normal((16, 2))
    wide = prior_fit(rng.standard_normal((2000, 2)) * 15, draws)
    assert wide.spread > 10 and wide.draws_among_pictures >= 0.5
    text = describe_prior_fit("Autoencoder (β 0)", wide)
    assert "new pictures like the ones it learned" not in text
    assert text == ("Autoencoder (β 0): its pictures spread 15× wider than the random draws, which all land in one "
                    "small patch of its map, so it decodes them as the same few pictures.")
