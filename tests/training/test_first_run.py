"""The app's first training: which dataset, how much of it, and the time the welcome announces, measured here."""

from __future__ import annotations

import pytest

import vaegui.data.registry as registry
from vaegui.config import RunConfig
from vaegui.training.first_run import (
    FIRST_RUNS,
    Pace,
    best_offline_dataset,
    estimate_range,
    pace_from_training,
    say_duration_range,
    time_default_batches,
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


def test_the_estimate_counts_each_epoch_of_each_picture_and_widens_a_first_guess():
    measured = Pace(seconds_per_1000_images=0.5, start_seconds=3.0, source="training")
    low, high = estimate_range(measured, "fashion_mnist", 6000, 10)
    assert low < 3.0 + 10 * 6 * 0.5 < high
    assert estimate_range(measured, "fashion_mnist", 6000, 20)[0] > low  # more epochs, longer
    # "All" of a dataset is its whole size; more than it has is all of it.
    assert estimate_range(measured, "digits", None, 5) == estimate_range(measured, "digits", 10**6, 5)
    guessed = Pace(0.5, 3.0, "batches")  # a few batches timed: what an epoch adds besides them is not seen
    g_low, g_high = estimate_range(guessed, "fashion_mnist", 6000, 10)
    assert g_high / g_low > high / low
    assert estimate_range(measured, "/some/folder", None, 5) is None and estimate_range(None, "digits", None, 5) is None


def test_a_whole_training_gives_the_pace_the_next_estimate_uses():
    first = Pace(0.2, 2.0, "batches")
    pace = pace_from_training("fashion_mnist", 6000, 10, 51.0, first)  # the 51 s
    assert pace.source == "training" and pace.start_seconds == 2.0
    low, high = estimate_range(pace, "fashion_mnist", 6000, 10)
    assert low < 51.0 < high and high - low < 0.7 * 51  # a measured training: a narrower range than a guess
    assert pace_from_training("/a/folder", None, 10, 51.0, first) is None
    assert Pace.from_dict(pace.to_dict()) == pace
    assert Pace.from_dict({"seconds_per_1000_images": "x"}) is None


def test_durations_are_said_as_a_rounded_range():
    assert say_duration_range((14.0, 26.0)) == "15–25 s"
    assert say_duration_range((31.0, 32.0)) == "30 s"
    assert say_duration_range((70.0, 130.0)) == "70 s–2 min"
    assert say_duration_range((100.0, 200.0)) == "2–3 min"


@pytest.mark.spawns  # left out of `make test-fast` (tests/suite_tiers.py)
def test_a_few_batches_of_the_default_model_are_timed_on_this_machine():
    pace = time_default_batches("digits", 64, timed=3)
    assert pace.source == "batches" and 0 < pace.seconds_per_1000_images < 60 and pace.start_seconds > 0
