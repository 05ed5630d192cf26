"""The VAE's loss terms outside the graph: their names (history, logs, curves) and the KL divergence in numpy."""

from __future__ import annotations

import numpy as np

# The model's metrics (vaegui.model.vae names its trackers so), the history columns and the curves: total,
# reconstruction, KL. Tiny and import-free on purpose: the run folder, training and the GUI all read it.
LOSS_NAMES = ("loss", "reconstruction_loss", "kl_loss")


def kl_divergence_terms(mu: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """KL(N(mu, exp(log_var)) ‖ N(0, 1)) of each sample and latent dimension, shape (N, d).

    Sum over axis 1 for each sample's KL, average over axis 0 for each dimension's (near zero: an
    unused dimension). vaegui.model.layers.kl_divergence is the same formula in the training graph.
    """
    mu = np.asarray(mu)
    log_var = np.asarray(log_var)
    return -0.5 * (1.0 + log_var - np.square(mu) - np.exp(log_var))
