"""The app's first training: which dataset, how much of it, and the time the welcome announces."""

from __future__ import annotations

import pytest

import vaegui.data.registry as registry
from vaegui.config import RunConfig
from vaegui.training.first_run import (
    BUSY_CORES,
    CPU_SECONDS_PER_1000_IMAGES,
    FIRST_RUNS,
    START_CPU_SECONDS,
    best_offline_dataset,
    estimate_seconds,
)


def test_the_best_dataset_is_real_28_by_28_pictures_when_there_are_some(monkeypatch):
    assert best_offline_dataset() == registry.offline_dataset_names()[0]
    for variable in (registry.FASHION_MNIST_DIR_ENV, registry.MNIST_DIR_ENV):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(registry, "FASHION_MNIST_DIRS", ())
    monkeypatch.setattr(registry, "MNIST_DIRS", ())
    assert best_offline_dataset() == "digits"


def test_every_first_run_is_a_valid_setting():
    for dataset, sized in FIRST_RUNS.items():
        config = RunConfig()
        config.data.dataset, config.data.subset, config.training.epochs = dataset, sized.subset, sized.epochs
        config.validate()


def test_the_estimate_counts_each_epoch_of_each_picture(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    one, two = estimate_seconds("fashion_mnist", 7000, 1), estimate_seconds("fashion_mnist", 7000, 2)
    per_epoch = 7 * CPU_SECONDS_PER_1000_IMAGES["fashion_mnist"] / BUSY_CORES
    assert two - one == pytest.approx(per_epoch)
    assert one == pytest.approx(START_CPU_SECONDS["fashion_mnist"] / BUSY_CORES + per_epoch)
    # "all" of a dataset is its whole size; more than it has is all of it.
    assert estimate_seconds("fashion_mnist", None, 1) == estimate_seconds("fashion_mnist", 10**6, 1)
    assert estimate_seconds("/some/folder", None, 5) is None
