"""Where a model's random draws land: how well the prior N(0, I) that new pictures are drawn from covers the places
its pictures lie, said as a plain sentence (the autoencoder vs tiny-KL lesson)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEAR_PERCENTILE = 95  # a draw is among the pictures when it is as near one as 95 % of pictures are to another
SAMPLE = 2000  # pictures' places compared (enough for the shares, fast at any map size)
PRIOR_DRAWS = 4000  # draws that give the prior's 95 % radius
COUNTED_DRAWS = 50  # up to this many draws, said as a count ("14 of the 16"), more as a percentage
WIDE, NARROW = 2.5, 0.4  # spreads (× the prior's) past which the pictures and the draws no longer match


@dataclass(frozen=True)
class PriorFit:
    """`spread`: the pictures' places' spread, × the prior's (1 = a match); `draws_among_pictures`: the share of
    the `draws` random draws that land where pictures lie; `pictures_reached`: the share of pictures within the
    prior's 95 % ball (where nearly all draws fall)."""

    spread: float
    draws_among_pictures: float
    pictures_reached: float
    draws: int = 0


def prior_fit(places: np.ndarray, draws: np.ndarray, seed: int = 0) -> PriorFit:
    """Compare the pictures' `places` (N, d: the z a map shows them at, or their centres) with random draws (M, d)
    from the prior."""
    rng = np.random.default_rng(seed)
    places = np.asarray(places, np.float64)
    if len(places) > SAMPLE:
        places = places[rng.choice(len(places), SAMPLE, replace=False)]
    draws = np.asarray(draws, np.float64)
    spread = float(np.mean(np.std(places, axis=0)))
    # How near a picture's nearest neighbour is, for most pictures: "among the pictures" within that distance.
    gaps = _nearest(places, places, exclude_self=True)
    near = float(np.percentile(gaps, NEAR_PERCENTILE))
    among = float(np.mean(_nearest(draws, places) <= near))
    radius = float(np.percentile(np.linalg.norm(rng.standard_normal((PRIOR_DRAWS, places.shape[1])), axis=1), 95))
    reached = float(np.mean(np.linalg.norm(places, axis=1) <= radius))
    return PriorFit(spread, among, reached, len(draws))


def _nearest(points: np.ndarray, among: np.ndarray, exclude_self: bool = False) -> np.ndarray:
    distances = np.linalg.norm(points[:, None, :] - among[None, :, :], axis=2)
    if exclude_self:
        np.fill_diagonal(distances, np.inf)
    return distances.min(axis=1)


def describe_prior_fit(name: str, fit: PriorFit) -> str:
    """What the random draws do in this model, in one short sentence (two lines under a map in presenter mode)."""
    among = f"{_share_of_draws(fit)} land among its pictures"
    if fit.draws_among_pictures < 0.5:
        return f"{name}: {among}, so it decodes them as mush or the same few pictures."
    if fit.spread >= WIDE:  # among its pictures, yet all in one small patch of a far wider map
        return (f"{name}: its pictures spread {fit.spread:.0f}× wider than the random draws, which all land in one "
                "small patch of its map, so it decodes them as the same few pictures.")
    return f"{name}: {among}, so it decodes them into new pictures like the ones it learned."


def _share_of_draws(fit: PriorFit) -> str:
    """"14 of the 16 random draws": a few draws, marked on the map, are counted as the room can count them ("88 %"
    of 16 claimed a precision they do not have); many as a percentage."""
    if 0 < fit.draws <= COUNTED_DRAWS:
        return f"{round(fit.draws_among_pictures * fit.draws)} of the {fit.draws} random draws"
    return f"{fit.draws_among_pictures:.0%} of the random draws"


def explain_prior_fit(fit: PriorFit) -> str:
    """The figures behind the sentence, for its tooltip."""
    text = (f"{fit.pictures_reached:.0%} of its pictures lie where random draws fall (the standard cloud's 95 % "
            f"ball); {_share_of_draws(fit)} land as near a picture as most pictures are to another.")
    if fit.spread >= WIDE:
        text += f" Its pictures spread {fit.spread:.0f}× wider than the draws."
    elif fit.spread <= NARROW:
        text += f" Its pictures crowd into a space {1 / max(fit.spread, 1e-6):.0f}× narrower than the draws."
    return text + " A VAE's KL term pulls its map onto the cloud the draws come from; β 0 leaves it anywhere."
