"""Inputs for the Explorer benchmark: class-structured synthetic latents and maps, and a real Fashion-MNIST run."""

from __future__ import annotations

from pathlib import Path

import numpy as np

FASHION_EPOCHS = 2


def synthetic_latents(count: int, z_dim: int = 8, classes: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(latent vectors, labels): one Gaussian blob per class, close enough together that some overlap."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, count)
    centres = rng.normal(0, 2.0, (classes, z_dim))
    return (centres[labels] + rng.normal(0, 1, (count, z_dim))).astype(np.float32), labels


def synthetic_map(count: int, classes: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(2-D map coordinates, labels) shaped like a t-SNE map: a blob per class, dense cores, sparse rims."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, count)
    centres = rng.normal(0, 5, (classes, 2))
    return (centres[labels] + rng.normal(0, 1, (count, 2))).astype(np.float32), labels


def fashion_run(folder: Path, z_dim: int = 8):
    """A run folder trained for FASHION_EPOCHS epochs on Fashion-MNIST (reused when `folder` already holds one)."""
    from vaegui.config import DataConfig, ModelConfig, RunConfig, TrainingConfig
    from vaegui.runs import Run
    from vaegui.training import TrainingSession

    if (folder / "config.json").exists():
        return Run.open(folder)
    config = RunConfig(
        data=DataConfig(dataset="fashion_mnist"),
        model=ModelConfig(z_dim=z_dim, conv_filters=(16, 32), dense_units=32),
        training=TrainingConfig(epochs=FASHION_EPOCHS, batch_size=256, seed=0),
    )
    run = Run.create(folder, config)
    TrainingSession(run, run.load_dataset(), probe_size=64).run()
    return Run.open(folder)


def fashion_latents(run) -> tuple[np.ndarray, np.ndarray]:
    """(mu of all 70,000 Fashion-MNIST images, their labels), train split then test split."""
    from vaegui.latent import encode_split

    model = run.load_model()
    model.set_mu_only(True)
    latents = encode_split(model, run.load_dataset(), "both")
    return latents.mu, latents.labels
