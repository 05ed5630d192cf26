"""`vaegui animate`, as a user runs it on a server: a real subprocess without Qt, on a real run folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap

from PIL import Image

from vaegui.cli import main

# The command runs with PySide6 made unimportable (a headless server), and says whether TensorFlow was loaded.
HEADLESS = textwrap.dedent("""
    import sys
    sys.modules["PySide6"] = None
    from vaegui.cli import main
    code = main(sys.argv[1:])
    print("tensorflow loaded:", "tensorflow" in sys.modules)
    sys.exit(code)
""")


def animate(*args):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run([sys.executable, "-c", HEADLESS, "animate", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=240)


def test_animate_writes_one_frame_per_epoch_headless(three_epoch_run, tmp_path):
    out = tmp_path / "map.gif"
    done = animate(three_epoch_run.folder, "--out", out, "--fps", 5, "--size", 400)
    assert done.returncode == 0, done.stderr
    assert "Drawing 3 frames (epochs 1 to 3)" in done.stdout and f"Saved {out}" in done.stdout
    assert "tensorflow loaded: False" in done.stdout  # the map's movie needs no model
    with Image.open(out) as movie:
        assert movie.n_frames == 3 and movie.size == (400, 400) and movie.info["duration"] == 200


def test_animate_says_plainly_what_is_wrong(three_epoch_run, tmp_path):
    wrong = animate(three_epoch_run.folder, "--out", tmp_path / "map.avi")
    assert wrong.returncode == 1 and "vaegui: error: vaegui cannot write '.avi' movies" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    old = tmp_path / "old-run"
    shutil.copytree(three_epoch_run.folder, old)
    shutil.rmtree(old / "epochs")
    older = animate(old, "--out", tmp_path / "map.gif")
    assert older.returncode == 1 and "Traceback" not in older.stderr
    assert "this run was saved before vaegui kept each epoch's pictures; continue training it" in older.stderr
    missing = animate(tmp_path / "nowhere")
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    tiny = animate(three_epoch_run.folder, "--size", 100)
    assert tiny.returncode == 1 and "choose a size from 240 to 1920" in tiny.stderr
    assert not (three_epoch_run.folder / "map-formation.gif").exists()


def test_animate_interpolate_walks_between_two_test_images(three_epoch_run, tmp_path, capsys):
    # In this process: TensorFlow is loaded already (the run was trained here), which saves the test ~10 s.
    out = tmp_path / "line.gif"
    assert main(["animate", str(three_epoch_run.folder), "--interpolate", "0", "7", "--steps", "6",
                 "--out", str(out), "--size", "320"]) == 0
    assert "Drawing 10 frames (A to B and back)" in capsys.readouterr().out
    with Image.open(out) as movie:
        assert movie.n_frames == 10
    assert main(["animate", str(three_epoch_run.folder), "--interpolate", "0", "500"]) == 1
    assert "There is no test image 500" in capsys.readouterr().err
