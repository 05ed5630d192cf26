"""TensorBoard logs in every run folder: epoch and batch scalars, validation curves, sample reconstructions."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import tiny_config
from vaegui.runs import Run
from vaegui.training import TrainingSession
from vaegui.training.tensorboard_logs import sample_grid

pytestmark = pytest.mark.trains  # left out of `make test-fast` (tests/suite_tiers.py)


def read_events(folder) -> dict[str, list[tuple[int, object]]]:
    """tag -> [(step, value)] over every event file in `folder` (scalars as floats, images as encoded tensors)."""
    found = defaultdict(list)
    for path in sorted(folder.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                tensor = tf.make_ndarray(value.tensor)
                found[value.tag].append((event.step, float(tensor) if tensor.ndim == 0 else tensor))
    return found


def test_every_run_writes_scalars_batches_and_reconstructions(tmp_path, digits):
    run = Run.create(tmp_path / "run", tiny_config(epochs=2))
    TrainingSession(run, digits, probe_size=50, sample_count=4).run()
    train = read_events(run.folder / "tensorboard" / "train")
    validation = read_events(run.folder / "tensorboard" / "validation")

    for tag in ("epoch_loss", "epoch_reconstruction_loss", "epoch_kl_loss", "epoch_beta", "epoch_images_per_second"):
        assert [step for step, _ in train[tag]] == [1, 2], tag
    assert [v for _, v in train["epoch_loss"]] == pytest.approx([r["loss"] for r in run.history], rel=1e-6)
    assert [v for _, v in validation["epoch_loss"]] == pytest.approx([r["val_loss"] for r in run.history], rel=1e-6)
    batches = math.ceil(len(digits.train) / 64)
    assert [step for step, _ in train["batch_loss"]] == list(range(1, 2 * batches + 1))
    assert [v for _, v in train["batch_loss"]] == pytest.approx([r["loss"] for r in run.batch_history], rel=1e-6)

    steps = [step for step, _ in train["reconstructions"]]
    assert steps == [1, 2]
    width, height, png = train["reconstructions"][-1][1][:3]
    image = tf.io.decode_png(png).numpy()
    # 8×8 digits enlarged 7× to 56 px: 4 test images side by side, originals above reconstructions.
    assert (int(width), int(height)) == (4 * 56, 2 * 56) and image.shape == (112, 224, 1)


def test_a_resumed_run_continues_its_logs_without_repeating_epochs(tmp_path, digits):
    run = Run.create(tmp_path / "run", tiny_config(epochs=1))
    TrainingSession(run, digits, probe_size=0).run()
    reopened = Run.open(run.folder)
    reopened.config.training.epochs = 2
    TrainingSession(reopened, digits, probe_size=0).run()
    train = read_events(run.folder / "tensorboard" / "train")
    assert [step for step, _ in train["epoch_loss"]] == [1, 2]


def test_sample_grid_puts_originals_above_reconstructions():
    originals = np.zeros((3, 28, 28, 1), np.float32)
    reconstructions = np.ones((3, 28, 28, 1), np.float32)
    grid = sample_grid(originals, reconstructions)
    assert grid.shape == (112, 168, 1)  # 28 px tiles enlarged 2×
    assert grid[:56].max() == 0 and grid[56:].min() == 1
