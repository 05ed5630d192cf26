"""`vaegui metrics`: the losses and latent-quality figures of a run's last completed epoch, as text or JSON."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from vaegui.errors import RunFolderError

# One name per quantity, the text's and the JSON's: each text line ends in its JSON key. The figures the Compare
# tab shows keep its labels (vaegui.runs.library.FIGURES); the others are named here. (The run modules are imported
# by the command, not with its parser: `vaegui gui` builds every parser.)
OWN_LABELS = {
    "val_reconstruction_loss": "Reconstruction loss on test images",
    "kl_loss": "Distance from the standard cloud (KL, training)",
    "val_kl_loss": "Distance from the standard cloud (KL, test images)",
    "beta": "KL weight this epoch (β)",
    "participation_ratio": "Main directions, smoothly counted (participation ratio)",
    "hidden_units": "Hidden units",
    "reconstruction_error": "Reconstruction error of the test images from their centres (mu)",
}


def keys_and_labels() -> tuple[tuple[str, ...], dict[str, str]]:
    """Every figure the command prints, in order, and its one label."""
    from vaegui.loss_terms import LOSS_NAMES
    from vaegui.runs.history import QUALITY_COLUMNS
    from vaegui.runs.library import FIGURES

    keys = (*LOSS_NAMES, *(f"val_{name}" for name in LOSS_NAMES), "beta", *QUALITY_COLUMNS)
    return keys, {**{figure.key: figure.label for figure in FIGURES}, **OWN_LABELS}


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "metrics",
        help="print the losses and latent-quality figures of a run's last epoch",
        description="The last completed epoch's losses and latent-quality figures (active units, effective "
        "dimensionality, dead hidden units, 5-NN accuracy, …), as measured after that epoch and kept in the run's "
        "history.csv. Runs trained before vaegui measured them are measured now.",
    )
    parser.add_argument("run_folder", type=Path, metavar="RUN", help="a run folder saved by vaegui")
    parser.add_argument("--json", action="store_true", help="print one JSON object (missing figures are null)")


def metrics_command(args: argparse.Namespace) -> int:
    from vaegui.runs import Run
    from vaegui.runs.history import QUALITY_COLUMNS
    from vaegui.runs.library import format_figure

    keys, labels = keys_and_labels()

    run = Run.open(args.run_folder)
    if not run.history:
        raise RunFolderError(f"The run in {args.run_folder} has no completed epoch yet, so it has no figures: "
                             f"train it first (vaegui train --resume {args.run_folder}).")
    last = dict(run.history[-1])
    measured_now = not any(key in last for key in QUALITY_COLUMNS)
    if measured_now:
        last.update(_measure(run))
    figures = {key: _number(last.get(key)) for key in keys}
    config = run.config
    if args.json:
        print(json.dumps({"run": str(run.folder), "epoch": int(last["epoch"]), "dataset": config.data.dataset,
                          "z_dim": config.model.z_dim, "kl_weight": config.model.kl_weight, **figures,
                          "measured_now": measured_now}, indent=2))
        return 0
    print(f"{run.folder} · {config.data.dataset} · z_dim {config.model.z_dim} · β {config.model.kl_weight:g} · "
          f"epoch {int(last['epoch'])} of {config.training.epochs}")
    width = max(len(labels[key]) for key in keys)
    for key in keys:
        text = format_figure(key, figures.get(key)) if key != "beta" else _beta(figures.get(key))
        if key == "active_units" and figures.get(key) is not None:
            text += f" of {config.model.z_dim}"
        if key == "dead_hidden_units" and figures.get("hidden_units") is not None:
            text += f" of {int(figures['hidden_units'])}"
        print(f"  {labels[key]:<{width}}  {text:>10}  {key}")
    if measured_now:
        print(f"(Latent quality measured now on {int(last.get('images', 0)):,} test images: this run's history has "
              "none.)")
    return 0


def _measure(run) -> dict[str, float]:
    """The quality figures of the run's last checkpoint, for runs whose history has none (trained earlier)."""
    from vaegui.latent.quality import measure_quality, quality_sample

    dataset = run.load_dataset()
    split = dataset.test if len(dataset.test) else dataset.train
    images, labels = quality_sample(split.images, split.labels)
    return measure_quality(run.load_model(dataset.image_shape), images, labels).to_record()


def _beta(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _number(value) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)
