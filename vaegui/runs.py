"""The run folder: settings, per-epoch checkpoints, loss history; written atomically, reopened to explore or resume."""

from __future__ import annotations

import contextlib
import csv
import errno
import gc
import io
import json
import math
import os
import re
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaegui import __version__
from vaegui.atomic_files import atomic_output_path, write_text_atomically
from vaegui.config import RunConfig
from vaegui.errors import ConfigError, RunFolderError, TrainingError

if TYPE_CHECKING:
    from vaegui.data import ImageDataset
    from vaegui.model import VAE

CONFIG_FILE = "config.json"
STATE_FILE = "state.json"
HISTORY_FILE = "history.csv"
BATCH_HISTORY_FILE = "batch_history.csv"
CHECKPOINT_DIR = "checkpoints"
TENSORBOARD_DIR = "tensorboard"
KEEP_CHECKPOINTS = 2
# Keys in epoch-N.optimizer.npz: Adam's variables in Keras's order, the loss-scale wrapper's by name.
_ADAM_KEY = "adam.v"
_LOSS_SCALE_KEY = "loss_scale."
EPOCH_COLUMNS = (
    "epoch",
    "loss",
    "reconstruction_loss",
    "kl_loss",
    "val_loss",
    "val_reconstruction_loss",
    "val_kl_loss",
    "beta",
    "seconds",
    "images_per_second",
)
BATCH_COLUMNS = ("epoch", "batch", "loss", "reconstruction_loss", "kl_loss")


def new_run_folder(root: str | Path = "runs", dataset: str = "digits") -> Path:
    """A fresh folder name like runs/digits-20261123-181500 (suffixed if that exists)."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(dataset).name or "data")
    base = Path(root) / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def load_run_dataset(config: RunConfig) -> ImageDataset:
    """The dataset `config` names, loaded the same way every time (same split), before or after the run exists."""
    from vaegui.data import load_dataset

    data = config.data
    return load_dataset(
        data.dataset,
        image_size=data.image_size,
        channels=data.channels,
        test_fraction=data.test_fraction,
        seed=config.training.seed or 0,
    )


class Run:
    """One training run on disk and its model: what the GUI, the CLI and the tests all drive.

    state.json is written last at each checkpoint and names the weights of the last completed
    epoch, so a process killed at any moment leaves a folder that reopens at that epoch.
    """

    def __init__(self, folder: Path, config: RunConfig, state: dict[str, Any]):
        self.folder = folder
        self.config = config
        self.epochs_completed: int = state.get("epochs_completed", 0)
        self.image_shape: tuple[int, int, int] | None = (
            tuple(state["image_shape"]) if state.get("image_shape") else None
        )
        self.class_names: list[str] | None = state.get("class_names")
        self.checkpoint: str | None = state.get("checkpoint")
        self.history: list[dict[str, float]] = []
        self.batch_history: list[dict[str, float]] = []
        self.model: VAE | None = None

    # ---- creating and opening ----------------------------------------------------------------

    @classmethod
    def create(cls, folder: str | Path, config: RunConfig) -> Run:
        folder = Path(folder)
        config.validate()
        if (folder / CONFIG_FILE).exists():
            raise RunFolderError(
                f"{folder} already holds a run: choose another folder, or continue that run "
                f"(vaegui train --resume {folder})."
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_text_atomically(folder / CONFIG_FILE, config.to_json())
        except OSError as error:
            raise RunFolderError(
                f"Cannot create the run folder {folder} ({error.strerror}): choose a folder you can write to."
            ) from None
        run = cls(folder, config, {})
        run._write_state()
        return run

    @classmethod
    def open(cls, folder: str | Path) -> Run:
        folder = Path(folder)
        if not folder.is_dir():
            raise RunFolderError(f"Run folder {folder} does not exist: check the path, or train a new run.")
        if not (folder / CONFIG_FILE).is_file():
            raise RunFolderError(
                f"{folder} is not a vaegui run folder (it has no {CONFIG_FILE}): open the folder a run was saved in."
            )
        try:
            config = RunConfig.from_json_file(folder / CONFIG_FILE, complete=True)
        except ConfigError as error:
            raise RunFolderError(f"The run in {folder} cannot be opened. {error}") from None
        state = _read_state(folder / STATE_FILE)
        run = cls(folder, config, state)
        # Rows past the last checkpoint belong to an epoch that never finished: drop them.
        run.history = [r for r in _read_csv(folder / HISTORY_FILE) if r.get("epoch", 0) <= run.epochs_completed]
        run.batch_history = [
            r for r in _read_csv(folder / BATCH_HISTORY_FILE) if r.get("epoch", 0) <= run.epochs_completed
        ]
        return run

    def save_config(self) -> None:
        """Write changed settings (e.g. more epochs before continuing)."""
        self.config.validate()
        write_text_atomically(self.folder / CONFIG_FILE, self.config.to_json())

    # ---- the model ---------------------------------------------------------------------------

    def build_model(self, image_shape: tuple[int, int, int] | None = None) -> VAE:
        """Build the model for this run's settings and load its last checkpoint, if any."""
        from vaegui.model import build_vae

        shape = tuple(image_shape or self.image_shape or ())
        if not shape:
            raise RunFolderError(
                f"The run in {self.folder} has no image size yet: train it at least once, or load its dataset first."
            )
        if self.image_shape and tuple(self.image_shape) != shape:
            raise RunFolderError(
                f"The run in {self.folder} was trained on {_shape_text(self.image_shape)} images, but the data now "
                f"gives {_shape_text(shape)}: choose the same image size and channels as the run."
            )
        self.image_shape = shape
        model = build_vae(self.config.model, shape)
        self.restore_checkpoint(model)
        self.model = model
        return model

    def load_model(self, image_shape: tuple[int, int, int] | None = None) -> VAE:
        """A separate model with the last checkpoint's weights, e.g. to explore while training goes on.

        Keras models are not thread-safe: the explorer must not share the training thread's model.
        """
        from vaegui.model import build_vae

        shape = tuple(image_shape or self.image_shape or ())
        if not shape:
            raise RunFolderError(f"The run in {self.folder} has not finished an epoch yet: train it first.")
        model = build_vae(self.config.model, shape)
        self.restore_checkpoint(model)
        return model

    def load_dataset(self) -> ImageDataset:
        """The dataset this run's settings name, loaded the same way every time (same split)."""
        return load_run_dataset(self.config)

    def restore_checkpoint(self, model: VAE) -> None:
        """Load the weights of the last completed epoch (nothing to do before the first)."""
        if not self.checkpoint:
            return
        path = self.folder / f"{self.checkpoint}.weights.h5"
        if not path.is_file():
            raise RunFolderError(f"The weights file {path} is missing: the run folder is incomplete; retrain the run.")
        if path.stat().st_size == 0:
            raise RunFolderError(f"The weights file {path} is empty (0 bytes): it was damaged; {self._fallback_hint()}")
        import h5py

        if not h5py.is_hdf5(path):
            raise RunFolderError(
                f"The weights file {path} is not a Keras weights file (no HDF5 signature): it was damaged or "
                f"replaced; {self._fallback_hint()}"
            )
        try:
            with warnings.catch_warnings():
                # Keras warns about each unmatched layer before it raises; the error below says it once.
                warnings.simplefilter("ignore")
                model.load_weights(path)
        except Exception as error:  # h5py and Keras raise many kinds for damaged or mismatched files
            if not _is_mismatch(error):
                raise RunFolderError(
                    f"The weights file {path} is damaged ({_first_line(error)}); {self._fallback_hint()}"
                ) from None
            raise RunFolderError(
                f"The weights file {path} does not fit this run's model ({_describe_model(self.config)}): it was "
                f"saved by a different architecture or latent size, or config.json was edited "
                f"({_mismatch_detail(error)}). Put back the run's own config.json, or open the run folder the weights "
                "came from."
            ) from None
        model.set_kl_weight(self.config.model.kl_weight)

    def load_optimizer_state(self, model: VAE) -> bool:
        """Restore Adam's moments so a resumed run continues as if it never stopped.

        Adam's state moves between a mixed-precision run (Adam inside a LossScaleOptimizer) and a
        float32 one in either direction, since a run trained on a GPU server may go on on a CPU.
        """
        import numpy as np

        if not self.checkpoint:
            return False
        path = self.folder / f"{self.checkpoint}.optimizer.npz"
        if not path.is_file():
            return False
        optimizer = model.optimizer
        if not optimizer.built:  # a LossScaleOptimizer built twice adds a second loss scale and counter
            optimizer.build(model.trainable_variables)
        adam, loss_scaling = _optimizer_parts(optimizer)
        try:
            with np.load(path, allow_pickle=False) as saved:
                stored = {key: saved[key] for key in saved.files}
            adam_arrays, scaling_arrays = _split_optimizer_state(stored, len(adam), [v.name for v in loss_scaling])
        except Exception:
            raise RunFolderError(
                f"The optimizer state {path} is damaged (not a NumPy .npz file). The weights are fine: delete that "
                "file to continue training with a fresh optimizer."
            ) from None
        if len(adam_arrays) != len(adam) or any(tuple(a.shape) != tuple(v.shape) for a, v in zip(adam_arrays, adam)):
            raise RunFolderError(
                f"The optimizer state {path} does not match this model. The weights are fine: delete that file to "
                "continue training with a fresh optimizer."
            )
        for variable, value in zip(adam, adam_arrays):
            variable.assign(value)
        # The loss scale carries over between mixed-precision runs; a float32 run has none, and a
        # mixed-precision run continuing a float32 one starts from Keras's initial scale.
        for variable in loss_scaling:
            value = scaling_arrays.get(variable.name)
            if value is not None and tuple(value.shape) == tuple(variable.shape):
                variable.assign(value)
        # The learning rate comes from the settings, which may have changed since.
        optimizer.learning_rate = self.config.training.learning_rate
        return True

    def roll_back(self, epoch: int) -> None:
        """Make the kept checkpoint of an earlier `epoch` the run's last one, e.g. when the newest is damaged.

        Later epochs' history rows are dropped; their files stay until training writes those epochs again.
        """
        name = f"{CHECKPOINT_DIR}/epoch-{epoch:05d}"
        earlier = [e for e in self._kept_checkpoint_epochs() if e < self.epochs_completed]
        if epoch not in earlier:
            raise RunFolderError(
                f"Cannot roll {self.folder} back to epoch {epoch}: it keeps earlier checkpoints of epoch(s) "
                f"{', '.join(map(str, earlier)) or 'none'} (the run has completed {self.epochs_completed})."
            )
        if not _looks_intact(self.folder / f"{name}.weights.h5"):
            raise RunFolderError(f"The checkpoint of epoch {epoch} is damaged too: retrain the run.")
        history = [r for r in self.history if r["epoch"] <= epoch]
        batches = [r for r in self.batch_history if r["epoch"] <= epoch]
        write_text_atomically(self.folder / HISTORY_FILE, _csv_text(EPOCH_COLUMNS, history))
        write_text_atomically(self.folder / BATCH_HISTORY_FILE, _csv_text(BATCH_COLUMNS, batches))
        self.history, self.batch_history = history, batches
        self.checkpoint, self.epochs_completed = name, epoch
        self._write_state()

    def _kept_checkpoint_epochs(self) -> list[int]:
        epochs = []
        for path in (self.folder / CHECKPOINT_DIR).glob("epoch-*.weights.h5"):
            digits = path.name.split(".")[0].removeprefix("epoch-")
            if digits.isdigit():
                epochs.append(int(digits))
        return sorted(epochs)

    def _fallback_hint(self) -> str:
        """What to do about a damaged last checkpoint: an older intact one beats retraining."""
        for epoch in sorted(self._kept_checkpoint_epochs(), reverse=True):
            path = self.folder / f"{CHECKPOINT_DIR}/epoch-{epoch:05d}.weights.h5"
            if epoch < self.epochs_completed and _looks_intact(path):
                return (
                    f"the checkpoint of epoch {epoch} is intact: continue from it with "
                    f"vaegui train --resume {self.folder} --rollback {epoch}, or retrain the run."
                )
        return "retrain the run."

    # ---- checkpoints -------------------------------------------------------------------------

    def save_checkpoint(
        self, model: VAE, epoch_record: dict[str, float], batch_records: list[dict[str, float]], *, write_optimizer=True
    ) -> None:
        """Write the weights of a completed epoch, then the history, then the state that points at them."""
        import numpy as np

        epoch = int(epoch_record["epoch"])
        name = f"{CHECKPOINT_DIR}/epoch-{epoch:05d}"
        try:
            with _h5py_teardown_errors_silenced():
                _check_room_for(self.folder, model)
                with atomic_output_path(self.folder / f"{name}.weights.h5", suffix=".weights.h5") as temp:
                    _mend_keras_saving_cache()
                    model.save_weights(temp)
                if write_optimizer and model.optimizer is not None and model.optimizer.built:
                    adam, loss_scaling = _optimizer_parts(model.optimizer)
                    arrays = {f"{_ADAM_KEY}{i}": np.asarray(v) for i, v in enumerate(adam)}
                    arrays.update({f"{_LOSS_SCALE_KEY}{v.name}": np.asarray(v) for v in loss_scaling})
                    with atomic_output_path(self.folder / f"{name}.optimizer.npz", suffix=".npz") as temp:
                        np.savez(temp, **arrays)
                history = [r for r in self.history if r["epoch"] < epoch] + [epoch_record]
                batches = [r for r in self.batch_history if r["epoch"] < epoch] + batch_records
                write_text_atomically(self.folder / HISTORY_FILE, _csv_text(EPOCH_COLUMNS, history))
                write_text_atomically(self.folder / BATCH_HISTORY_FILE, _csv_text(BATCH_COLUMNS, batches))
                previous = self.checkpoint
                self.checkpoint, self.epochs_completed = name, epoch
                self._write_state()
        except OSError as error:
            self._restore_state_from_disk()
            done = f"epoch {self.epochs_completed}" if self.epochs_completed else "the start"
            raise TrainingError(
                f"Could not save epoch {epoch} into {self.folder} ({_os_reason(error)}). The run is intact "
                f"up to {done}. Free some disk space or choose a writable folder, then continue training."
            ) from None
        self.history, self.batch_history = history, batches
        self._prune_checkpoints(keep={name, previous})

    def _prune_checkpoints(self, keep: set[str | None]) -> None:
        folder = self.folder / CHECKPOINT_DIR
        names = sorted({p.name.split(".")[0] for p in folder.glob("epoch-*.weights.h5")})
        for stem in names[:-KEEP_CHECKPOINTS]:
            if f"{CHECKPOINT_DIR}/{stem}" in keep:
                continue
            for path in folder.glob(f"{stem}.*"):
                path.unlink(missing_ok=True)

    def _write_state(self) -> None:
        state = {
            "epochs_completed": self.epochs_completed,
            "checkpoint": self.checkpoint,
            "image_shape": list(self.image_shape) if self.image_shape else None,
            "class_names": self.class_names,
            "vaegui_version": __version__,
        }
        write_text_atomically(self.folder / STATE_FILE, json.dumps(state, indent=2) + "\n")

    def _restore_state_from_disk(self) -> None:
        state = _read_state(self.folder / STATE_FILE)
        self.epochs_completed = state.get("epochs_completed", 0)
        self.checkpoint = state.get("checkpoint")

    @property
    def tensorboard_dir(self) -> Path:
        return self.folder / TENSORBOARD_DIR


@contextlib.contextmanager
def _h5py_teardown_errors_silenced() -> Iterator[None]:
    """Keep h5py's 'Exception ignored in ObjectID.__dealloc__' tracebacks off the user's terminal.

    When a write fails (disk full), h5py raises once to the caller and then again from each object
    it frees; the first is reported properly, the echoes would only bury it.
    """
    previous_unraisable, previous_except = sys.unraisablehook, sys.excepthook

    def from_h5py(text: object, traceback) -> bool:
        while traceback is not None:
            if "h5py" in traceback.tb_frame.f_code.co_filename:
                return True
            traceback = traceback.tb_next
        return "h5py" in repr(text)

    def unraisable_hook(unraisable) -> None:
        if not from_h5py(unraisable.object, unraisable.exc_traceback):
            previous_unraisable(unraisable)

    def except_hook(kind, value, traceback) -> None:
        # Cython's __dealloc__ prints through PyErr_Print, which calls sys.excepthook.
        if not from_h5py(value, traceback):
            previous_except(kind, value, traceback)

    sys.unraisablehook, sys.excepthook = unraisable_hook, except_hook
    failure = None
    try:
        yield
    except (OSError, RuntimeError) as error:
        failure = OSError(_os_errno(error) or errno.EIO, _os_reason(error))
    finally:
        if failure is not None:
            gc.collect()  # the failed save's objects (freed with its traceback) go while the hooks still listen
        sys.unraisablehook, sys.excepthook = previous_unraisable, previous_except
    if failure is not None:
        raise failure


# The object kinds a VAE's weights file walks through (Keras' saving_lib.get_attr_skipset names them).
_KERAS_SAVED_KINDS = ("Operation", "Layer", "Functional", "Metric", "Optimizer", "Loss")


def _mend_keras_saving_cache() -> None:
    """Keras 3 (3.15 at least) caches each kind's attribute skip-set under 'saving_attr_skipset_…' but
    looks it up under 'saving_attr_skiplist_…', so every save_weights() builds ~170 throwaway layers,
    metrics and optimizers to recompute them: ~30 ms and ~70 KiB that is never freed, per checkpoint
    (14 MiB over a 200-epoch run). Storing each set where Keras looks restores its cache. Keras keeps it
    per thread, so this runs in the thread that saves; it does nothing once Keras finds its own entries.
    """
    try:
        from keras.src.backend.common import global_state
        from keras.src.saving.saving_lib import get_attr_skipset
    except ImportError:  # another Keras layout: nothing to mend
        return
    for kind in _KERAS_SAVED_KINDS:
        looked_up = f"saving_attr_skiplist_{kind}"
        if global_state.get_global_attribute(looked_up) is None:
            global_state.set_global_attribute(looked_up, get_attr_skipset(kind))


def _optimizer_parts(optimizer) -> tuple[list, list]:
    """Adam's variables, and those a mixed-precision LossScaleOptimizer adds around it (none for plain Adam).

    They are stored apart so Adam's state fits both kinds of run: Keras wraps Adam only under mixed
    precision, which falls back to float32 (plain Adam) on a machine without a GPU.
    """
    inner = getattr(optimizer, "inner_optimizer", None)
    if inner is None:
        return list(optimizer.variables), []
    adam_ids = {id(v) for v in inner.variables}
    return list(inner.variables), [v for v in optimizer.variables if id(v) not in adam_ids]


def _split_optimizer_state(
    stored: dict[str, Any], adam_count: int, loss_scale_names: list[str]
) -> tuple[list[Any], dict[str, Any]]:
    """Adam's arrays in order, and the loss-scale wrapper's by name, from an optimizer.npz's contents."""
    if any(key.startswith(_ADAM_KEY) for key in stored):
        count = sum(key.startswith(_ADAM_KEY) for key in stored)
        adam = [stored[f"{_ADAM_KEY}{i}"] for i in range(count)]
        scaling = {k.removeprefix(_LOSS_SCALE_KEY): v for k, v in stored.items() if k.startswith(_LOSS_SCALE_KEY)}
        return adam, scaling
    # Older run folders hold one positional list (v0, v1, ...): a LossScaleOptimizer's own scalars
    # (counters, loss scale) first, then Adam's variables, as Keras lists them.
    arrays = [stored[f"v{i}"] for i in range(len(stored))]
    extra = len(arrays) - adam_count
    if extra < 0 or any(a.shape != () for a in arrays[:extra]):
        return arrays, {}  # the caller finds it does not match
    scaling = dict(zip(loss_scale_names, arrays[:extra])) if extra == len(loss_scale_names) else {}
    return arrays[extra:], scaling


def _check_room_for(folder: Path, model: VAE) -> None:
    """Refuse a checkpoint the disk cannot hold before HDF5 starts writing it.

    When HDF5 itself runs out of space it leaves objects behind that crash the process at exit,
    so a full disk must be found here, where it is a plain error.
    """
    import shutil

    import numpy as np

    def nbytes(variables) -> int:  # from the shapes: reading the values back costs ~10 ms an epoch
        return sum(math.prod(v.shape) * np.dtype(v.dtype).itemsize for v in variables)

    weights = nbytes(model.weights)
    optimizer = model.optimizer
    built = optimizer is not None and optimizer.built
    moments = nbytes(optimizer.variables) if built else 0
    # HDF5's headers, the history files and state.json come on top of the raw arrays.
    needed = int((weights + moments) * 1.1) + 256 * 1024
    if shutil.disk_usage(folder).free < needed:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _os_errno(error: BaseException) -> int | None:
    code = getattr(error, "errno", None)
    if not code:
        found = re.search(r"errno = (\d+)", str(error))
        code = int(found[1]) if found else None
    return code


def _os_reason(error: BaseException) -> str:
    """The operating system's words for a failed write, also when h5py buries the errno in its text."""
    code = _os_errno(error)
    if code:
        return os.strerror(code)
    return error.strerror if isinstance(error, OSError) and error.strerror else _first_line(error)


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


def _read_state(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RunFolderError(f"{path} is damaged ({_first_line(error)}): the run cannot be reopened.") from None
    if not isinstance(state, dict) or not isinstance(state.get("epochs_completed", 0), int):
        raise RunFolderError(f"{path} is damaged (unexpected content): the run cannot be reopened.")
    return state


def _read_csv(path: Path) -> list[dict[str, float]]:
    if not path.exists():
        return []
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return [{k: float(v) for k, v in row.items() if v not in ("", None)} for row in rows]
    except (OSError, ValueError, csv.Error) as error:
        raise RunFolderError(
            f"{path} is damaged ({_first_line(error)}): delete it to reopen the run without curves."
        ) from None


def _csv_text(columns: tuple[str, ...], rows: list[dict[str, float]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: (int(v) if k in ("epoch", "batch") else f"{v:.8g}") for k, v in row.items() if k in columns}
        )
    return out.getvalue()


def _shape_text(shape) -> str:
    height, width, channels = shape
    return f"{height}×{width} {'RGB' if channels == 3 else 'grayscale'}"


def _describe_model(config: RunConfig) -> str:
    m = config.model
    return f"z_dim {m.z_dim}, conv {','.join(map(str, m.conv_filters))}, dense {m.dense_units}"


def _mismatch_detail(error: BaseException) -> str:
    # Keras leads with "A total of N objects could not be loaded"; the line naming a layer says more.
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    named = next((line for line in lines if line.startswith("Layer ")), None)
    return (named or _first_line(error))[:200]


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
