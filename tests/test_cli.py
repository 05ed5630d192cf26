"""`vaegui train`, headless, as a user runs it: real subprocesses, real run folders."""

from __future__ import annotations

import os
import subprocess
import sys

from vaegui.runs import Run

TINY = ["--z-dim", "2", "--conv-filters", "4,8", "--dense-units", "8", "--batch-size", "64", "--seed", "3"]


def vaegui(*args, cwd=None, timeout=240):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    return subprocess.run(
        [sys.executable, "-m", "vaegui.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
    )


def test_train_then_resume_then_reopen(tmp_path):
    out = tmp_path / "x"
    done = vaegui("train", "--dataset", "digits", "--epochs", "2", *TINY, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert f"Run folder: {out}" in done.stdout and "Training finished after 2 of 2 epochs" in done.stdout
    assert "epoch 2/2" in done.stderr

    more = vaegui("train", "--resume", str(out), "--epochs", "3")
    assert more.returncode == 0, more.stderr
    assert "epochs 3–3" in more.stderr and "finished after 3 of 3 epochs" in more.stdout
    run = Run.open(out)
    assert [r["epoch"] for r in run.history] == [1, 2, 3]
    assert run.config.training.epochs == 3 and run.load_model().z_dim == 2


def test_config_file_and_flags(tmp_path):
    config = tmp_path / "settings.json"
    config.write_text('{"model": {"z_dim": 3, "conv_filters": [4, 8], "dense_units": 8}, "training": {"epochs": 1}}')
    done = vaegui("train", "--config", str(config), "--kl-weight", "0.5", "--out", str(tmp_path / "y"))
    assert done.returncode == 0, done.stderr
    run = Run.open(tmp_path / "y")
    assert (run.config.model.z_dim, run.config.model.kl_weight, run.epochs_completed) == (3, 0.5, 1)


def test_errors_are_one_clear_line_and_exit_non_zero(tmp_path):
    bad = vaegui("train", "--dataset", "digits", "--epochs", "0", "--out", str(tmp_path / "z"))
    assert bad.returncode == 1
    assert bad.stderr.strip() == "vaegui: error: Epochs 0 is out of range: train for at least 1 epoch."
    missing = vaegui("train", "--resume", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    mixed = vaegui("train", "--resume", str(tmp_path / "nope"), "--z-dim", "4")
    assert mixed.returncode == 1 and "--z-dim cannot be used with --resume" in mixed.stderr


def test_unknown_flag_and_help_behave_like_any_cli():
    unknown = vaegui("train", "--epoch", "3", "--bogus")
    assert unknown.returncode == 2 and "unrecognized arguments: --bogus" in unknown.stderr
    helped = vaegui("train", "--help")
    assert helped.returncode == 0 and "--resume RUN_FOLDER" in helped.stdout and "--kl-strategy" in helped.stdout
