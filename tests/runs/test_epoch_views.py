"""Each epoch's views kept in the run folder: written by training (headless too), read back whole."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import tiny_config
from vaegui.runs import Run
from vaegui.runs.epoch_views import EPOCHS_DIR, load_epoch_views
from vaegui.runs.snapshot import RunSnapshot
from vaegui.training import TrainingSession
from vaegui.training.progress import EpochProgress, TrainingListener

pytestmark = pytest.mark.trains  # left out of `make test-fast` (tests/suite_tiers.py)


def test_training_keeps_each_epochs_views_and_a_reopened_run_reads_the_same(tmp_path, digits):
    seen: list[EpochProgress] = []

    class Recorder(TrainingListener):
        def on_epoch(self, progress):
            seen.append(progress)

    run = Run.create(tmp_path / "run", tiny_config(epochs=3))
    TrainingSession(run, digits, Recorder(), probe_size=40, sample_count=5).run()
    views = load_epoch_views(run.folder)
    assert sorted(views) == [1, 2, 3]
    for progress in seen:
        stored, live = views[progress.epoch], progress.views
        np.testing.assert_array_equal(stored.mu, live.mu)
        np.testing.assert_allclose(stored.reconstructions, live.reconstructions, atol=1 / 255)  # 8 bits a channel
        np.testing.assert_array_equal(stored.kl_per_dim, live.kl_per_dim)
        assert stored.quality == live.quality and progress.record["active_units"] == live.quality["active_units"]
    last = views[3]
    assert last.mu.shape == (40, 2) and last.reconstructions.shape == (5, 8, 8, 1)
    assert last.labels is not None and len(last.labels) == 40 and last.originals.shape == (5, 8, 8, 1)
    np.testing.assert_array_equal(last.coords, last.mu)  # z_dim 2: the preview is mu itself
    # The active-unit count in the history is the covariance test on the probe's means.
    assert last.quality["active_units"] == np.sum(last.mu.var(axis=0) > 0.01)
    assert RunSnapshot.read(run.folder).views.keys() == views.keys()


def test_a_damaged_epoch_file_loses_only_that_epochs_pictures(tmp_path, digits):
    run = Run.create(tmp_path / "run", tiny_config(epochs=2))
    TrainingSession(run, digits, probe_size=20).run()
    (run.folder / EPOCHS_DIR / "epoch-00001.npz").write_bytes(b"not a zip")
    assert sorted(load_epoch_views(run.folder)) == [2]
