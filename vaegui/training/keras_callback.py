"""The Keras callback behind TrainingSession: progress, pause/stop checks, NaN guard, checkpoints."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import keras

from vaegui.errors import TrainingError
from vaegui.loss_terms import LOSS_NAMES
from vaegui.runs.epoch_views import save_epoch_views
from vaegui.runs.history import merge_epoch_rows
from vaegui.training.progress import BatchProgress, EpochProgress, TrainingListener

if TYPE_CHECKING:
    from vaegui.runs import Run
    from vaegui.runs.epoch_views import EpochViews
    from vaegui.training.tensorboard_logs import TensorBoardLog


class TrainedSession(Protocol):
    """What the callback uses of the TrainingSession that created it (named here, so neither imports the other)."""

    run_folder: Run
    listener: TrainingListener
    is_chief: bool

    @property
    def stop_requested(self) -> bool: ...

    def wait_while_paused(self) -> float: ...

    def see_epoch(self, epoch: int) -> EpochViews | None: ...


@dataclass
class _EpochClock:
    started: float = 0.0
    paused_seconds: float = 0.0
    batches_done: int = 0
    previous_means: dict[str, float] = field(default_factory=dict)
    batch_records: list[dict[str, float]] = field(default_factory=list)

    def active_seconds(self) -> float:
        return max(time.perf_counter() - self.started - self.paused_seconds, 1e-9)


class SessionCallback(keras.callbacks.Callback):
    """Turns Keras' callback hooks into progress reports, pause/stop checks, NaN guard and checkpoints."""

    def __init__(
        self,
        session: TrainedSession,
        train_count: int,
        test_batches,
        batch_size: int,
        tensorboard: TensorBoardLog | None = None,
    ):
        super().__init__()
        self.session = session
        self.train_count = train_count
        self.test_batches = test_batches
        self.tensorboard = tensorboard
        config = session.run_folder.config
        self.batch_size = batch_size  # global: all replicas together
        self.epochs = config.training.epochs
        self.kl_weight = config.model.kl_weight
        self.warmup = config.training.kl_warmup_epochs
        self.batches_per_epoch = math.ceil(train_count / self.batch_size)
        self.clock = _EpochClock()
        self.interrupted_epoch = False
        self.failure: Exception | None = None
        self.recent_seconds_per_batch: float | None = None

    def beta_for(self, epoch: int) -> float:
        if self.warmup <= 0:
            return self.kl_weight
        return self.kl_weight * min(1.0, epoch / self.warmup)

    def on_epoch_begin(self, epoch, logs=None):
        number = epoch + 1
        self.model.set_kl_weight(self.beta_for(number))
        self.clock = _EpochClock(started=time.perf_counter())

    def on_train_batch_end(self, batch, logs=None):
        session, clock = self.session, self.clock
        done = min(batch + 1, self.batches_per_epoch)
        means = {name: float(logs[name]) for name in LOSS_NAMES if logs and name in logs}
        # Keras reports running means over the epoch; difference them back into this batch's own values.
        previous = clock.batches_done
        losses = {
            name: (done * value - previous * clock.previous_means.get(name, 0.0)) / max(done - previous, 1)
            for name, value in means.items()
        }
        clock.previous_means, clock.batches_done = means, done
        epoch = self._epoch_number()
        clock.batch_records.append({"epoch": epoch, "batch": done, **losses})
        if not all(math.isfinite(v) for v in means.values()):
            self.failure = self._nan_error(epoch, done)
            self.interrupted_epoch = True
            self.model.stop_training = True
            return
        images = min(done * self.batch_size, self.train_count)
        seconds = clock.active_seconds()
        images_per_second = images / seconds
        per_batch = seconds / done
        remaining = (self.batches_per_epoch - done) + (self.epochs - epoch) * self.batches_per_epoch
        session.listener.on_batch(
            BatchProgress(
                epoch=epoch,
                epochs=self.epochs,
                batch=done,
                batches=self.batches_per_epoch,
                losses=losses,
                images_per_second=images_per_second,
                eta_seconds=remaining * (self.recent_seconds_per_batch or per_batch),
            )
        )
        clock.paused_seconds += session.wait_while_paused()
        if session.stop_requested:
            self.model.stop_training = True

    def _epoch_number(self) -> int:
        return self.session.run_folder.epochs_completed + 1

    def on_epoch_end(self, epoch, logs=None):
        if self.failure is not None:
            return
        clock = self.clock
        number = epoch + 1
        if clock.batches_done < self.batches_per_epoch:
            self.interrupted_epoch = True
            return
        seconds = clock.active_seconds()
        self.recent_seconds_per_batch = seconds / max(clock.batches_done, 1)
        record: dict[str, float] = {"epoch": number}
        record.update({name: float(logs[name]) for name in LOSS_NAMES if logs and name in logs})
        if self.test_batches is not None:
            evaluated = self.model.evaluate(self.test_batches, verbose=0, return_dict=True)
            record.update({f"val_{name}": float(evaluated[name]) for name in LOSS_NAMES if name in evaluated})
        record.update(beta=self.beta_for(number), seconds=seconds, images_per_second=self.train_count / seconds)
        if not all(math.isfinite(record[name]) for name in LOSS_NAMES if name in record):
            self.failure = self._nan_error(number, clock.batches_done)
            self.interrupted_epoch = True
            self.model.stop_training = True
            return
        run = self.session.run_folder
        views = self.session.see_epoch(number)
        if views is not None:
            record.update(views.quality)
        if not self.session.is_chief:
            # Another worker of a multi-worker run: the chief writes the files (they may share a disk).
            run.history = merge_epoch_rows(run.history, number, [record])
            run.batch_history = merge_epoch_rows(run.batch_history, number, clock.batch_records)
            run.epochs_completed = number
        else:
            try:
                run.save_checkpoint(self.model, record, clock.batch_records)
                if views is not None:
                    # After the checkpoint: the folder never has pictures of an epoch it has not kept.
                    save_epoch_views(run.folder, views)
            except (TrainingError, OSError) as error:
                self.failure = error if isinstance(error, TrainingError) else TrainingError(
                    f"Could not save epoch {number}'s pictures into {run.folder} ({error}). The run is intact up "
                    "to this epoch. Free some disk space or choose a writable folder, then continue training.")
                self.model.stop_training = True
                return
            if self.tensorboard is not None:
                # After the checkpoint, so the logs never show an epoch the run folder does not have.
                samples = None if views is None else (views.originals, views.reconstructions)
                self.tensorboard.write_epoch(record, clock.batch_records, self.batches_per_epoch, samples)
        self.session.listener.on_epoch(EpochProgress(epoch=number, epochs=self.epochs, record=record, views=views))

    def _nan_error(self, epoch: int, batch: int) -> TrainingError:
        run = self.session.run_folder
        kept = (
            f"the weights of epoch {run.epochs_completed} are kept" if run.epochs_completed else "no epoch had finished"
        )
        lr = run.config.training.learning_rate
        return TrainingError(
            f"The loss became NaN or infinite at epoch {epoch}, batch {batch}, so training stopped; {kept}. "
            f"Lower the learning rate (now {lr:g}, try {lr / 10:g}) and continue training."
        )
