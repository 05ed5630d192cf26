"""Shared pieces of the bad-input corpus: the CLI as a user runs it, run folders to damage, folder digests."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import tiny_config, trained_folder
from tests.trained_fixtures import copy_of
from vaegui import cli

# The tiny model of tests/conftest.py, as `vaegui train` flags.
TINY = ["--z-dim", "2", "--conv-filters", "4,8", "--dense-units", "8", "--batch-size", "64", "--seed", "3"]
QUIET_TF = {"TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """`vaegui ARGS` in this process (TensorFlow is imported once for the whole corpus): exit code, stdout, stderr."""
    capsys.readouterr()
    try:
        code = cli.main([str(a) for a in args])
    except SystemExit as exit_:  # argparse's own exits (--help, unknown flags)
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def run_cli_process(*args: str, user: int | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m vaegui.cli ARGS` in a fresh process; `user` drops root to that uid first (permission tests)."""
    command = [sys.executable, "-m", "vaegui.cli", *map(str, args)]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **QUIET_TF}, timeout=timeout, cwd="/"
    )


def error_line(stderr: str) -> str:
    """The one error line a failed `vaegui` prints; fails the test on a traceback or several errors."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("vaegui: error: ")]
    assert len(errors) == 1, stderr
    return errors[0].removeprefix("vaegui: error: ")


def digest(folder: Path) -> dict[str, str]:
    """Every file below `folder` as relative path -> sha256: compared before and after to prove nothing changed."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def train_run(folder: Path, epochs: int = 2, **model) -> Path:
    """A copy at `folder` of a tiny run trained without probe views (tests/conftest.py keeps the original)."""
    config = tiny_config(epochs=epochs)
    for key, value in model.items():
        setattr(config.model, key, value)
    return copy_of(trained_folder(config, probe_size=0), folder)


@pytest.fixture(scope="session")
def trained_run_template(tmp_path_factory) -> Path:
    """A 2-epoch tiny run on digits (checkpoints of epochs 1 and 2 kept), trained once per session."""
    return train_run(tmp_path_factory.mktemp("template") / "run")


@pytest.fixture(scope="session")
def foreign_weights(tmp_path_factory) -> Path:
    """The weights of a run with another latent size (z_dim 3), to drop into a z_dim 2 run."""
    folder = train_run(tmp_path_factory.mktemp("foreign") / "run", epochs=1, z_dim=3)
    return folder / "checkpoints" / "epoch-00001.weights.h5"


@pytest.fixture
def trained_run(trained_run_template, tmp_path) -> Path:
    """A private copy of the 2-epoch run, free to damage."""
    return Path(shutil.copytree(trained_run_template, tmp_path / "run"))
