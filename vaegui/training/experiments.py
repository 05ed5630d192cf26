"""Experiments of several runs trained one after the other: the seed article's plain autoencoder against a VAE of
tiny KL weight, on the same data with the same seed and settings."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vaegui.config import SEED, RunConfig
from vaegui.runs import Run, load_run_dataset, new_run_folder
from vaegui.runs.library import RunSummary, read_run_summary, rename_run
from vaegui.training.control import TrainingControl
from vaegui.training.progress import TrainingListener
from vaegui.training.session import TrainingSession


@dataclass(frozen=True)
class PlannedRun:
    """One run of an experiment: its settings, the name it gets, and the start of its folder's name."""

    name: str
    folder_stem: str
    config: RunConfig


@dataclass(frozen=True)
class ExperimentResult:
    runs: tuple[RunSummary, ...]  # the runs trained, in order (fewer than planned when stopped)
    stopped: bool


# β of the seed article's two models: a plain autoencoder, and a VAE whose KL term is almost switched off.
AE_VS_TINY_KL = ((0.0, "ae", "Autoencoder (β 0)"), (5e-4, "tiny-kl", "Tiny-KL VAE (β 5e-4)"))


def plan_ae_vs_tiny_kl(base: RunConfig) -> tuple[PlannedRun, ...]:
    """Two runs of `base`'s settings that differ only in β (0 and 5e-4), with one seed: `base`'s, or one drawn
    here when it has none (a random seed each would train the two on different shuffles and starts)."""
    base.validate()
    seed = base.training.seed if base.training.seed is not None else random.randint(int(SEED.low), int(SEED.high))
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(base.data.dataset).name) or "data"
    planned = []
    for kl_weight, suffix, name in AE_VS_TINY_KL:
        config = copy.deepcopy(base)
        config.model.kl_weight = kl_weight
        config.training.seed = seed
        planned.append(PlannedRun(name, f"{stem}-{suffix}", config.validate()))
    return tuple(planned)


STANDARD_VAE = (1.0, "vae", "Standard VAE (β 1)")  # the contrast: a map tidied to the prior the draws come from


def plan_standard_vae(base: RunConfig) -> PlannedRun:
    """`base`'s settings and seed with β = 1: beside the autoencoder, its random draws land among its pictures."""
    config = copy.deepcopy(base)
    config.model.kl_weight = STANDARD_VAE[0]
    if config.training.seed is None:
        config.training.seed = random.randint(int(SEED.low), int(SEED.high))
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(base.data.dataset).name) or "data"
    return PlannedRun(STANDARD_VAE[2], f"{stem}-{STANDARD_VAE[1]}", config.validate())


def train_experiment(
    planned: tuple[PlannedRun, ...],
    runs_root: str | Path,
    listener_for: Callable[[int, PlannedRun], TrainingListener] | None = None,
    control: TrainingControl | None = None,
    say: Callable[[str], None] | None = None,
    lock_command: str | None = None,
) -> ExperimentResult:
    """Train each planned run to its end, one after the other, each in a new folder under `runs_root`.

    Blocks (in the app, the trainer process's main thread runs it). `control.stop()` ends the run under way at
    its next batch (its last completed epoch is kept) and trains no more. The data are loaded once when the runs
    share their data settings.
    """
    control = control or TrainingControl()
    say = say or (lambda _text: None)
    trained: list[RunSummary] = []
    datasets: dict[str, object] = {}
    for index, plan in enumerate(planned):
        if control.stop_requested:
            return ExperimentResult(tuple(trained), True)
        config = plan.config
        key = repr((config.data, config.training.seed))
        if key not in datasets:
            say(f"Loading {config.data.dataset}…")
            datasets[key] = load_run_dataset(config)
        dataset = datasets[key]
        if control.stop_requested:
            return ExperimentResult(tuple(trained), True)
        # Settings that do not fit the data stop here, before any folder is made.
        config.model.check_image_shape(dataset.image_shape)
        config.training.check_batch_fits(len(dataset.train))
        run = Run.create(new_run_folder(runs_root, plan.folder_stem), config)
        run.class_names = dataset.class_names
        rename_run(run.folder, plan.name)
        say(f"Training {plan.name}…")
        listener = listener_for(index, plan) if listener_for is not None else None
        with run.locked(command=lock_command):  # who trains it, as other windows' messages say
            result = TrainingSession(run, dataset, listener, control=control).run()
        trained.append(read_run_summary(run.folder))
        if result.stopped:
            return ExperimentResult(tuple(trained), True)
    return ExperimentResult(tuple(trained), False)
