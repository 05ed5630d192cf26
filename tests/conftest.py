"""Shared fixtures: quiet TensorFlow, offscreen Qt, tiny real models on tiny real data."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
# The app's own settings (the Runs dialog remembers run folders) go to a folder of the test session, also in the
# app processes tests start, never to the person's ~/.config.
# Both are removed when the process ends (each worker's pair was left behind: 900 of each piled up in /tmp); not
# TemporaryDirectory, whose clean-up at exit warns through a hook a Qt worker left behind.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="vaegui-test-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], ignore_errors=True)
# Likewise vaegui's cache (the image folders' checked headers, vaegui/data/verified_images.py); not all of
# XDG_CACHE_HOME, which fontconfig would then rebuild for every process.
os.environ["VAEGUI_CACHE"] = tempfile.mkdtemp(prefix="vaegui-test-cache-")
atexit.register(shutil.rmtree, os.environ["VAEGUI_CACHE"], ignore_errors=True)

import pytest  # noqa: E402

# The tiers (`make test`, `make test-fast`) and how xdist spreads the tests: hooks and a guard, in suite_tiers.py.
from tests.suite_tiers import fast_tier_guard, pytest_configure, pytest_itemcollected  # noqa: E402, F401
from tests.trained_fixtures import copy_of, kept_folder  # noqa: E402
from vaegui.config import DataConfig, ModelConfig, RunConfig, TrainingConfig  # noqa: E402


def tiny_config(**training) -> RunConfig:
    """A model small enough to train an epoch on digits in well under a second."""
    return RunConfig(
        data=DataConfig(dataset="digits"),
        model=ModelConfig(z_dim=2, conv_filters=(4, 8), dense_units=8),
        training=TrainingConfig(**{"epochs": 2, "batch_size": 64, "seed": 1, **training}),
    )


@pytest.fixture(scope="session")
def digits():
    from vaegui.data import load_dataset

    return load_dataset("digits")


@pytest.fixture
def tiny_run_config():
    return tiny_config


@pytest.fixture(autouse=True)
def plain_wording():
    """Each test starts with plain labels, whatever the test before it switched to."""
    yield
    module = sys.modules.get("vaegui.gui.common.wording")
    if module is not None and module._wording is not None:
        module._wording.set_expert(False)


def train_tiny_run(folder: Path, z_dim: int = 2, epochs: int = 2):
    """A run folder with `epochs` real epochs of a tiny conv (4, 8) / dense 8 VAE on digits.

    Trained once per version of the training code (tests/trained_fixtures.py); `folder` gets a copy of its own.
    """
    from vaegui.runs import Run

    config = tiny_config(epochs=epochs)
    config.model.z_dim = z_dim
    return Run.open(copy_of(trained_folder(config, probe_size=64), folder))


def trained_folder(config: RunConfig, **session) -> Path:
    """The kept run folder of `config` trained to its end by TrainingSession(run, its dataset, **session): read it
    through copy_of, never in place."""

    def train(into: Path) -> None:
        from vaegui.runs import Run
        from vaegui.training import TrainingSession

        run = Run.create(into / "run", config)
        TrainingSession(run, run.load_dataset(), **session).run()

    return kept_folder("run", {"config": config.to_dict(), **session}, train) / "run"


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("runs") / "z2", z_dim=2)


@pytest.fixture(scope="session")
def tiny_run_z4(tmp_path_factory):
    return train_tiny_run(tmp_path_factory.mktemp("runs") / "z4", z_dim=4)
