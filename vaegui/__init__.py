"""vaegui: train a Variational Autoencoder with a few clicks and walk around its latent space."""
from __future__ import annotations

__version__ = "0.1.0"
