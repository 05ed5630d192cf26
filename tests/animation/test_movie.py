"""Writing movies: GIF with Pillow, MP4 through imageio-ffmpeg when installed, atomically, cancellable."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

from vaegui.animation.formation import HOLD_LAST_SECONDS, formation_movie_of_run
from vaegui.animation.movie import AnimationError, Movie, frame_durations, movie_format, mp4_available, write_movie
from vaegui.cancel import Cancelled, CancelToken
from vaegui.runs.snapshot import RunSnapshot


def _colour_movie(count: int = 4, fps: float = 10) -> Movie:
    colours = ["#d62728", "#2ca02c", "#1f77b4", "#ffffff"]
    return Movie(lambda index: Image.new("RGB", (64, 48), colours[index % 4]),
                 frame_durations(count, fps, {count - 1: 0.5}), fps, (64, 48))


def test_durations_hold_the_chosen_frames():
    assert frame_durations(3, 4, {2: 2.0}) == (250, 250, 2000)
    assert frame_durations(2, 4, {0: 0.1}) == (250, 250)  # a hold shorter than a frame changes nothing


@pytest.mark.skipif(not mp4_available(), reason='needs the video extra: pip install "vaegui[video]"')
def test_mp4_of_a_real_run_repeats_held_frames_at_one_pace(three_epoch_run, tmp_path):
    import imageio_ffmpeg

    movie = formation_movie_of_run(RunSnapshot.read(three_epoch_run.folder), fps=4, size=320)
    out = write_movie(movie, tmp_path / "map.mp4")
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    frames = [np.frombuffer(frame, np.uint8).reshape(320, 320, 3) for frame in reader]
    assert tuple(meta["size"]) == (320, 320) and meta["fps"] == pytest.approx(4)
    # Epochs 1 and 2 one frame each, epoch 3 held HOLD_LAST_SECONDS at 4 frames a second.
    assert len(frames) == 2 + int(HOLD_LAST_SECONDS * 4)
    assert np.abs(frames[0].astype(float) - frames[1]).mean() > 1.0
    assert np.abs(frames[-1].astype(float) - frames[-2]).mean() < 1.0
    assert not list(tmp_path.glob(".*tmp*"))


def test_a_cancelled_movie_leaves_no_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "movie.gif"
    target.write_bytes(b"the previous movie")
    token, seen = CancelToken(), []

    def progress(payload):
        seen.append(payload)
        token.cancel()

    with pytest.raises(Cancelled):
        write_movie(_colour_movie(), target, progress, token)
    assert seen == [(1, 4)]
    assert target.read_bytes() == b"the previous movie"
    assert [p.name for p in tmp_path.iterdir()] == ["movie.gif"], "no temp file left behind"
    write_movie(_colour_movie(), target)
    with Image.open(target) as movie:
        assert movie.n_frames == 4


def test_names_vaegui_cannot_write_are_refused_before_drawing(tmp_path):
    for name in ("map.webm", "map", "map.png"):
        with pytest.raises(AnimationError, match=r"name the file \.gif .* or \.mp4"):
            write_movie(_colour_movie(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []
    assert movie_format(tmp_path / "MAP.GIF") == "GIF"
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(AnimationError, match="choose a folder you can write to"):
        write_movie(_colour_movie(), tmp_path / "a-file" / "map.gif")


@pytest.mark.spawns
def test_without_the_video_extra_mp4_names_the_install_command():
    # imageio_ffmpeg made unimportable, as on a machine without the extra.
    script = textwrap.dedent("""
        import sys
        sys.modules["imageio_ffmpeg"] = None
        from vaegui.animation.movie import AnimationError, movie_format
        try:
            movie_format("map.mp4")
        except AnimationError as error:
            print(error)
        print(movie_format("map.gif"))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert 'pip install "vaegui[video]"' in result.stdout and "as .gif" in result.stdout
    assert result.stdout.strip().endswith("GIF")
