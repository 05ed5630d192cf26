"""Silly settings and command lines: `vaegui train` refuses them in one line, before any folder is made."""

from __future__ import annotations

import pytest

from tests.robustness.conftest import TINY, digest, error_line, run_cli, run_cli_process

SETTINGS = [
    (["--z-dim", "0"], "Latent size (z_dim) 0 is out of range: choose 2 to 512."),
    (["--z-dim", "100000"], "Latent size (z_dim) 100000 is out of range: choose 2 to 512."),
    (
        ["--batch-size", "5000"],
        "Batch size 5000 is larger than the training set (1617 images): choose a batch size of at most 1617.",
    ),
    (["--learning-rate", "0"], "Learning rate 0.0 must be greater than 0 (1e-3 is a good start) and at most 10."),
    (["--learning-rate", "-0.01"], "Learning rate -0.01 must be greater than 0 (1e-3 is a good start) and at most 10."),
    (["--learning-rate", "nan"], "Learning rate nan must be greater than 0 (1e-3 is a good start) and at most 10."),
    (["--epochs", "0"], "Epochs 0 is out of range: train for at least 1 epoch."),
    (
        ["--image-size", "10"],
        "Image size 10×10 does not fit 2 conv layers: the side must be a multiple of 4. Choose image size 8 or 12, or "
        "change the number of conv layers.",
    ),
    (["--image-size", "4"], "Image size 4 is out of range: choose a size from 8 to 256 pixels."),
    (["--kl-weight", "-1"], "KL weight -1.0 must be 0 or more (0 gives a plain autoencoder)."),
    (
        ["--rollback", "1"],
        "--rollback needs --resume RUN_FOLDER: it picks the checkpoint a run continues from.",
    ),
]


@pytest.mark.parametrize(
    "flags, message",
    SETTINGS,
    ids=[
        "z-dim-0",
        "z-dim-huge",
        "batch-larger-than-data",
        "learning-rate-0",
        "learning-rate-negative",
        "learning-rate-nan",
        "epochs-0",
        "image-size-unfit-for-convs",
        "image-size-tiny",
        "kl-weight-negative",
        "rollback-without-resume",
    ],
)
def test_bad_setting_is_refused_before_any_folder_exists(capsys, tmp_path, flags, message):
    code, _, err = run_cli(capsys, "train", "--dataset", "digits", *TINY, *flags, "--out", tmp_path / "out")
    assert code == 1
    assert error_line(err) == message
    assert not (tmp_path / "out").exists()


def test_bad_setting_in_a_config_file(capsys, tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text('{"model": {"z_dim": 2, "kl_weight": "lots"}}')
    code, _, err = run_cli(capsys, "train", "--config", settings, "--out", tmp_path / "out")
    assert code == 1
    assert error_line(err) == (
        f"Settings file {settings}: setting 'model.kl_weight' has the wrong type ('lots'); expected a number."
    )
    assert not (tmp_path / "out").exists()


def test_out_folder_that_already_holds_a_run_is_left_alone(capsys, trained_run):
    before = digest(trained_run)
    code, _, err = run_cli(capsys, "train", "--dataset", "digits", *TINY, "--out", trained_run)
    assert code == 1
    assert error_line(err) == (
        f"{trained_run} already holds a run: choose another folder, or continue that run "
        f"(vaegui train --resume {trained_run})."
    )
    assert digest(trained_run) == before


@pytest.mark.spawns
def test_unknown_flag_is_named_with_usage():
    done = run_cli_process("train", "--dataset", "digits", "--zdim", "4")
    assert done.returncode == 2
    assert done.stderr.splitlines()[0].startswith("usage: vaegui train [-h] [--config CONFIG]")
    assert done.stderr.splitlines()[-1] == (
        "vaegui train: error: unrecognized arguments: --zdim 4 (did you mean --z-dim?)"
    )


def test_flag_value_of_the_wrong_kind(capsys):
    code, _, err = run_cli(capsys, "train", "--epochs", "ten")
    assert code == 2
    assert err.splitlines()[-1] == "vaegui train: error: argument --epochs: invalid int value: 'ten'"
    code, _, err = run_cli(capsys, "train", "--conv-filters", "32,x")
    assert code == 2
    assert err.splitlines()[-1] == (
        "vaegui train: error: argument --conv-filters: '32,x' is not a comma-separated list of whole numbers, "
        "e.g. 32,64"
    )


@pytest.mark.spawns
def test_unknown_command():
    done = run_cli_process("trian")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "vaegui: error: argument COMMAND: invalid choice: 'trian' "
        "(choose from 'gui', 'train', 'animate', 'encode', 'metrics')"
    )


@pytest.mark.spawns
def test_help_and_version():
    top = run_cli_process("--help")
    assert top.returncode == 0 and top.stderr == ""
    assert top.stdout.startswith("usage: vaegui [-h] [--version] [--verbose] COMMAND ...")
    assert "    gui       open the app (the default)\n    train     train headless" in top.stdout
    train = run_cli_process("train", "--help")
    assert train.returncode == 0 and train.stderr == ""
    for flag in ("--resume RUN_FOLDER", "--rollback EPOCH", "--z-dim Z_DIM", "--learning-rate LEARNING_RATE",
                 "--verbose"):
        assert flag in train.stdout
    version = run_cli_process("--version")
    assert version.returncode == 0 and version.stdout.startswith("vaegui ")
