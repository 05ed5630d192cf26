"""TrainingSession: Keras fit() on a run, with per-batch progress, pause/resume/stop and per-epoch checkpoints."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from vaegui.data import ImageDataset
from vaegui.errors import ConfigError
from vaegui.runs import Run

LOSS_NAMES = ("loss", "reconstruction_loss", "kl_loss")


@dataclass
class TrainingStart:
    device: str
    run_folder: str
    initial_epoch: int
    epochs: int
    batches_per_epoch: int
    train_images: int


@dataclass
class BatchProgress:
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based, within the epoch
    batches: int  # per epoch
    losses: dict[str, float]  # this batch's own losses (not the epoch's running mean)
    images_per_second: float
    eta_seconds: float


@dataclass
class ProbeSnapshot:
    """A fixed set of test images seen through the model after an epoch: the latent map forming."""

    epoch: int
    mu: np.ndarray
    log_var: np.ndarray
    labels: np.ndarray | None
    originals: np.ndarray
    reconstructions: np.ndarray
    kl_per_dim: np.ndarray  # mean KL of each latent dimension: near zero everywhere means posterior collapse


@dataclass
class EpochProgress:
    epoch: int
    epochs: int
    record: dict[str, float]  # the history.csv row
    probe: ProbeSnapshot | None


@dataclass
class TrainingResult:
    epochs_completed: int
    stopped: bool  # by the user, before the last epoch
    run_folder: str


class TrainingListener:
    """Receives progress from the training thread; override what you need. Keep each call short."""

    def on_start(self, start: TrainingStart) -> None: ...

    def on_batch(self, progress: BatchProgress) -> None: ...

    def on_epoch(self, progress: EpochProgress) -> None: ...


class TrainingSession:
    """Trains `run`'s model on `dataset` until the run's configured epoch count, checkpointing each epoch.

    `run()` blocks: call it from a worker thread. `pause()`, `resume()` and `stop()` may be called
    from any thread and take effect at the next batch boundary. A stop mid-epoch puts back the
    weights of the last completed epoch, so the model in memory equals the one on disk.
    """

    def __init__(
        self,
        run: Run,
        dataset: ImageDataset,
        listener: TrainingListener | None = None,
        *,
        probe_size: int = 1000,
        sample_count: int = 8,
    ):
        self.run_folder = run
        self.dataset = dataset
        self.listener = listener or TrainingListener()
        self.probe_size = probe_size
        self.sample_count = sample_count
        self._stop_requested = threading.Event()
        self._unpaused = threading.Event()
        self._unpaused.set()

    # ---- control, from any thread --------------------------------------------------------

    def pause(self) -> None:
        self._unpaused.clear()

    def resume(self) -> None:
        self._unpaused.set()

    def stop(self) -> None:
        self._stop_requested.set()
        self._unpaused.set()

    @property
    def paused(self) -> bool:
        return not self._unpaused.is_set()

    # ---- the training itself -------------------------------------------------------------

    def run(self) -> TrainingResult:
        import keras

        from vaegui.pipeline import image_batches
        from vaegui.training.devices import configure_devices, device_description
        from vaegui.training.keras_callback import SessionCallback

        run, config = self.run_folder, self.run_folder.config
        training = config.training
        train_count = len(self.dataset.train)
        if training.batch_size > train_count:
            raise ConfigError(
                f"Batch size {training.batch_size} is larger than the training set ({train_count} images): "
                f"choose a batch size of at most {train_count}."
            )
        configure_devices()
        if training.seed is not None:
            # Offset by the epochs done so a resumed run does not replay the first epochs' shuffles.
            keras.utils.set_random_seed(training.seed + run.epochs_completed)
        if run.class_names is None:
            run.class_names = self.dataset.class_names
        model = run.model or run.build_model(self.dataset.image_shape)
        if run.epochs_completed >= training.epochs:
            return TrainingResult(run.epochs_completed, False, str(run.folder))
        model.set_mu_only(False)
        model.set_kl_weight(config.model.kl_weight)
        model.compile(
            optimizer=keras.optimizers.Adam(training.learning_rate),
            steps_per_execution=training.steps_per_execution,
            jit_compile=training.jit_compile,
        )
        run.load_optimizer_state(model)
        start_weights = None if run.checkpoint else model.get_weights()

        train_batches = image_batches(self.dataset.train.images, training.batch_size, shuffle=True, seed=training.seed)
        test_split = self.dataset.test if len(self.dataset.test) else None
        test_batches = image_batches(test_split.images, training.batch_size) if test_split else None
        callback = SessionCallback(self, train_count, test_batches)
        self.listener.on_start(
            TrainingStart(
                device=device_description(),
                run_folder=str(run.folder),
                initial_epoch=run.epochs_completed,
                epochs=training.epochs,
                batches_per_epoch=callback.batches_per_epoch,
                train_images=train_count,
            )
        )
        model.fit(
            train_batches,
            epochs=training.epochs,
            initial_epoch=run.epochs_completed,
            callbacks=[callback],
            shuffle=False,  # the pipeline shuffles
            verbose=0,
        )
        if callback.interrupted_epoch:
            # Put back the last completed epoch so memory and disk agree.
            if run.checkpoint:
                run.restore_checkpoint(model)
            elif start_weights is not None:
                model.set_weights(start_weights)
        if callback.failure is not None:
            raise callback.failure
        stopped = self._stop_requested.is_set() and run.epochs_completed < training.epochs
        return TrainingResult(run.epochs_completed, stopped, str(run.folder))

    # ---- per-epoch extras ----------------------------------------------------------------

    def probe_indices(self) -> tuple[object, np.ndarray]:
        split = self.dataset.test if len(self.dataset.test) else self.dataset.train
        count = min(self.probe_size, len(split))
        rng = np.random.default_rng(0)
        return split, np.sort(rng.choice(len(split), size=count, replace=False))

    def take_probe(self, epoch: int) -> ProbeSnapshot | None:
        if self.probe_size <= 0:
            return None
        model = self.run_folder.model
        split, indices = self.probe_indices()
        if not hasattr(self, "_probe_images"):
            self._probe_images = np.asarray(split.images[indices], dtype=np.float32)
            self._probe_labels = None if split.labels is None else np.asarray(split.labels)[indices]
        mu, log_var, _ = model.encoder.predict_on_batch(self._probe_images)
        mu, log_var = np.asarray(mu), np.asarray(log_var)
        shown = min(self.sample_count, len(mu))
        reconstructions = np.asarray(model.decoder.predict_on_batch(mu[:shown])) if shown else mu[:0]
        kl_per_dim = np.mean(-0.5 * (1.0 + log_var - mu**2 - np.exp(log_var)), axis=0)
        return ProbeSnapshot(
            epoch=epoch,
            mu=mu,
            log_var=log_var,
            labels=self._probe_labels,
            originals=self._probe_images[:shown],
            reconstructions=reconstructions,
            kl_per_dim=kl_per_dim,
        )
