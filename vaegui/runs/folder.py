"""The run folder and its state: create or open one, its settings (config.json) and what it holds (state.json)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaegui import __version__
from vaegui.atomic_files import write_text_atomically
from vaegui.cancel import CancelToken
from vaegui.config import RunConfig
from vaegui.errors import ConfigError, RunFolderError, first_line
from vaegui.runs.checkpoints import RunCheckpoints
from vaegui.runs.dataset_location import DatasetMismatchError, locate_dataset, portable_data_config
from vaegui.runs.history import BATCH_HISTORY_FILE, HISTORY_FILE, read_history_rows
from vaegui.runs.history_repair import HistoryGaps, repair_history
from vaegui.runs.lock import RunFolderLock, in_use_error, run_folder_holder
from vaegui.runs.optimizer_state import load_optimizer_state

if TYPE_CHECKING:
    from vaegui.data import ImageDataset
    from vaegui.data.fingerprint import DatasetFingerprint
    from vaegui.model import VAE

CONFIG_FILE = "config.json"
STATE_FILE = "state.json"
TENSORBOARD_DIR = "tensorboard"


def new_run_folder(root: str | Path = "runs", dataset: str = "digits") -> Path:
    """A fresh folder name like runs/digits-20261123-181500 (suffixed if that exists)."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(dataset).name or "data")
    base = Path(root) / f"{stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    folder, n = base, 1
    while folder.exists():
        n += 1
        folder = base.with_name(f"{base.name}-{n}")
    return folder


def load_run_dataset(config: RunConfig, folder: str | Path | None = None,
                     progress: Callable[[str], None] | None = None,
                     cancel: CancelToken | None = None) -> ImageDataset:
    """The dataset `config` names, loaded the same way every time (same split), before or after the run exists.

    With the run's `folder`, a path is looked up where a copied or moved run keeps it (locate_dataset).
    `cancel` ends a folder's scan early (Cancelled): a closing window does not wait for it.
    """
    from vaegui.data import load_dataset

    data = config.data
    return load_dataset(
        locate_dataset(data, folder),
        image_size=data.image_size,
        channels=data.channels,
        test_fraction=data.test_fraction,
        seed=config.training.seed or 0,
        subset=data.subset,
        progress=progress,
        cancel=cancel,
    )


def relocate_dataset(run: Run, new_location: str | Path) -> ImageDataset:
    """Point `run` at its data in `new_location` (a path or a built-in name); returns the loaded data.

    Accepted only when the data matches what the run recorded (image shape and channels, class count,
    split sizes and a content fingerprint; shape and classes for runs older than the fingerprint),
    else DatasetMismatchError names each difference. config.json is then rewritten atomically.
    """
    data = portable_data_config(replace(run.config.data, dataset=str(new_location)), run.folder)
    dataset = load_run_dataset(replace(run.config, data=data))
    run.check_dataset(dataset, str(new_location))
    previous = run.config.data
    run.config.data = data
    try:
        run.save_config()
    except BaseException:
        run.config.data = previous
        raise
    return dataset


class Run(RunCheckpoints):
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
        self.dataset_fingerprint: DatasetFingerprint | None = _fingerprint(state.get("dataset_fingerprint"))
        self.history: list[dict[str, float]] = []
        self.batch_history: list[dict[str, float]] = []
        self.history_gaps: HistoryGaps | None = None  # epochs history.csv lacked when the run was opened
        self.model: VAE | None = None
        self._lock: RunFolderLock | None = None

    # ---- creating and opening ----------------------------------------------------------------

    @classmethod
    def create(cls, folder: str | Path, config: RunConfig) -> Run:
        folder = Path(folder)
        config = replace(config.validate(), data=portable_data_config(config.data, folder))
        if (folder / CONFIG_FILE).exists():
            raise RunFolderError(
                f"{folder} already holds a run: choose another folder, or continue that run "
                f"(vaegui train --resume {folder})."
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise RunFolderError(
                f"Cannot create the run folder {folder} ({error.strerror}): choose a folder you can write to."
            ) from None
        # Locked while it is checked and written, so two trainings started into one new folder cannot both create it.
        with RunFolderLock(folder):
            if (folder / CONFIG_FILE).exists():
                raise RunFolderError(f"{folder} was just created by another training: choose another folder.")
            write_text_atomically(folder / CONFIG_FILE, config.to_json())
            run = cls(folder, config, {})
            run.write_state()
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
        run.batch_history = [
            r for r in read_history_rows(folder / BATCH_HISTORY_FILE) if r.get("epoch", 0) <= run.epochs_completed
        ]
        history = [r for r in read_history_rows(folder / HISTORY_FILE) if r.get("epoch", 0) <= run.epochs_completed]
        # A history cut short is never continued silently: what the folder still holds fills it in, the rest is said.
        run.history, run.history_gaps = repair_history(folder, history, run.batch_history, run.epochs_completed)
        return run

    def save_config(self) -> None:
        """Write changed settings (e.g. more epochs before continuing); refused while another training holds the run."""
        self.config.validate()
        self.refuse_if_in_use()
        write_text_atomically(self.folder / CONFIG_FILE, self.config.to_json())

    # ---- the lock: one training at a time --------------------------------------------------

    @contextmanager
    def locked(self, *, force_unlock: bool = False, command: str | None = None) -> Iterator[RunFolderLock]:
        """Hold the run folder's lock (RunFolderInUseError if another training has it); nests within one Run."""
        if self._lock is not None:
            yield self._lock
            return
        with RunFolderLock(self.folder, force_unlock=force_unlock, command=command) as lock:
            self._lock = lock
            try:
                yield lock
            finally:
                self._lock = None

    def refuse_if_in_use(self) -> None:
        """Raise RunFolderInUseError when another training holds this run (before a write outside `locked`)."""
        if self._lock is None and (holder := run_folder_holder(self.folder)) is not None:
            raise in_use_error(self.folder, holder)

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
            from vaegui.data.fingerprint import shape_text

            raise RunFolderError(
                f"The run in {self.folder} was trained on {shape_text(self.image_shape)} images, but the data now "
                f"gives {shape_text(shape)}: choose the same image size and channels as the run."
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

    def load_dataset(self, progress: Callable[[str], None] | None = None,
                     cancel: CancelToken | None = None) -> ImageDataset:
        """The dataset this run was trained on, loaded the same way every time (same split), where it is now.

        DatasetMissingError when it cannot be found (relocate_dataset points the run at it), and
        DatasetMismatchError when what is there is not the data the run recorded.
        """
        dataset = load_run_dataset(self.config, self.folder, progress, cancel)
        self.check_dataset(dataset, self.config.data.dataset)
        return dataset

    def check_dataset(self, dataset: ImageDataset, name: str) -> None:
        """Refuse `dataset` (called `name` in the message) unless it is the data this run recorded at its start.

        Runs older than the fingerprint are checked on what they recorded: image shape and class count.
        """
        from vaegui.data.fingerprint import DatasetFingerprint, classes_text, shape_text

        if self.dataset_fingerprint is None and not self.image_shape and not self.class_names:
            return  # nothing recorded yet to compare with: a new run
        offered = DatasetFingerprint.of(dataset)
        if self.dataset_fingerprint is not None:
            differences = self.dataset_fingerprint.differences(offered, name)
        else:
            differences = []
            if self.image_shape and tuple(self.image_shape) != offered.image_shape:
                differences.append(f"{name} has {shape_text(offered.image_shape)} images, the run was trained on "
                                   f"{shape_text(self.image_shape)}")
            if self.class_names and len(self.class_names) != offered.class_count:
                differences.append(f"{name} has {classes_text(offered.class_count)}, the run was trained on "
                                   f"{classes_text(len(self.class_names))}")
        if differences:
            raise DatasetMismatchError(
                f"This is not the data the run in {self.folder} was trained on: {'; '.join(differences)}. "
                "Choose the data it was trained on."
            )

    def record_dataset(self, dataset: ImageDataset) -> None:
        """Note what `dataset` is (a training's start), so the run recognises it after it moves; kept from then on."""
        from vaegui.data.fingerprint import DatasetFingerprint

        if self.dataset_fingerprint is None:
            self.dataset_fingerprint = DatasetFingerprint.of(dataset)

    # ---- checkpoints (saving, restoring and rolling back: RunCheckpoints) ---------------------

    def load_optimizer_state(self, model: VAE) -> bool:
        """Restore Adam's moments of the last checkpoint (False when it has none) so a resumed run goes on alike."""
        if not self.checkpoint:
            return False
        path = self.folder / f"{self.checkpoint}.optimizer.npz"
        if not path.is_file():
            return False
        load_optimizer_state(path, model, self.config.training.learning_rate)
        return True

    # ---- state.json --------------------------------------------------------------------------

    def write_state(self) -> None:
        state = {
            "epochs_completed": self.epochs_completed,
            "checkpoint": self.checkpoint,
            "image_shape": list(self.image_shape) if self.image_shape else None,
            "class_names": self.class_names,
            "dataset_fingerprint": self.dataset_fingerprint.to_dict() if self.dataset_fingerprint else None,
            "vaegui_version": __version__,
        }
        write_text_atomically(self.folder / STATE_FILE, json.dumps(state, indent=2) + "\n")

    def restore_state_from_disk(self) -> None:
        """Forget an epoch whose checkpoint failed: back to what state.json says."""
        state = _read_state(self.folder / STATE_FILE)
        self.epochs_completed = state.get("epochs_completed", 0)
        self.checkpoint = state.get("checkpoint")

    @property
    def tensorboard_dir(self) -> Path:
        return self.folder / TENSORBOARD_DIR


def saved_epochs(folder: str | Path) -> int:
    """The epochs a run folder's state.json says are saved (0 when it says nothing yet): a read of a few bytes."""
    try:
        return int(_read_state(Path(folder) / STATE_FILE).get("epochs_completed", 0))
    except RunFolderError:
        return 0


def _read_state(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise RunFolderError(f"{path} is damaged ({first_line(error)}): the run cannot be reopened.") from None
    if not isinstance(state, dict) or not isinstance(state.get("epochs_completed", 0), int):
        raise RunFolderError(f"{path} is damaged (unexpected content): the run cannot be reopened.")
    return state


def _fingerprint(raw: Any) -> DatasetFingerprint | None:
    if raw is None:
        return None
    from vaegui.data.fingerprint import DatasetFingerprint

    return DatasetFingerprint.from_dict(raw)
