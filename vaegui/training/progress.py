"""What a training session reports while it runs (start, batches, epochs, probe, result) and who listens."""

from __future__ import annotations

from dataclasses import dataclass

from vaegui.runs.epoch_views import EpochViews


@dataclass
class TrainingStart:
    device: str  # e.g. "GPU: NVIDIA H100 ×2 · MirroredStrategy, 2 replicas"
    run_folder: str
    initial_epoch: int
    epochs: int
    batches_per_epoch: int
    train_images: int
    notes: tuple[str, ...] = ()  # settings that could not apply here, said plainly (e.g. mixed precision on a CPU)


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
class EpochProgress:
    epoch: int
    epochs: int
    record: dict[str, float]  # the history.csv row
    views: EpochViews | None  # what the epoch's views show (also saved in the run folder)


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


def format_duration(seconds: float) -> str:
    """A time left or taken as 'M:SS', or 'H:MM:SS' from an hour on (rounded to the second)."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
