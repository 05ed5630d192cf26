"""Training that goes wrong: NaN losses, a disk that fills up, a trainer killed with SIGKILL. Nothing saved is lost."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.robustness.conftest import QUIET_TF, TINY, digest, error_line, run_cli, run_cli_process
from vaegui import atomic_files
from vaegui.errors import TrainingError
from vaegui.runs import Run
from vaegui.runs.lock import run_folder_holder
from vaegui.training import TrainingSession

pytestmark = [pytest.mark.trains, pytest.mark.spawns]  # left out of `make test-fast` (tests/suite_tiers.py)


def saved_files(run: Path) -> dict[str, str]:
    """What the last completed epoch consists of: its checkpoints and state.json, the commit point.

    config.json may change on resume, and history files may already hold the row of an epoch whose
    state.json was never written; reopening drops such rows (assert_reopens_at checks that).
    """
    return {name: sha for name, sha in digest(run).items() if name.startswith(("checkpoints/", "state.json"))}


def assert_reopens_at(run: Path, epochs: int) -> Run:
    reopened = Run.open(run)
    assert reopened.epochs_completed == epochs
    assert [row["epoch"] for row in reopened.history] == list(range(1, epochs + 1))
    pairs = [(row["epoch"], row["batch"]) for row in reopened.batch_history]
    assert len(pairs) == len(set(pairs)), "no batch recorded twice"
    assert {epoch for epoch, _ in pairs} == set(range(1, epochs + 1))
    reopened.load_model((8, 8, 1))
    return reopened


def test_nan_loss_stops_keeps_the_last_good_epoch_and_says_why(capsys, trained_run):
    before = saved_files(trained_run)
    code, _, err = run_cli(capsys, "train", "--resume", trained_run, "--epochs", "4", "--learning-rate", "10")
    assert code == 1
    assert re.fullmatch(
        r"The loss became NaN or infinite at epoch 3, batch \d+, so training stopped; the weights of epoch 2 are "
        r"kept\. Lower the learning rate \(now 10, try 1\) and continue training\.",
        error_line(err),
    )
    assert saved_files(trained_run) == before
    assert_reopens_at(trained_run, 2)


# Each checkpoint writes, in order: weights, optimizer state, history, batch history, then state.json (the commit).
WRITES = ["weights", "optimizer", "history", "batch-history", "state"]


@pytest.mark.parametrize("failing_write", range(len(WRITES)), ids=WRITES)
def test_disk_full_during_a_checkpoint_keeps_the_previous_one(trained_run, monkeypatch, failing_write):
    run = Run.open(trained_run)
    run.config.training.epochs = 3
    before = saved_files(trained_run)
    real_fsync, calls = os.fsync, []

    def fsync_on_a_full_disk(fd):
        # Where a full disk is reported for a buffered write: flushing it to the device.
        calls.append(fd)
        if len(calls) == failing_write + 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(atomic_files.os, "fsync", fsync_on_a_full_disk)
    with pytest.raises(TrainingError) as raised:
        TrainingSession(run, run.load_dataset(), probe_size=0).run()
    monkeypatch.undo()
    assert str(raised.value) == (
        f"Could not save epoch 3 into {trained_run} (No space left on device). The run is intact up to epoch 2. "
        "Free some disk space or choose a writable folder, then continue training."
    )
    after = saved_files(trained_run)
    assert {name: after.get(name) for name in before} == before, "every file of epoch 2 is as it was"
    assert not [name for name in after if ".tmp" in name], "no half-written temp file is left"
    assert (run.epochs_completed, run.checkpoint) == (2, "checkpoints/epoch-00002")
    assert_reopens_at(trained_run, 2)


def can_mount_tmpfs() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 1 MiB file system (tmpfs), so the disk fills up for real."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


@pytest.mark.skipif(not can_mount_tmpfs(), reason="mounting a tmpfs needs root")
def test_real_full_disk_via_the_cli(trained_run, tiny_disk):
    run = Path(shutil.copytree(trained_run, tiny_disk / "run"))
    before = saved_files(run)
    # Leave room for the small files but not for another 80 KB of weights.
    free = os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize
    (tiny_disk / "filler").write_bytes(bytes(free - 40_000))
    # In a process of its own: it must also exit cleanly after h5py met the full disk (exit code 1, no crash).
    failed = run_cli_process("train", "--resume", run, "--epochs", "3")
    assert failed.returncode == 1, failed.stderr
    assert error_line(failed.stderr) == (
        f"Could not save epoch 3 into {run} (No space left on device). The run is intact up to epoch 2. Free some disk "
        "space or choose a writable folder, then continue training."
    )
    after = saved_files(run)
    assert {name: after.get(name) for name in before} == before
    assert not [name for name in after if ".tmp" in name]
    (tiny_disk / "filler").unlink()  # the user frees some space and continues
    resumed = run_cli_process("train", "--resume", run, "--epochs", "3")
    assert resumed.returncode == 0, resumed.stderr
    assert_reopens_at(run, 3)


def test_kill_9_mid_epoch_then_resume_loses_at_most_one_epoch(tmp_path):
    run = tmp_path / "run"
    # Small batches make epochs long enough (~200 batches) to land the kill inside one.
    command = [sys.executable, "-m", "vaegui.cli", "train", "--dataset", "digits", *TINY, "--batch-size", "8"]
    trainer = subprocess.Popen(
        [*command, "--epochs", "40", "--out", str(run)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **QUIET_TF},
    )
    printed_epochs, seconds = 0, 1.0
    try:
        deadline = time.monotonic() + 120
        for line in trainer.stderr:
            found = re.match(r"epoch (\d+)/40 .* ([\d.]+) s ", line)
            if found:
                printed_epochs, seconds = int(found[1]), float(found[2])
            # Epoch 1 includes tracing; from epoch 2 on the time per epoch is steady.
            if printed_epochs >= 2 or time.monotonic() > deadline:
                break
        time.sleep(seconds / 2)  # half-way through the next epoch
        # The process that trains is the one holding the run's lock: `vaegui train` runs the training in a child
        # whose stderr it filters (vaegui/stderr_filter.py). Killing that parent only interrupts the child, which
        # may still finish the epoch and save it after the run folder was read here (seen once in the suite: read
        # at 2 epochs, resumed at 3). The hard crash is the trainer's.
        holder = run_folder_holder(run)
        assert holder is not None and holder.pid != trainer.pid
        os.kill(holder.pid, signal.SIGKILL)
        trainer.wait(30)  # the command ends once its trainer has: nothing writes to the folder any more
    finally:
        if trainer.poll() is None:
            trainer.kill()
            trainer.wait()
        trainer.stderr.close()
    assert trainer.returncode == 128 + signal.SIGKILL  # as a shell says a command killed by signal 9
    assert printed_epochs >= 2
    killed_at = Run.open(run).epochs_completed
    assert killed_at in (printed_epochs, printed_epochs + 1), "at most the epoch in progress is lost"
    assert_reopens_at(run, killed_at)

    resumed = subprocess.run(
        [sys.executable, "-m", "vaegui.cli", "train", "--resume", str(run), "--epochs", str(killed_at + 1)],
        capture_output=True,
        text=True,
        env={**os.environ, **QUIET_TF},
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"epochs {killed_at + 1}–{killed_at + 1}" in resumed.stderr, (resumed.stdout, resumed.stderr)
    assert_reopens_at(run, killed_at + 1)
