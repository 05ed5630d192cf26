"""A run folder read once, as plain values: what the Training tab shows of a run, never the live Run."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vaegui.config import RunConfig
from vaegui.runs.epoch_views import EpochViews, load_epoch_views
from vaegui.runs.folder import Run
from vaegui.runs.lock import LockHolder, run_folder_holder


@dataclass(frozen=True, eq=False)
class RunSnapshot:
    folder: Path
    config: RunConfig
    epochs_completed: int
    class_names: list[str] | None
    history: tuple[dict[str, float], ...]
    batch_history: tuple[dict[str, float], ...]
    views: dict[int, EpochViews] = field(default_factory=dict)  # {} for runs saved before vaegui kept them
    holder: LockHolder | None = None  # another program training it now: shown, but not trained here
    history_note: str | None = None  # history.csv was cut short: what was restored or is missing (plain words)

    @property
    def name(self) -> str:
        return self.folder.name

    @classmethod
    def read(cls, folder: str | Path) -> RunSnapshot:
        """Open a run folder (settings, histories, every epoch's views): seconds for long runs, so off the GUI."""
        run = Run.open(folder)
        return cls(Path(run.folder), run.config, run.epochs_completed, run.class_names, tuple(run.history),
                   tuple(run.batch_history), load_epoch_views(run.folder, up_to=run.epochs_completed),
                   run_folder_holder(run.folder), run.history_gaps.describe() if run.history_gaps else None)

    @classmethod
    def of(cls, run: Run) -> RunSnapshot:
        """The state of a run just created or opened by a worker (no epochs' views read)."""
        return cls(Path(run.folder), run.config, run.epochs_completed, run.class_names, tuple(run.history),
                   tuple(run.batch_history))
