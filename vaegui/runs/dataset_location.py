"""Where a run's dataset lives: stored so a copied run finds it, looked up again, and pointed at a new place."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from vaegui.config import DataConfig
from vaegui.errors import RunFolderError


class DatasetMissingError(RunFolderError):
    """A run's dataset is not where the run says: the app offers "Locate dataset…" (runs.relocate_dataset)."""

    def __init__(self, message: str, folder: Path, dataset: str):
        super().__init__(message)
        self.folder = folder
        self.dataset = dataset


class DatasetMismatchError(RunFolderError):
    """Data offered to a run is not the data it was trained on; the message lists each difference."""


def is_dataset_name(text: str) -> bool:
    """Whether `text` is a built-in dataset's name (those stay names; anything else is a path)."""
    from vaegui.data.registry import registry_key

    return registry_key(text) is not None


def portable_data_config(data: DataConfig, folder: str | Path) -> DataConfig:
    """`data` as a run stores it: a path made absolute, and relative to `folder` as well when it lies inside it."""
    if is_dataset_name(data.dataset):
        return replace(data, dataset_in_run_folder=None)
    absolute = Path(os.path.abspath(Path(data.dataset).expanduser()))
    try:
        inside = absolute.relative_to(os.path.abspath(folder)).as_posix()
    except ValueError:
        inside = None
    return replace(data, dataset=str(absolute), dataset_in_run_folder=inside)


def locate_dataset(data: DataConfig, folder: str | Path | None) -> str:
    """The name or existing path to load a run's data from (DatasetMissingError when it is nowhere to be found).

    Inside the run folder first (a copied run with its data uses its own copy), then the absolute path.
    Runs written before paths were stored absolute hold the path as typed, relative to a directory
    they did not record: tried from here, from the run folder and from the two folders above it.
    """
    if folder is None or is_dataset_name(data.dataset):
        return data.dataset
    folder = Path(folder)
    typed = Path(data.dataset).expanduser()
    candidates = [folder / data.dataset_in_run_folder] if data.dataset_in_run_folder else []
    if typed.is_absolute():
        candidates.append(typed)
    else:
        candidates += [typed, folder / typed, folder.parent / typed, folder.parent.parent / typed]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    raise DatasetMissingError(
        f"The run in {folder} was trained on {data.dataset}, which is not there any more (moved or deleted?). "
        f"Point the run at the data where it is now: vaegui train --resume {_quoted(folder)} --dataset NEW_PATH, "
        "or Locate dataset… in the app; the data is accepted when it holds the same images.",
        folder,
        data.dataset,
    )


def _quoted(folder: Path) -> str:
    import shlex

    return shlex.quote(str(folder))
