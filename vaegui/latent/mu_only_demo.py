"""The seed article's finding, shown on a real model: switching the sampling factor alone changes nothing until
the predict function is rebuilt; then z equals mu exactly."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEMO_IMAGES = 256


@dataclass(frozen=True, eq=False)
class MuOnlyStep:
    title: str
    explanation: str
    z: np.ndarray  # (N, d) what the encoder's cached predict function returned at this step
    distance: float  # mean |z − mu| over the images: 0 means z is exactly the centre of each cloud
    equals_mu: bool


@dataclass(frozen=True, eq=False)
class MuOnlyDemo:
    mu: np.ndarray
    steps: tuple[MuOnlyStep, ...]


def demonstrate_mu_only(vae, images: np.ndarray) -> MuOnlyDemo:
    """Run the three steps on `vae`'s encoder (on the thread that owns it), then put its switch back.

    1. Sampling on: z = mu + noise. 2. The factor set to 0 but the predict function kept: Keras froze the
    old factor into the traced graph, so z is still noisy. 3. The predict function rebuilt
    (`make_predict_function(force=True)`): z == mu, bit for bit.
    """
    encoder, sampling = vae.encoder, vae.sampling
    was_mu_only = vae.mu_only
    batch = np.asarray(images[:DEMO_IMAGES], np.float32)
    steps = []
    try:
        vae.set_mu_only(False)  # factor 1, predict function traced with it
        mu, _, z = (np.asarray(a) for a in encoder.predict_on_batch(batch))
        steps.append(_step("1. Sampling on (factor = 1)",
                           "Each image becomes a random point of its cloud: z = mu + exp(log_var / 2) · ε.", z, mu))
        sampling.factor = 0.0  # the attribute alone, no rebuild
        _, _, z = (np.asarray(a) for a in encoder.predict_on_batch(batch))
        steps.append(_step("2. factor = 0, predict function not rebuilt",
                           "Nothing changed: Keras traced the predict function with factor = 1 and froze that value "
                           "into the graph. Setting the Python attribute is not enough.", z, mu))
        encoder.make_predict_function(force=True)
        _, _, z = (np.asarray(a) for a in encoder.predict_on_batch(batch))
        steps.append(_step("3. make_predict_function(force=True)",
                           "Rebuilt, the function reads factor = 0: every z is exactly its cloud's centre mu.", z, mu))
    finally:
        vae.set_mu_only(was_mu_only)
    return MuOnlyDemo(mu, tuple(steps))


def _step(title: str, explanation: str, z: np.ndarray, mu: np.ndarray) -> MuOnlyStep:
    distance = float(np.mean(np.linalg.norm(z - mu, axis=1)))
    return MuOnlyStep(title, explanation, z, distance, bool(np.array_equal(z, mu)))
