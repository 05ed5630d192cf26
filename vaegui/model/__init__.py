"""The VAE: encoder, decoder, sampling layer with the mu-only switch, and the KL strategies."""

from __future__ import annotations

from vaegui.model.layers import KLDivergenceLayer, Sampling, kl_divergence
from vaegui.model.vae import VAE, LatentCodes, build_vae

__all__ = ["VAE", "KLDivergenceLayer", "LatentCodes", "Sampling", "build_vae", "kl_divergence"]
