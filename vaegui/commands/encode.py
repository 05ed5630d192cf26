"""`vaegui encode`: the latent codes (mu, log_var, z and labels) of a split of images, or of picture files given with
--images, from a run folder or a keras.io-style encoder/decoder pair, written to an .npz for a script or a notebook."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from vaegui.atomic_files import atomic_output_path
from vaegui.errors import ConfigError, UntrustedCodeError, VaeguiError
from vaegui.latent.encoding import SPLITS


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "encode",
        help="write the latent codes of a split (mu, log_var, z, labels) to an .npz",
        description="Encode a split of images with a run's last epoch, or with a keras.io-style encoder/decoder pair, "
        "and write mu, log_var, z (and labels, when the images have them) to an .npz: "
        "np.load('codes.npz')['mu'].",
    )
    parser.add_argument("run_folder", nargs="?", type=Path, metavar="RUN", help="a run folder saved by vaegui")
    parser.add_argument("--encoder", type=Path, help="a .keras/.h5 encoder returning (z_mean, z_log_var, z)")
    parser.add_argument("--decoder", type=Path, help="its decoder (.keras/.h5)")
    parser.add_argument("--dataset", help="with --encoder: the images to encode (digits, mnist, or a path)")
    parser.add_argument("--trust-code", action="store_true",
                        help="with --encoder: open model files that hold Python code (a Lambda layer)")
    parser.add_argument("--split", choices=SPLITS, default="test", help="which images (default: test)")
    parser.add_argument("--images", nargs="+", type=Path, metavar="FILE",
                        help="encode these picture files instead of a split, each prepared as the run's images are "
                        "(cropped, scaled, grey or colour); the .npz gets mu, log_var, z and their file names")
    parser.add_argument("--mu-only", action="store_true", help="z = mu: the cloud centres, no random draw")
    parser.add_argument("--out", type=Path, required=True, help="the .npz file to write")


def encode_command(args: argparse.Namespace) -> int:
    from vaegui.latent.encoding import encode_split

    if args.images:
        return _encode_pictures(args)
    model, dataset, source = _model_and_images(args)
    if args.mu_only:
        model.set_mu_only(True)  # sets the sampling factor and rebuilds the encoder's predict function
    started = time.perf_counter()
    count = len(dataset.train) * (args.split != "test") + len(dataset.test) * (args.split != "train")
    print(f"Encoding {count:,} {args.split} images with {source}…", file=sys.stderr, flush=True)
    latents = encode_split(model, dataset, args.split)
    arrays = {"mu": latents.mu, "log_var": latents.log_var, "z": latents.z,
              # Which image each row is: 0 train / 1 test, and its position in that split.
              "split": latents.split, "index": latents.source_index}
    if latents.labels is not None:
        arrays["labels"] = latents.labels
    _write(args.out, arrays)
    rows, z_dim = latents.mu.shape
    what = "mu, log_var, z" + (" (z = mu)" if args.mu_only else "") + (", labels" if latents.labels is not None
                                                                      else " (no labels: the images have none)")
    print(f"Wrote {args.out}: {what} of {rows:,} images × {z_dim} dimensions, "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


def _encode_pictures(args: argparse.Namespace) -> int:
    """`--images`: picture files prepared as the run's images are, encoded as they are (same batch, same function)."""
    from vaegui.latent.own_pictures import encode_pictures, mean_brightness, prepare_pictures

    if args.dataset is not None or args.split != "test":
        raise ConfigError("--images encodes the picture files given: leave out --dataset and --split.")
    model, dataset, source = _model_and_images(args, images=False)
    if args.mu_only:
        model.set_mu_only(True)  # sets the sampling factor and rebuilds the encoder's predict function
    reference = mean_brightness(dataset) if dataset is not None else _probe_brightness(args.run_folder)
    prepared, refused = prepare_pictures(args.images, model.image_shape, reference)
    for sentence in refused:
        print(sentence, file=sys.stderr, flush=True)
    if not prepared:
        raise VaeguiError("None of the pictures could be prepared for this model (see above).")
    for picture in prepared:
        print(f"{picture.name}: {picture.note}", file=sys.stderr, flush=True)
    codes = encode_pictures(model, prepared)
    _write(args.out, {"mu": codes.mu, "log_var": codes.log_var, "z": codes.z,
                      "names": np.array([str(picture.path) for picture in prepared])})
    height, width, channels = model.image_shape
    print(f"Wrote {args.out}: mu, log_var, z{' (z = mu)' if args.mu_only else ''}, names of {len(prepared)} "
          f"picture(s) × {codes.mu.shape[1]} dimensions, prepared as {height}×{width} "
          f"{'grey' if channels == 1 else 'colour'} images with {source}", flush=True)
    return 0 if not refused else 1  # the codes of those prepared are written; a script learns some were not


def _probe_brightness(folder: Path | None) -> float | None:
    """The mean brightness of the pictures a run's training looked at each epoch (kept in its folder), if any."""
    from vaegui.runs.epoch_views import EPOCHS_DIR, PROBE_FILE

    try:
        with np.load(Path(folder) / EPOCHS_DIR / PROBE_FILE) as probe:
            return float(np.mean(probe["strip"])) / 255.0
    except (OSError, KeyError, ValueError, TypeError):
        return None


def _write(path: Path, arrays: dict[str, np.ndarray]) -> None:
    try:
        with atomic_output_path(path, suffix=".npz") as temp:
            np.savez_compressed(temp, **arrays)
    except OSError as error:
        raise VaeguiError(f"Cannot write {path} ({error.strerror or error}): choose a folder you can write to.") \
            from None


def _model_and_images(args: argparse.Namespace, images: bool = True):
    """(model, dataset, what it is) for a run folder or a keras.io pair, after checking the arguments fit together."""
    pair = [name for name in ("encoder", "decoder", "dataset") if getattr(args, name) is not None]
    if args.run_folder is not None and pair:
        raise ConfigError(f"Give a run folder or --encoder, --decoder and --dataset, not both (--{pair[0]} was "
                          "given with a run folder, which encodes the images it was trained on).")
    if args.run_folder is not None:
        return _run_model(args.run_folder, images)
    if not images and len(pair) == 2 and "dataset" not in pair:
        return _pair_model(args.encoder, args.decoder, None, args.trust_code)
    if len(pair) < 3:
        missing = ", ".join(f"--{name}" for name in ("encoder", "decoder", "dataset") if name not in pair)
        raise ConfigError("Say what to encode: a run folder (vaegui encode RUN --out codes.npz) or a keras.io pair "
                          f"(--encoder E.keras --decoder D.keras --dataset DATA); missing: {missing}.")
    return _pair_model(args.encoder, args.decoder, args.dataset, args.trust_code)


def _run_model(folder: Path, images: bool = True):
    from vaegui.errors import RunFolderError
    from vaegui.runs import Run

    run = Run.open(folder)
    if not run.checkpoint:
        raise RunFolderError(f"The run in {folder} has no completed epoch yet: train it first "
                             f"(vaegui train --resume {folder}).")
    source = f"{folder} (epoch {run.epochs_completed})"
    if not images:  # picture files need the model only, not the run's images (they may be elsewhere now)
        return run.load_model(), None, source
    dataset = run.load_dataset()
    return run.load_model(dataset.image_shape), dataset, source


def _pair_model(encoder: Path, decoder: Path, dataset_name: str, trust_code: bool):
    from vaegui.data import load_dataset
    from vaegui.latent.foreign_model import load_foreign_vae

    try:
        model = load_foreign_vae(encoder, decoder, trust_code=trust_code)
    except UntrustedCodeError as error:
        raise UntrustedCodeError(f"{error} Add --trust-code to open it anyway.") from None
    if model.note:
        print(model.note, file=sys.stderr, flush=True)
    height, width, channels = model.image_shape
    if height != width:
        raise ConfigError(f"The encoder takes {height}×{width} images; vaegui's datasets are square.")
    if dataset_name is None:
        return model, None, encoder.name
    return model, load_dataset(dataset_name, image_size=height, channels=channels), encoder.name
