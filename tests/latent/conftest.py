"""Tiny runs trained for real on digits, shared by the latent-space and explorer tests."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import tiny_config


def train_tiny_run(folder: Path, z_dim: int = 2, epochs: int = 2):
    """A run folder with `epochs` real epochs of a tiny conv (4, 8) / dense 8 VAE on digits."""
    from vaegui.runs import Run
    from vaegui.training import TrainingSession

    config = tiny_config(epochs=epochs)
    config.model.z_dim = z_dim
    run = Run.create(folder, config)
    TrainingSession(run, run.load_dataset(), probe_size=64).run()
    return Run.open(folder)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("runs") / "z2", z_dim=2)


@pytest.fixture(scope="session")
def tiny_run_z4(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("runs") / "z4", z_dim=4)
