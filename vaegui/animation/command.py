"""`vaegui animate RUN --out map.gif`: a run's latent map forming over the epochs (or an interpolation) as a movie."""

from __future__ import annotations

import argparse
from pathlib import Path

from vaegui.animation import (
    FORMATION_FPS,
    FPS_RANGE,
    FRAME_SIZE,
    INTERPOLATION_FPS,
    INTERPOLATION_STEPS,
    SIZE_RANGE,
)


def add_animate_parser(commands) -> None:
    """Register `animate` on the CLI's subcommands."""
    animate = commands.add_parser(
        "animate",
        help="save a run's latent map forming over the epochs as a GIF or MP4",
        description="Make a movie from a run folder: by default the latent map of every epoch, one frame per "
        "epoch; with --interpolate, the images decoded along the line between two test images.",
    )
    animate.add_argument("run_folder", type=Path, metavar="RUN", help="the run folder (made by training)")
    animate.add_argument("--out", type=Path, help="the movie to write, .gif or .mp4 (default: in the run folder)")
    animate.add_argument("--fps", type=float, help=f"frames a second, {FPS_RANGE[0]} to {FPS_RANGE[1]} (default: "
                         f"{FORMATION_FPS:g} for the map, {INTERPOLATION_FPS:g} for --interpolate)")
    animate.add_argument("--size", type=int, default=FRAME_SIZE,
                         help=f"width and height in pixels, {SIZE_RANGE[0]} to {SIZE_RANGE[1]} (default: %(default)s)")
    animate.add_argument("--no-strip", action="store_true",
                         help="leave out the row of test images and their reconstructions under the map")
    animate.add_argument("--interpolate", nargs=2, type=int, metavar=("A", "B"),
                         help="instead of the map: walk from test image A to test image B (their positions in the "
                         "run's test split), decoding each step with the run's last checkpoint")
    animate.add_argument("--steps", type=int, default=INTERPOLATION_STEPS,
                         help="with --interpolate: images decoded along the line (default: %(default)s)")


def animate_command(args: argparse.Namespace) -> int:
    # Drawing (and, for --interpolate, TensorFlow) is loaded only when a movie is made: `vaegui` starts fast.
    from vaegui.animation import formation, interpolation
    from vaegui.animation.movie import movie_format, write_movie
    from vaegui.runs.snapshot import RunSnapshot

    folder: Path = args.run_folder
    if args.interpolate:
        start, end = args.interpolate
        out = args.out or folder / f"interpolation-{start}-{end}.gif"
        movie_format(out)  # a wrong name or a missing encoder stops here, before TensorFlow loads
        print(f"Decoding {args.steps} steps from test image {start} to {end} with the run's model…", flush=True)
        images, captions = interpolation.decode_line_from_run(folder, start, end, args.steps)
        movie = interpolation.interpolation_movie(images, folder.resolve().name, size=args.size,
                                                  fps=args.fps or INTERPOLATION_FPS, captions=captions)
        what = f"{movie.frame_count} frames (A to B and back)"
    else:
        out = args.out or folder / "map-formation.gif"
        movie_format(out)
        snapshot = RunSnapshot.read(folder)
        movie = formation.formation_movie_of_run(snapshot, size=args.size, fps=args.fps or FORMATION_FPS,
                                                 strip=not args.no_strip)
        epochs = sorted(snapshot.views)
        what = f"{movie.frame_count} frames (epochs {epochs[0]} to {epochs[-1]})"
    print(f"Drawing {what}…", flush=True)
    write_movie(movie, out)
    print(f"Saved {out}", flush=True)
    return 0
