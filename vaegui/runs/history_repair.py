"""A history.csv cut short or mid-row (a crash, a full disk, a hand edit): the missing epochs' rows restored from
what the run folder still holds (its TensorBoard logs, its per-batch history, its per-epoch views), and what could
not be restored said plainly, so that continuing a run never silently leaves a hole in its curves."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vaegui.loss_terms import LOSS_NAMES

TENSORBOARD_SOURCE, BATCHES_SOURCE, VIEWS_SOURCE = "the TensorBoard logs", "the per-batch history", \
    "the per-epoch pictures"


@dataclass(frozen=True)
class HistoryGaps:
    """Epochs of the run missing from history.csv when it was opened: those restored, and from where; those lost."""

    missing: tuple[int, ...]  # epochs up to the last checkpoint with no complete row in history.csv
    restored: tuple[int, ...]  # of those, the ones whose losses were found elsewhere in the folder
    sources: tuple[str, ...] = ()  # where they came from
    epochs_completed: int = 0

    @property
    def lost(self) -> tuple[int, ...]:
        return tuple(epoch for epoch in self.missing if epoch not in self.restored)

    def describe(self) -> str:
        """For the person, in plain words: what was missing, what was restored, what Continue training will do."""
        missing = _epochs_text(self.missing)
        said = f"The run's history (history.csv) was cut short: it lacked {missing}."
        if self.restored:
            were = "was" if len(self.restored) == 1 else "were"
            said += f" {_epochs_text(self.restored).capitalize()} {were} restored from {_and(self.sources)}."
        if self.lost:
            said += (f" Nothing in the run folder holds the losses of {_epochs_text(self.lost)}: their points stay "
                     "missing from the curves. The weights are intact: Continue training goes on from epoch "
                     f"{self.epochs_completed} and keeps the history it has, with that gap.")
        else:
            said += " Continue training goes on from there and saves the whole history again."
        return said


def _epochs_text(epochs: tuple[int, ...]) -> str:
    ranges, start = [], None
    for i, epoch in enumerate(epochs):
        start = epoch if start is None else start
        if i + 1 == len(epochs) or epochs[i + 1] != epoch + 1:
            ranges.append(str(start) if start == epoch else f"{start}–{epoch}")
            start = None
    return ("epoch " if len(epochs) == 1 else "epochs ") + ", ".join(ranges)


def _and(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class _Restored:
    rows: dict[int, dict[str, float]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def fill(self, epoch: int, values: dict[str, float], source: str) -> None:
        row = self.rows.setdefault(epoch, {"epoch": float(epoch)})
        added = {k: float(v) for k, v in values.items() if k not in row and np.isfinite(v)}
        row.update(added)
        if added and source not in self.sources:
            self.sources.append(source)


def repair_history(folder: Path, history: list[dict[str, float]], batch_history: list[dict[str, float]],
                   epochs_completed: int) -> tuple[list[dict[str, float]], HistoryGaps | None]:
    """`history` with the rows of its missing epochs (1 to `epochs_completed`) restored where the folder allows,
    sorted by epoch; and what was missing (None: nothing was)."""
    complete = {int(row["epoch"]): row for row in history if all(name in row for name in LOSS_NAMES)}
    missing = tuple(epoch for epoch in range(1, epochs_completed + 1) if epoch not in complete)
    if not missing:
        return history, None
    restored = _Restored()
    wanted = set(missing)
    for epoch, values in tensorboard_epochs(folder).items():
        if epoch in wanted:
            restored.fill(epoch, values, TENSORBOARD_SOURCE)
    for epoch in wanted:
        rows = [row for row in batch_history if int(row["epoch"]) == epoch]
        if rows:  # Keras' epoch loss is the plain mean of its batches' losses
            restored.fill(epoch, {name: np.mean([row.get(name, np.nan) for row in rows]) for name in LOSS_NAMES},
                          BATCHES_SOURCE)
    for epoch, quality in _view_figures(folder, wanted).items():
        restored.fill(epoch, quality, VIEWS_SOURCE)
    done = {e: row for e, row in restored.rows.items() if all(name in row for name in LOSS_NAMES)}
    rows = sorted([*complete.values(), *done.values()], key=lambda row: row["epoch"])
    sources = tuple(s for s in restored.sources if s != VIEWS_SOURCE or done)
    return rows, HistoryGaps(missing, tuple(sorted(done)), sources, epochs_completed)


def _view_figures(folder: Path, epochs: set[int]) -> dict[int, dict[str, float]]:
    figures = {}
    for epoch in epochs:
        path = folder / "epochs" / f"epoch-{epoch:05d}.npz"
        try:
            with np.load(path, allow_pickle=False) as saved:
                figures[epoch] = {key.removeprefix("quality."): float(saved[key]) for key in saved.files
                                  if key.startswith("quality.")}
        except (OSError, ValueError, KeyError):
            continue
    return figures


# ---- TensorBoard's event files, read without TensorFlow ------------------------------------------------------


def tensorboard_epochs(folder: Path) -> dict[int, dict[str, float]]:
    """The epoch scalars the run's TensorBoard logs hold ({epoch: {column: value}}), {} when there are none."""
    found: dict[int, dict[str, float]] = {}
    for split, prefix in (("train", ""), ("validation", "val_")):
        for path in sorted((folder / "tensorboard" / split).glob("events.out.tfevents.*")):
            for tag, step, value in _scalars(path):
                name = tag.removeprefix("epoch_")
                if tag.startswith("epoch_") and (prefix == "" or name in LOSS_NAMES):
                    found.setdefault(step, {})[prefix + name] = value
    return found


def _scalars(path: Path):
    try:
        from tensorboard.compat.proto import event_pb2
    except ImportError:
        return
    for record in _records(path):
        event = event_pb2.Event()
        try:
            event.ParseFromString(record)
        except Exception:  # noqa: BLE001 (protobuf's DecodeError): a damaged record is skipped
            continue
        for value in event.summary.value:
            number = _scalar_of(value)
            if number is not None:
                yield value.tag, int(event.step), number


def _records(path: Path):
    """The records of a TFRecord file (length, its check, data, its check); a cut last record is dropped."""
    try:
        data = path.read_bytes()
    except OSError:
        return
    offset = 0
    while offset + 12 <= len(data):
        (length,) = struct.unpack_from("<Q", data, offset)
        start = offset + 12
        if start + length + 4 > len(data):
            return
        yield data[start:start + length]
        offset = start + length + 4


def _scalar_of(value) -> float | None:
    if value.HasField("simple_value"):
        return float(value.simple_value)
    tensor = value.tensor
    if not value.HasField("tensor") or tensor.tensor_shape.dim:
        return None
    if tensor.float_val:
        return float(tensor.float_val[0])
    if tensor.double_val:
        return float(tensor.double_val[0])
    kinds = {1: "<f4", 2: "<f8"}  # DT_FLOAT, DT_DOUBLE
    if tensor.tensor_content and tensor.dtype in kinds:
        return float(np.frombuffer(tensor.tensor_content, kinds[tensor.dtype])[0])
    return None
