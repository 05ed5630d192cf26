"""TrainingSession: Keras fit() on a run, with per-batch progress, pause/resume/stop and per-epoch checkpoints."""

from __future__ import annotations

import contextlib

import numpy as np

from vaegui.data import ImageDataset
from vaegui.runs import Run
from vaegui.runs.epoch_views import EpochViews, Probe
from vaegui.runs.history import QUALITY_COLUMNS
from vaegui.training.control import TrainingControl
from vaegui.training.progress import TrainingListener, TrainingResult, TrainingStart


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
        control: TrainingControl | None = None,
    ):
        self.run_folder = run
        self.dataset = dataset
        self.listener = listener or TrainingListener()
        self.probe_size = probe_size
        self.sample_count = sample_count
        self.control = control or TrainingControl()
        self.is_chief = True  # False on the other workers of a multi-worker run: they write no files
        self._probe: Probe | None = None

    # ---- control, from any thread: the control's own state, the one place it lives ------------

    def pause(self) -> None:
        self.control.pause()

    def resume(self) -> None:
        self.control.resume()

    def stop(self) -> None:
        self.control.stop()

    @property
    def paused(self) -> bool:
        return self.control.paused

    @property
    def stop_requested(self) -> bool:
        return self.control.stop_requested

    def wait_while_paused(self) -> float:
        """Block while paused (a stop ends the wait too); returns the seconds waited."""
        return self.control.wait_while_paused()

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
        train_count = training.epoch_images(len(self.dataset.train))
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
            if not model.optimizer.built:
                # Here, not in the first step: TensorFlow traces a step whose first call makes variables (Adam's
                # moments) twice, once to lift them out and once more, all before a new run's first batch.
                model.optimizer.build(model.trainable_variables)
            run.load_optimizer_state(model)
            if choice.name == "multiworker":
                adapt_step_outputs_for_multiworker(model)
        start_weights = None if run.checkpoint else model.get_weights()

        # Workers must shuffle alike, as each takes its share of the same global batches.
        seed = 0 if training.seed is None and choice.name == "multiworker" else training.seed
        train_batches = image_batches(self.dataset.train.images, global_batch, shuffle=True, seed=seed,
                                      images_per_pass=train_count)
        test_images = self.test_images()
        test_batches = image_batches(test_images, global_batch) if test_images is not None else None
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

    def test_images(self):
        """The test images each epoch's test loss is measured on: all of them, or with `images_per_epoch` at most
        that many, chosen at random once (the same ones every epoch, so the figures compare), None when none."""
        images, limit = self.dataset.test.images, self.run_folder.config.training.images_per_epoch
        if not len(images):
            return None
        if limit is None or limit >= len(images):
            return images
        return images.subset(np.sort(np.random.default_rng(0).choice(len(images), limit, replace=False)))

    # ---- each epoch, seen through the same probe images ----------------------------------

    def probe(self) -> Probe | None:
        """The fixed images every epoch is seen through: up to probe_size test images (train when none)."""
        if self.probe_size <= 0:
            return None
        if self._probe is None:
            name = "test" if len(self.dataset.test) else "train"
            split = self.dataset.test if name == "test" else self.dataset.train
            count = min(self.probe_size, len(split))
            indices = np.sort(np.random.default_rng(0).choice(len(split), size=count, replace=False))
            self._probe_images = np.asarray(split.images[indices], dtype=np.float32)
            labels = None if split.labels is None else np.asarray(split.labels)[indices]
            self._probe = Probe(name, indices, labels, self._probe_images[: min(self.sample_count, count)])
        return self._probe

    def see_epoch(self, epoch: int) -> EpochViews | None:
        """The epoch's views and quality figures, from one pass of the probe images through the model."""
        from vaegui.latent.quality import encode_for_quality, quality_of

        probe = self.probe()
        if probe is None:
            return None
        model = self.run_folder.model
        hidden, mu, log_var, reconstructions = encode_for_quality(model, self._probe_images)
        quality = quality_of(self._probe_images, probe.labels, hidden, mu, log_var, reconstructions,
                             getattr(model, "reconstruction_loss_name", "bce"))
        figures = quality.to_record()
        return EpochViews(epoch, mu, quality.arrays.kl_per_dimension, quality.arrays.mu_variance,
                          reconstructions[: len(probe.strip)], {name: figures[name] for name in QUALITY_COLUMNS},
                          probe)


def _built_for(model) -> tuple[object | None, str]:
    """The distribution strategy (None: none) and dtype policy a model's variables were made for."""
    return getattr(model, "_distribute_strategy", None), model.dtype_policy.name
