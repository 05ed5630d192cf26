"""The run folder and its state: create or open one, its settings (config.json) and what it holds (state.json)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaegui import __version__
from vaegui.atomic_files import write_text_atomically
from vaegui.config import RunConfig
from vaegui.errors import ConfigError, RunFolderError, first_line
from vaegui.runs.checkpoints import RunCheckpoints
from vaegui.runs.history import BATCH_HISTORY_FILE, HISTORY_FILE, read_history_rows
from vaegui.runs.optimizer_state import load_optimizer_state

if TYPE_CHECKING:
    from vaegui.data import ImageDataset
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
        subset=data.subset,
    )


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
        run.history = [r for r in read_history_rows(folder / HISTORY_FILE) if r.get("epoch", 0) <= run.epochs_completed]
        run.batch_history = [
            r for r in read_history_rows(folder / BATCH_HISTORY_FILE) if r.get("epoch", 0) <= run.epochs_completed
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


def _shape_text(shape) -> str:
    height, width, channels = shape
    return f"{height}×{width} {'RGB' if channels == 3 else 'grayscale'}"
