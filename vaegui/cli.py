"""Command line: `vaegui` opens the app, `vaegui train` trains headless with a terminal progress bar, `vaegui animate`
makes a movie of a run, `vaegui encode` and `vaegui metrics` read a run (vaegui.commands)."""

from __future__ import annotations

import argparse
import difflib
import logging
import shlex
import signal
import sys
from pathlib import Path

from vaegui import __version__, stderr_filter, tensorflow_start
from vaegui.animation.command import add_animate_parser, animate_command
from vaegui.bundled import example_configs, settings_file
from vaegui.commands import encode, metrics
from vaegui.config import (
    ACTIVATIONS,
    CHANNELS,
    DISTRIBUTION_STRATEGIES,
    IMAGE_SIZE,
    KL_STRATEGIES,
    RECONSTRUCTION_LOSSES,
    Z_DIM,
    DataConfig,
    ModelConfig,
    RunConfig,
    TrainingConfig,
)
from vaegui.errors import ConfigError, VaeguiError

# Flags that change what the model is; a resumed run keeps its own.
_MODEL_FLAGS = (
    "dataset",
    "image_size",
    "channels",
    "subset",
    "z_dim",
    "conv_filters",
    "dense_units",
    "activation",
    "kl_weight",
    "kl_strategy",
    "reconstruction_loss",
)
_TRAINING_FLAGS = (
    "epochs",
    "batch_size",
    "learning_rate",
    "seed",
    "kl_warmup_epochs",
    "steps_per_execution",
    "images_per_epoch",
    "jit_compile",
    "strategy",
    "mixed_precision",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vaegui",
        description="Train a Variational Autoencoder and explore its latent space. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"vaegui {__version__}")
    _add_verbose(parser, default=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = commands.add_parser("gui", help="open the app (the default)")
    _add_verbose(gui)
    gui.add_argument("run_folder", nargs="?", help="a run folder to open in the Explorer")
    gui.add_argument("--dataset", default=None,
                     help="dataset preselected in the Training tab (default: the best one available offline)")

    train = commands.add_parser(
        "train",
        help="train headless (for servers), then open the run folder in the app",
        description="Train a VAE without the GUI. Settings come from --config, then flags override them.",
    )
    train.add_argument(
        "--config",
        help="a JSON settings file (a run's config.json works), or a shipped example by name: "
        + ", ".join(example_configs()),
    )
    train.add_argument("--out", type=Path, help="run folder to create (default: runs/DATASET-DATE-TIME)")
    train.add_argument(
        "--resume",
        type=Path,
        metavar="RUN_FOLDER",
        help="continue a run from its last completed epoch (use --epochs to train longer)",
    )
    train.add_argument(
        "--rollback",
        type=int,
        metavar="EPOCH",
        help="with --resume: continue from this earlier kept checkpoint (when the newest one is damaged)",
    )
    train.add_argument(
        "--force-unlock",
        action="store_true",
        help="with --resume: take over a run marked as being trained on another computer, once you know that "
        "training has ended",
    )
    data = train.add_argument_group("data")
    data.add_argument(
        "--dataset",
        help="digits, mnist, fashion_mnist, or a folder / .npz / IDX folder path; with --resume: where the run's "
        "data is now (accepted when it holds the same images)",
    )
    data.add_argument(
        "--image-size", type=int, help=f"pixels a side to resize images to ({IMAGE_SIZE.low} to {IMAGE_SIZE.high})"
    )
    data.add_argument("--channels", type=int, choices=CHANNELS, help="1 = grayscale, 3 = RGB")
    data.add_argument("--subset", type=int, metavar="IMAGES",
                      help="train on this many of the dataset's images, drawn at random with --seed (default: all)")
    model = train.add_argument_group("model")
    model.add_argument("--z-dim", type=int, help=f"latent size ({Z_DIM.low} to {Z_DIM.high}; 2 is shown directly)")
    model.add_argument("--conv-filters", type=_int_list, help="conv layer widths, e.g. 32,64")
    model.add_argument("--dense-units", type=int, help="width of the dense layer before the latent")
    model.add_argument("--activation", choices=ACTIVATIONS)
    model.add_argument("--kl-weight", type=float, help="β: 0 = plain autoencoder, 1 = standard VAE")
    model.add_argument("--kl-strategy", choices=KL_STRATEGIES)
    model.add_argument("--reconstruction-loss", choices=RECONSTRUCTION_LOSSES)
    training = train.add_argument_group("training")
    training.add_argument("--epochs", type=int, help="total epochs of the run")
    training.add_argument("--batch-size", type=int)
    training.add_argument("--learning-rate", type=float)
    training.add_argument("--seed", type=int, help="the same seed repeats the same losses on the CPU")
    training.add_argument(
        "--kl-warmup", type=int, dest="kl_warmup_epochs", metavar="EPOCHS", help="raise β linearly over EPOCHS epochs"
    )
    training.add_argument(
        "--steps-per-execution", type=int, help="batches per compiled call (faster, coarser progress)"
    )
    training.add_argument(
        "--images-per-epoch", type=int, metavar="N",
        help="train each epoch on N training images drawn at random (default: all), for very large folders",
    )
    training.add_argument("--jit-compile", action=argparse.BooleanOptionalAction, default=None, help="XLA")
    training.add_argument("--strategy", choices=DISTRIBUTION_STRATEGIES, help="tf.distribute strategy")
    training.add_argument(
        "--mixed-precision", action=argparse.BooleanOptionalAction, default=None, help="float16 compute on GPUs"
    )
    train.add_argument("--quiet", action="store_true", help="print only the epoch lines")
    _add_verbose(train)
    add_animate_parser(commands)
    encode.add_parser(commands)
    metrics.add_parser(commands)
    return parser


def _add_verbose(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    # SUPPRESS on the commands: their default would otherwise overwrite a --verbose given before the command.
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=default,
        help="also show TensorFlow's own start-up messages (CUDA, oneDNN), hidden by default",
    )


def parse_arguments(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Like parse_args, but an unknown flag is reported by its command's parser, with a likely spelling."""
    args, unknown = parser.parse_known_args(argv)
    if not unknown:
        return args
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    owner = commands.choices.get(args.command, parser)
    known = [flag for action in owner._actions for flag in action.option_strings]
    flags = [item for item in unknown if item.startswith("--")]
    guesses = [
        f"{match[0]} for {flag}" if len(flags) > 1 else match[0]
        for flag in flags
        if (match := difflib.get_close_matches(flag.split("=")[0], known, 1, cutoff=0.75))
    ]
    hint = f" (did you mean {', '.join(guesses)}?)" if guesses else ""
    owner.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a comma-separated list of whole numbers, e.g. 32,64"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("give at least one width, e.g. 32,64")
    return values


def config_from_args(args: argparse.Namespace) -> RunConfig:
    config = RunConfig.from_json_file(settings_file(args.config)) if args.config else RunConfig()
    _apply(config.data, args, {"dataset": "dataset", "image_size": "image_size", "channels": "channels",
                               "subset": "subset"})
    _apply(config.model, args, {name: name for name in _MODEL_FLAGS if hasattr(ModelConfig(), name)})
    _apply(config.training, args, {name: name for name in _TRAINING_FLAGS if hasattr(TrainingConfig(), name)})
    return config.validate()


def _apply(section: DataConfig | ModelConfig | TrainingConfig, args: argparse.Namespace, names: dict[str, str]):
    for field_name, flag in names.items():
        value = getattr(args, flag, None)
        if value is not None:
            setattr(section, field_name, value)


def train_command(args: argparse.Namespace) -> int:
    """Check everything a user can get wrong (settings, data, image size, weights) before writing anything."""
    from vaegui.runs import Run, load_run_dataset, new_run_folder
    from vaegui.training.distribute import writes_run_folder

    # Image files that fail to decode are summed up after training (_report_skipped), not logged one by one.
    logging.getLogger("vaegui.data").setLevel(logging.ERROR)
    if args.rollback is not None and not args.resume:
        raise ConfigError("--rollback needs --resume RUN_FOLDER: it picks the checkpoint a run continues from.")
    if args.force_unlock and not args.resume:
        raise ConfigError("--force-unlock needs --resume RUN_FOLDER: it takes over the lock of an existing run.")
    command = f"vaegui {shlex.join(args.argv)}"
    if args.resume:
        given = [
            f"--{name.replace('_', '-')}"
            for name in _MODEL_FLAGS
            if name != "dataset" and getattr(args, name, None) is not None
        ]
        if given or args.config or args.out:
            extra = given + (["--config"] if args.config else []) + (["--out"] if args.out else [])
            raise ConfigError(
                f"{', '.join(extra)} cannot be used with --resume: a resumed run keeps its model and folder. "
                "Only training settings such as --epochs or --learning-rate may change, and --dataset may say "
                "where the run's data is now."
            )
        run = Run.open(args.resume)
        if not writes_run_folder(args.strategy or run.config.training.strategy):
            return _resume(run, args, writes=False)  # another worker of a multi-worker run: the chief holds the lock
        # Locked before anything is written (a rollback, the settings) until training ends.
        with run.locked(force_unlock=args.force_unlock, command=command) as lock:
            if lock.took_over is not None:
                gone = "which is no longer running" if lock.took_over.on_this_host else "as --force-unlock asked"
                _say(f"Took over the lock of {run.folder} held by {lock.took_over.describe()}, {gone}.")
            return _resume(run, args, writes=True)
    config = config_from_args(args)
    _say(f"Loading {config.data.dataset}…")
    dataset = load_run_dataset(config)
    _check_fit(config, dataset)
    _report_skipped(dataset)
    tensorflow_start.start_tensorflow()
    run = Run.create(args.out or new_run_folder("runs", config.data.dataset), config)
    _say(f"Run folder: {run.folder}")
    with run.locked(command=command):
        return _train(run, dataset, quiet=args.quiet)


def _resume(run, args: argparse.Namespace, *, writes: bool) -> int:
    """Continue `run`: roll back if asked, apply the new training settings, train; this process holds the run's
    lock when it `writes` the folder (all but the other workers of a multi-worker run)."""
    from vaegui.runs import relocate_dataset
    from vaegui.runs.dataset_location import locate_dataset

    if run.history_gaps is not None:
        _say(run.history_gaps.describe())  # never continued silently past a cut history
    if args.rollback is not None:
        run.roll_back(args.rollback)
        _say(f"Rolled back to the checkpoint of epoch {args.rollback}.")
    dataset = None
    if args.dataset is not None:
        _say(f"Loading {args.dataset}…")
        # Accepted only when it is the data the run was trained on; config.json then says where it is.
        dataset = relocate_dataset(run, args.dataset)
        _say(f"The run in {run.folder} now reads its data from {run.config.data.dataset}.")
    _apply(run.config.training, args, {n: n for n in _TRAINING_FLAGS if hasattr(TrainingConfig(), n)})
    run.config.validate()
    if _already_finished(run, args):
        return 0
    _say(f"Run folder: {run.folder}")
    if dataset is None:
        _say(f"Loading {locate_dataset(run.config.data, run.folder)}…")  # a copied run reads its own copy
        dataset = run.load_dataset()
    _check_fit(run.config, dataset)
    _report_skipped(dataset)
    tensorflow_start.start_tensorflow()
    # Builds the model and loads the last checkpoint: damaged or foreign weights stop here. The
    # changed settings are written once training has started (optimizer state loaded too).
    run.build_model(dataset.image_shape)
    return _train(run, dataset, quiet=args.quiet, on_start=run.save_config if writes else None)


def _already_finished(run, args: argparse.Namespace) -> bool:
    """Say so, and how to train longer, when a resumed run has no epochs left to train."""
    done, epochs = run.epochs_completed, run.config.training.epochs
    if done < epochs:
        return False
    asked = f", so --epochs {epochs} leaves nothing to train" if args.epochs is not None else ""
    _say(
        f"The run in {run.folder} has already finished: it completed {done} epochs{asked}. "
        f"To train longer, raise --epochs above {done}:\n  {_resume_command(run, stopped=False)}"
    )
    return True


def _resume_command(run, stopped: bool) -> str:
    """The command that continues `run`, shell-quoted (a folder name may hold spaces): to its end, or twice as long."""
    command = f"vaegui train --resume {shlex.quote(str(run.folder))}"
    return command if stopped else f"{command} --epochs {2 * max(run.epochs_completed, 1)}"


def _check_fit(config: RunConfig, dataset) -> None:
    """Settings that are fine alone but not for this data: refuse them before a run folder exists."""
    config.model.check_image_shape(dataset.image_shape)
    config.training.check_batch_fits(len(dataset.train))


def _report_skipped(dataset, already: int = 0) -> int:
    """Tell the user about image files that could not be read (they were left out); returns how many."""
    note = dataset.skipped_files_note(already)
    if note:
        print(f"vaegui: warning: {note}", file=sys.stderr)
    return len(dataset.skipped_files)


def _train(run, dataset, *, quiet: bool, on_start=None) -> int:
    from vaegui.terminal_progress import TerminalProgress  # not with the parser: `vaegui gui` opens no training
    from vaegui.training import TrainingSession

    progress = TerminalProgress(quiet=quiet, on_start=on_start)
    skipped_before = len(dataset.skipped_files)
    session = TrainingSession(run, dataset, progress)  # each epoch's pictures too: the app replays them
    interrupts = {"count": 0}

    def on_interrupt(signum, frame):
        interrupts["count"] += 1
        if interrupts["count"] > 1:
            raise KeyboardInterrupt
        progress.line(
            "Stopping at the end of this batch; the last completed epoch is kept. (Ctrl-C again quits at once.)"
        )
        session.stop()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        result = session.run()
    finally:
        signal.signal(signal.SIGINT, previous)
        progress.finish()
        _report_skipped(dataset, skipped_before)
    state = "stopped" if result.stopped else "finished"
    _say(f"Training {state} after {result.epochs_completed} of {run.config.training.epochs} epochs.")
    _say(f"Run folder: {run.folder}")
    _say(f"Open it with:   vaegui gui {shlex.quote(str(run.folder))}")
    _say(f"{'Continue' if result.stopped else 'Train longer'} with:   {_resume_command(run, result.stopped)}")
    return 130 if result.stopped and interrupts["count"] else 0


def _say(text: str) -> None:
    print(text, flush=True)


def gui_command(args: argparse.Namespace) -> int:
    from vaegui.gui.app import run_app

    return run_app(run_folder=getattr(args, "run_folder", None), dataset=getattr(args, "dataset", None))


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(build_parser(), argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # for the run folder's lock record
    tensorflow_start.configure(verbose=args.verbose)
    if argv is None and args.command == "train" and not args.verbose and not stderr_filter.filtered():
        # TensorFlow's start-up lines are kept from the terminal by running the training in a child whose stderr
        # this process filters (called as a function, as tests do, it trains here).
        code = stderr_filter.run_filtered(args.argv)
        if code is not None:
            return code
    try:
        commands = {"train": train_command, "animate": animate_command, "encode": encode.encode_command,
                    "metrics": metrics.metrics_command}
        return commands.get(args.command, gui_command)(args)
    except VaeguiError as error:
        print(f"vaegui: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("vaegui: interrupted; the last completed epoch is saved in the run folder.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
