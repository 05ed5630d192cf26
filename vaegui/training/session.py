"""TrainingSession: Keras fit() on a run, with per-batch progress, pause/resume/stop and per-epoch checkpoints."""

from __future__ import annotations

import contextlib
import threading
import time

import numpy as np

from vaegui.data import ImageDataset
from vaegui.loss_terms import kl_divergence_terms
from vaegui.runs import Run
from vaegui.training.progress import ProbeSnapshot, TrainingListener, TrainingResult, TrainingStart


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
        self.is_chief = True  # False on the other workers of a multi-worker run: they write no files

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

    # ---- checked by the training thread between batches ----------------------------------

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested.is_set()

    def wait_while_paused(self) -> float:
        """Block while paused (a stop ends the wait too); returns the seconds waited."""
        if self._unpaused.is_set():
            return 0.0
        paused_at = time.perf_counter()
        while not self._unpaused.wait(0.05):
            pass
        return time.perf_counter() - paused_at

    # ---- the training itself -------------------------------------------------------------

    def run(self) -> TrainingResult:
        """Train, holding the run folder's lock throughout (RunFolderInUseError, before any write, if it is taken)."""
        from vaegui.training.distribute import writes_run_folder

        writes = writes_run_folder(self.run_folder.config.training.strategy)
        with self.run_folder.locked() if writes else contextlib.nullcontext():
            return self._train()

    def _train(self) -> TrainingResult:
        import keras

        from vaegui.compat import adapt_step_outputs_for_multiworker
        from vaegui.pipeline import image_batches
        from vaegui.training.devices import configure_devices, device_description
        from vaegui.training.distribute import create_strategy, dtype_policy, precision_policy
        from vaegui.training.keras_callback import SessionCallback
        from vaegui.training.tensorboard_logs import TensorBoardLog

        run, config = self.run_folder, self.run_folder.config
        training = config.training
        train_count = len(self.dataset.train)
        configure_devices()
        # Before any other TensorFlow work: a multi-worker strategy sets up the runtime itself.
        choice = create_strategy(training.strategy)
        self.is_chief = choice.is_chief
        # The batch size is per replica, so each GPU keeps the work (and memory) it has on its own.
        training.check_batch_fits(train_count, choice.replicas)
        global_batch = training.batch_size * choice.replicas
        if training.seed is not None:
            # Offset by the epochs done so a resumed run does not replay the first epochs' shuffles.
            keras.utils.set_random_seed(training.seed + run.epochs_completed)
        if run.class_names is None:
            run.class_names = self.dataset.class_names
        run.record_dataset(self.dataset)  # saved with the first checkpoint: the run can then recognise moved data
        if run.epochs_completed >= training.epochs:
            if run.model is None:
                run.build_model(self.dataset.image_shape)
            return TrainingResult(run.epochs_completed, False, str(run.folder))
        policy, precision_note = precision_policy(training.mixed_precision)
        with choice.strategy.scope():
            # Variables must be created inside the strategy's scope, and layers under the dtype policy:
            # a model made otherwise (by an earlier session, or the GUI) is rebuilt from the checkpoint.
            model = run.model
            if model is None or _built_for(model) != (choice.strategy if choice.distributed else None, policy):
                with dtype_policy(policy):
                    model = run.build_model(self.dataset.image_shape)
            model.set_mu_only(False)
            model.set_kl_weight(config.model.kl_weight)
            model.compile(
                optimizer=keras.optimizers.Adam(training.learning_rate),
                steps_per_execution=training.steps_per_execution,
                jit_compile=training.jit_compile,
            )
            run.load_optimizer_state(model)
            if choice.name == "multiworker":
                adapt_step_outputs_for_multiworker(model)
        start_weights = None if run.checkpoint else model.get_weights()

        # Workers must shuffle alike, as each takes its share of the same global batches.
        seed = 0 if training.seed is None and choice.name == "multiworker" else training.seed
        train_batches = image_batches(self.dataset.train.images, global_batch, shuffle=True, seed=seed)
        test_split = self.dataset.test if len(self.dataset.test) else None
        test_batches = image_batches(test_split.images, global_batch) if test_split else None
        tensorboard = TensorBoardLog(run.tensorboard_dir) if choice.is_chief else None
        callback = SessionCallback(self, train_count, test_batches, global_batch, tensorboard)
        device = device_description() + (f" · {choice.describe()}" if choice.distributed else "")
        notes = tuple(note for note in (precision_note,) if note)
        if tensorboard is not None and not tensorboard.available:
            notes += ("TensorBoard logs are off because the tensorboard package is missing: pip install tensorboard",)
        self.listener.on_start(
            TrainingStart(
                device=device,
                run_folder=str(run.folder),
                initial_epoch=run.epochs_completed,
                epochs=training.epochs,
                batches_per_epoch=callback.batches_per_epoch,
                train_images=train_count,
                notes=notes,
            )
        )
        try:
            model.fit(
                train_batches,
                epochs=training.epochs,
                initial_epoch=run.epochs_completed,
                callbacks=[callback],
                shuffle=False,  # the pipeline shuffles
                verbose=0,
            )
        finally:
            if tensorboard is not None:
                tensorboard.close()
        if callback.interrupted_epoch:
            # Put back the last completed epoch so memory and disk agree.
            if run.checkpoint:
                run.restore_checkpoint(model)
            elif start_weights is not None:
                model.set_weights(start_weights)
        if callback.failure is not None:
            raise callback.failure
        stopped = self.stop_requested and run.epochs_completed < training.epochs
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
        mu, log_var = self._encode(model, self._probe_images)
        shown = min(self.sample_count, len(mu))
        reconstructions = self._decode(model, mu[:shown]) if shown else mu[:0]
        kl_per_dim = kl_divergence_terms(mu, log_var).mean(axis=0)
        return ProbeSnapshot(
            epoch=epoch,
            mu=mu,
            log_var=log_var,
            labels=self._probe_labels,
            originals=self._probe_images[:shown],
            reconstructions=reconstructions,
            kl_per_dim=kl_per_dim,
        )

    @staticmethod
    def _encode(model, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Under a distribution strategy predict_on_batch runs the whole batch on every replica and
        # concatenates the copies; a direct call of the model uses the weights once.
        if _built_for(model)[0] is None:
            mu, log_var, _ = model.encoder.predict_on_batch(images)
        else:
            mu, log_var, _ = model.encoder(images, training=False)
        return np.asarray(mu, dtype=np.float32), np.asarray(log_var, dtype=np.float32)

    @staticmethod
    def _decode(model, z: np.ndarray) -> np.ndarray:
        if _built_for(model)[0] is None:
            return np.asarray(model.decoder.predict_on_batch(z), dtype=np.float32)
        return np.asarray(model.decoder(z, training=False), dtype=np.float32)

    def reconstruction_samples(self) -> tuple[np.ndarray, np.ndarray] | None:
        """A few fixed test images and their reconstructions from mu, for TensorBoard."""
        count = min(self.sample_count or 8, len(self.dataset.test) or len(self.dataset.train))
        if count <= 0:
            return None
        split = self.dataset.test if len(self.dataset.test) else self.dataset.train
        if not hasattr(self, "_sample_images"):
            self._sample_images = np.asarray(split.images[np.arange(count)], dtype=np.float32)
        model = self.run_folder.model
        mu, _ = self._encode(model, self._sample_images)
        return self._sample_images, self._decode(model, mu)


def _built_for(model) -> tuple[object | None, str]:
    """The distribution strategy (None: none) and dtype policy a model's variables were made for."""
    return getattr(model, "_distribute_strategy", None), model.dtype_policy.name
