"""A run's checkpoints: save a completed epoch, restore the last, prune, roll back, say what to do when damaged."""

from __future__ import annotations

import errno
import math
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from vaegui.atomic_files import atomic_output_path
from vaegui.compat import h5py_teardown_errors_silenced, mend_keras_saving_cache, os_error_code
from vaegui.config import RunConfig
from vaegui.errors import RunFolderError, TrainingError, first_line
from vaegui.runs.history import merge_epoch_rows, write_history
from vaegui.runs.optimizer_state import save_optimizer_state

if TYPE_CHECKING:
    from vaegui.model import VAE

CHECKPOINT_DIR = "checkpoints"
KEEP_CHECKPOINTS = 2


def checkpoint_name(epoch: int) -> str:
    """The stem, relative to the run folder, of an epoch's checkpoint files (state.json names it)."""
    return f"{CHECKPOINT_DIR}/epoch-{epoch:05d}"


class RunCheckpoints:
    """The checkpoint half of vaegui.runs.Run (which holds the folder, settings and state.json)."""

    folder: Path
    config: RunConfig
    epochs_completed: int
    checkpoint: str | None  # e.g. "checkpoints/epoch-00003": the last completed epoch's files, without suffix
    history: list[dict[str, float]]
    batch_history: list[dict[str, float]]

    def write_state(self) -> None:  # Run writes state.json, last, to commit a checkpoint
        raise NotImplementedError

    def restore_state_from_disk(self) -> None:  # and reads it back when a checkpoint fails
        raise NotImplementedError

    def refuse_if_in_use(self) -> None:  # and refuses a write while another training holds the folder
        raise NotImplementedError

    def save_checkpoint(
        self,
        model: VAE,
        epoch_record: dict[str, float],
        batch_records: list[dict[str, float]],
        *,
        write_optimizer: bool = True,
    ) -> None:
        """Write the weights of a completed epoch, then the history, then the state that points at them.

        An operating-system failure (a full disk) leaves the run as it was at the previous epoch and is
        raised as a TrainingError that says so; any other error propagates as it is.
        """
        epoch = int(epoch_record["epoch"])
        name = checkpoint_name(epoch)
        try:
            with h5py_teardown_errors_silenced():
                _check_room_for(self.folder, model)
                with atomic_output_path(self.folder / f"{name}.weights.h5", suffix=".weights.h5") as temp:
                    mend_keras_saving_cache()
                    model.save_weights(temp)
                if write_optimizer and model.optimizer is not None and model.optimizer.built:
                    with atomic_output_path(self.folder / f"{name}.optimizer.npz", suffix=".npz") as temp:
                        save_optimizer_state(temp, model.optimizer)
                history = merge_epoch_rows(self.history, epoch, [epoch_record])
                batches = merge_epoch_rows(self.batch_history, epoch, batch_records)
                write_history(self.folder, history, batches)
                previous = self.checkpoint
                self.checkpoint, self.epochs_completed = name, epoch
                self.write_state()
        except OSError as error:
            self.restore_state_from_disk()
            code = os_error_code(error)
            if code is None:
                raise
            done = f"epoch {self.epochs_completed}" if self.epochs_completed else "the start"
            raise TrainingError(
                f"Could not save epoch {epoch} into {self.folder} ({os.strerror(code)}). The run is intact "
                f"up to {done}. Free some disk space or choose a writable folder, then continue training."
            ) from None
        except BaseException:
            self.restore_state_from_disk()
            raise
        self.history, self.batch_history = history, batches
        _prune_checkpoints(self.folder, keep={name, previous})

    def restore_checkpoint(self, model: VAE) -> None:
        """Load the weights of the run's last completed epoch into `model` (nothing to do before the first)."""
        if not self.checkpoint:
            return
        path = self.folder / f"{self.checkpoint}.weights.h5"
        if not path.is_file():
            raise RunFolderError(f"The weights file {path} is missing: the run folder is incomplete; retrain the run.")
        if path.stat().st_size == 0:
            raise RunFolderError(f"The weights file {path} is empty (0 bytes): it was damaged; {self.fallback_hint()}")
        import h5py

        if not h5py.is_hdf5(path):
            raise RunFolderError(
                f"The weights file {path} is not a Keras weights file (no HDF5 signature): it was damaged or "
                f"replaced; {self.fallback_hint()}"
            )
        try:
            with warnings.catch_warnings():
                # Keras warns about each unmatched layer before it raises; the error below says it once.
                warnings.simplefilter("ignore")
                model.load_weights(path)
        except Exception as error:  # h5py and Keras raise many kinds for damaged or mismatched files
            if not _is_mismatch(error):
                raise RunFolderError(
                    f"The weights file {path} is damaged ({first_line(error)}); {self.fallback_hint()}"
                ) from None
            raise RunFolderError(
                f"The weights file {path} does not fit this run's model ({_describe_model(self.config)}): it was "
                f"saved by a different architecture or latent size, or config.json was edited "
                f"({_mismatch_detail(error)}). Put back the run's own config.json, or open the run folder the weights "
                "came from."
            ) from None
        model.set_kl_weight(self.config.model.kl_weight)

    def roll_back(self, epoch: int) -> None:
        """Make the kept checkpoint of an earlier `epoch` the run's last one, e.g. when the newest is damaged.

        Later epochs' history rows are dropped; their files stay until training writes those epochs again.
        """
        self.refuse_if_in_use()
        name = checkpoint_name(epoch)
        earlier = [e for e in self.kept_checkpoint_epochs(self.folder) if e < self.epochs_completed]
        if epoch not in earlier:
            raise RunFolderError(
                f"Cannot roll {self.folder} back to epoch {epoch}: it keeps earlier checkpoints of epoch(s) "
                f"{', '.join(map(str, earlier)) or 'none'} (the run has completed {self.epochs_completed})."
            )
        if not _looks_intact(self.folder / f"{name}.weights.h5"):
            raise RunFolderError(f"The checkpoint of epoch {epoch} is damaged too: retrain the run.")
        history = merge_epoch_rows(self.history, epoch + 1, [])
        batches = merge_epoch_rows(self.batch_history, epoch + 1, [])
        write_history(self.folder, history, batches)
        self.history, self.batch_history = history, batches
        self.checkpoint, self.epochs_completed = name, epoch
        self.write_state()

    @staticmethod
    def kept_checkpoint_epochs(folder: Path) -> list[int]:
        """The epochs whose weights the run folder still keeps, oldest first."""
        epochs = []
        for path in (folder / CHECKPOINT_DIR).glob("epoch-*.weights.h5"):
            digits = path.name.split(".")[0].removeprefix("epoch-")
            if digits.isdigit():
                epochs.append(int(digits))
        return sorted(epochs)

    def fallback_hint(self) -> str:
        """What to do about a damaged last checkpoint: an older intact one beats retraining."""
        for epoch in sorted(self.kept_checkpoint_epochs(self.folder), reverse=True):
            path = self.folder / f"{checkpoint_name(epoch)}.weights.h5"
            if epoch < self.epochs_completed and _looks_intact(path):
                return (
                    f"the checkpoint of epoch {epoch} is intact: continue from it with "
                    f"vaegui train --resume {self.folder} --rollback {epoch}, or retrain the run."
                )
        return "retrain the run."


def _prune_checkpoints(folder: Path, keep: set[str | None]) -> None:
    checkpoints = folder / CHECKPOINT_DIR
    names = sorted({p.name.split(".")[0] for p in checkpoints.glob("epoch-*.weights.h5")})
    for stem in names[:-KEEP_CHECKPOINTS]:
        if f"{CHECKPOINT_DIR}/{stem}" in keep:
            continue
        for path in checkpoints.glob(f"{stem}.*"):
            path.unlink(missing_ok=True)


def _check_room_for(folder: Path, model: VAE) -> None:
    """Refuse a checkpoint the disk cannot hold before HDF5 starts writing it.

    When HDF5 itself runs out of space it leaves objects behind that crash the process at exit,
    so a full disk must be found here, where it is a plain error.
    """
    import shutil

    import numpy as np

    def nbytes(variables) -> int:  # from the shapes: reading the values back would cost time every epoch
        return sum(math.prod(v.shape) * np.dtype(v.dtype).itemsize for v in variables)

    weights = nbytes(model.weights)
    optimizer = model.optimizer
    built = optimizer is not None and optimizer.built
    moments = nbytes(optimizer.variables) if built else 0
    # HDF5's headers, the history files and state.json come on top of the raw arrays.
    needed = int((weights + moments) * 1.1) + 256 * 1024
    if shutil.disk_usage(folder).free < needed:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _is_mismatch(error: BaseException) -> bool:
    """Keras' words for a readable file whose layers or shapes are not this model's (else: a damaged file)."""
    text = str(error)
    return isinstance(error, ValueError) and any(
        words in text for words in ("could not be loaded", "expected", "shape", "mismatch")
    )


def _looks_intact(path: Path) -> bool:
    """A cheap check (reading every array of an HDF5 file has crashed h5py in a busy Keras process)."""
    import h5py

    try:
        return path.stat().st_size > 0 and h5py.is_hdf5(path)
    except OSError:
        return False


def _describe_model(config: RunConfig) -> str:
    m = config.model
    return f"z_dim {m.z_dim}, conv {','.join(map(str, m.conv_filters))}, dense {m.dense_units}"


def _mismatch_detail(error: BaseException) -> str:
    # Keras leads with "A total of N objects could not be loaded"; the line naming a layer says more.
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    named = next((line for line in lines if line.startswith("Layer ")), None)
    return (named or first_line(error))[:200]
