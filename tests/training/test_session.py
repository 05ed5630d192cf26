"""TrainingSession on real tiny models: progress, checkpoints, pause/resume/stop, seeds, NaN, resume."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from tests.conftest import tiny_config
from vaegui.errors import ConfigError, TrainingError
from vaegui.runs import Run
from vaegui.training import TrainingListener, TrainingSession

pytestmark = pytest.mark.trains  # left out of `make test-fast` (tests/suite_tiers.py)


class Recorder(TrainingListener):
    def __init__(self):
        self.starts, self.batches, self.epochs = [], [], []

    def on_start(self, start):
        self.starts.append(start)

    def on_batch(self, progress):
        self.batches.append(progress)

    def on_epoch(self, progress):
        self.epochs.append(progress)


def train(tmp_path, digits, name="run", listener=None, **training):
    run = Run.create(tmp_path / name, tiny_config(**training))
    listener = listener or Recorder()
    result = TrainingSession(run, digits, listener, probe_size=100, sample_count=4).run()
    return run, listener, result


def test_reports_every_batch_and_epoch_and_checkpoints_each_epoch(tmp_path, digits):
    run, recorder, result = train(tmp_path, digits)
    assert result.epochs_completed == 2 and not result.stopped
    batches_per_epoch = math.ceil(len(digits.train) / 64)
    assert len(recorder.batches) == 2 * batches_per_epoch
    last = recorder.batches[-1]
    assert (last.epoch, last.batch, last.batches) == (2, batches_per_epoch, batches_per_epoch)
    assert last.images_per_second > 0 and last.eta_seconds == pytest.approx(0, abs=1e-6)
    assert all(math.isfinite(b.losses["loss"]) for b in recorder.batches)
    assert [e.epoch for e in recorder.epochs] == [1, 2]
    record = recorder.epochs[-1].record
    assert {"loss", "reconstruction_loss", "kl_loss", "val_loss", "seconds", "images_per_second"} <= set(record)
    probe = recorder.epochs[-1].views
    assert probe.mu.shape == (100, 2) and probe.labels.shape == (100,)
    assert probe.reconstructions.shape == (4, *digits.image_shape) and probe.kl_per_dim.shape == (2,)
    assert recorder.starts[0].device.startswith(("CPU", "GPU"))

    reopened = Run.open(run.folder)
    assert reopened.epochs_completed == 2
    assert [row["epoch"] for row in reopened.history] == [1, 2]
    assert len(reopened.batch_history) == 2 * batches_per_epoch
    assert (run.folder / f"{reopened.checkpoint}.weights.h5").is_file()
    model = reopened.load_model()
    np.testing.assert_allclose(
        model.encode(digits.test.images[:8]).mu, run.model.encode(digits.test.images[:8]).mu, rtol=1e-5, atol=1e-6
    )


def test_images_per_epoch_trains_on_a_random_draw_and_tests_on_a_fixed_few(tmp_path, digits):
    run, recorder, _ = train(tmp_path, digits, epochs=2, batch_size=50, images_per_epoch=200)
    assert recorder.starts[0].train_images == 200 and recorder.starts[0].batches_per_epoch == 4
    assert len(recorder.batches) == 2 * 4 and [b.batches for b in recorder.batches] == [4] * 8
    session = TrainingSession(run, digits)
    tested = session.test_images()
    assert len(tested) == len(digits.test) == 180  # 200 asked, 180 in the test split: all of them
    run.config.training.images_per_epoch = 100
    tested, again = session.test_images(), session.test_images()
    assert len(tested) == 100
    np.testing.assert_array_equal(tested[:], again[:])  # the same ones every epoch
    assert all(math.isfinite(e.record["val_loss"]) for e in recorder.epochs)


def test_batch_losses_average_to_the_epoch_loss(tmp_path, digits):
    run, recorder, _ = train(tmp_path, digits, epochs=1, batch_size=49)  # 1617 = 33 × 49: equal batches
    mean_of_batches = np.mean([b.losses["loss"] for b in recorder.batches])
    assert mean_of_batches == pytest.approx(recorder.epochs[0].record["loss"], rel=1e-4)


def test_same_seed_same_losses_and_other_seed_differs(tmp_path, digits):
    first = train(tmp_path, digits, "a", seed=7)[0].history
    second = train(tmp_path, digits, "b", seed=7)[0].history
    other = train(tmp_path, digits, "c", seed=8)[0].history
    # Equal up to float rounding: TensorFlow's multi-threaded CPU reductions may sum in another order.
    for name in ("loss", "kl_loss", "val_loss"):
        assert [r[name] for r in first] == pytest.approx([r[name] for r in second], rel=1e-6)
    assert [r["loss"] for r in first] != pytest.approx([r["loss"] for r in other], rel=1e-4)


class StopAfter(Recorder):
    """Stops (or pauses) the session from another thread at a chosen batch, like a GUI button would."""

    def __init__(self, epoch, batch, action="stop"):
        super().__init__()
        self.at, self.action, self.session = (epoch, batch), action, None

    def on_batch(self, progress):
        super().on_batch(progress)
        if (progress.epoch, progress.batch) == self.at:
            threading.Thread(target=getattr(self.session, self.action)).start()
            threading.Event().wait(0.2)  # the click lands while this batch is still being reported


def test_stop_mid_epoch_keeps_the_last_completed_epoch(tmp_path, digits):
    run = Run.create(tmp_path / "run", tiny_config(epochs=3))
    listener = StopAfter(epoch=2, batch=5)
    session = TrainingSession(run, digits, listener, probe_size=0)
    listener.session = session
    result = session.run()
    assert result.stopped and result.epochs_completed == 1
    assert listener.batches[-1].epoch == 2 and listener.batches[-1].batch <= 6, "stop must answer within a batch"
    reopened = Run.open(run.folder)
    assert reopened.epochs_completed == 1 and [r["epoch"] for r in reopened.history] == [1]
    assert all(r["epoch"] == 1 for r in reopened.batch_history)
    saved = reopened.load_model()
    for mine, theirs in zip(run.model.get_weights(), saved.get_weights()):
        np.testing.assert_array_equal(mine, theirs)  # memory holds epoch 1 again, not half of epoch 2


def test_pause_holds_training_until_resume(tmp_path, digits):
    run = Run.create(tmp_path / "run", tiny_config(epochs=1))
    listener = StopAfter(epoch=1, batch=3, action="pause")
    session = TrainingSession(run, digits, listener, probe_size=0)
    listener.session = session
    worker = threading.Thread(target=session.run)
    worker.start()
    for _ in range(600):
        if session.paused:
            break
        threading.Event().wait(0.1)
    threading.Event().wait(1.0)
    assert session.paused and len(listener.batches) == 3, "no batch may run while paused"
    session.resume()
    worker.join(60)
    assert not worker.is_alive()
    assert run.epochs_completed == 1 and len(listener.batches) == math.ceil(len(digits.train) / 64)


def test_resume_continues_from_the_checkpoint_without_duplicate_epochs(tmp_path, digits):
    run, _, _ = train(tmp_path, digits, epochs=2)
    reopened = Run.open(run.folder)
    reopened.config.training.epochs = 4
    reopened.save_config()
    recorder = Recorder()
    result = TrainingSession(reopened, digits, recorder, probe_size=0).run()
    assert result.epochs_completed == 4
    assert [e.epoch for e in recorder.epochs] == [3, 4]
    assert [r["epoch"] for r in Run.open(run.folder).history] == [1, 2, 3, 4]
    # Adam's moments came back too: the optimizer continued its step count.
    assert int(reopened.model.optimizer.iterations.numpy()) == 4 * math.ceil(len(digits.train) / 64)


def test_nan_loss_stops_with_a_clear_message_and_keeps_good_weights(tmp_path, digits):
    run, _, _ = train(tmp_path, digits, epochs=1)
    good = [w.copy() for w in run.model.get_weights()]
    reopened = Run.open(run.folder)
    reopened.config.training.epochs = 3
    reopened.config.training.learning_rate = 10.0
    with pytest.raises(TrainingError, match=r"NaN.*weights of epoch 1 are kept.*Lower the learning rate"):
        # A huge step on the KL's exp(log_var) overflows to inf within a few batches.
        reopened.config.model.kl_weight = 1.0
        TrainingSession(reopened, digits, Recorder(), probe_size=0).run()
    assert Run.open(run.folder).epochs_completed == 1
    for mine, theirs in zip(reopened.model.get_weights(), good):
        np.testing.assert_array_equal(mine, theirs)


def test_batch_size_larger_than_the_data_is_refused(tmp_path, digits):
    run = Run.create(tmp_path / "run", tiny_config(batch_size=5000))
    with pytest.raises(ConfigError, match=r"Batch size 5000 is larger than the training set \(1617 images\)"):
        TrainingSession(run, digits).run()


def test_kl_warmup_raises_beta_linearly(tmp_path, digits):
    run, _, _ = train(tmp_path, digits, epochs=3, kl_warmup_epochs=2)
    betas = [r["beta"] for r in run.history]
    assert betas == pytest.approx([0.5, 1.0, 1.0])


def test_a_new_run_traces_its_training_step_once(tmp_path, digits, monkeypatch):
    """Adam's moments used to be made by the first step, so TensorFlow traced the step twice (once to lift the new
    variables out, once more): a second of the default model's start, before its first batch."""
    from vaegui.model.vae import VAE

    traced = []
    train_step = VAE.train_step
    monkeypatch.setattr(VAE, "train_step", lambda self, data: traced.append(1) or train_step(self, data))
    run, _, result = train(tmp_path, digits, epochs=2)
    assert result.epochs_completed == 2 and len(traced) == 1  # Python runs a traced step only while tracing it
