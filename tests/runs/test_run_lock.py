"""The run-folder lock: a second training of a folder is refused before it writes; stale locks are taken over."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import tiny_config
from tests.robustness.conftest import digest
from tests.test_cli import TINY, vaegui
from vaegui.runs import Run
from vaegui.runs.history import read_history_rows
from vaegui.runs.lock import HOLDER_FILE, RunFolderInUseError, RunFolderLock, run_folder_holder
from vaegui.training import TrainingSession

pytestmark = [pytest.mark.trains, pytest.mark.spawns]  # left out of `make test-fast` (tests/suite_tiers.py)


def start_training(out: Path, epochs: int) -> subprocess.Popen:
    """`vaegui train --out OUT` in the background, returned once it has completed its first epoch. (It trains in a
    child whose stderr the started process filters; the lock names that child.)"""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "vaegui.cli", "train", "--dataset", "digits", "--epochs", str(epochs), *TINY,
         "--out", str(out), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        state = out / "state.json"
        if state.exists() and json.loads(state.read_text())["epochs_completed"] >= 1:
            return process
        time.sleep(0.1)
    process.kill()
    pytest.fail("the first training did not complete an epoch in time")


def test_a_second_process_resuming_a_run_in_training_is_refused_and_writes_nothing(tmp_path):
    out = tmp_path / "R"
    first = start_training(out, epochs=500)
    try:
        holder = run_folder_holder(out)
        assert holder is not None and holder.on_this_host and parent_of(holder.pid) == first.pid
        assert holder.command.startswith("vaegui train --dataset digits")
        config_before = (out / "config.json").read_text()

        second = vaegui("train", "--resume", str(out), "--epochs", "5")

        assert second.returncode == 1
        message = second.stderr.strip()
        assert message.startswith(f"vaegui: error: {out} is being trained by `vaegui train` (process {holder.pid} "
                                  "on this computer) since ")
        assert "Wait for it to finish, or stop it first (press Ctrl-C where it runs)" in message
        assert "Traceback" not in second.stderr and "Loading" not in second.stdout
        assert (out / "config.json").read_text() == config_before  # --epochs 5 was not written
    finally:
        os.kill(run_folder_holder(out).pid, signal.SIGINT)  # Ctrl-C: stops at the end of its batch, keeping epochs
        first.communicate(timeout=120)
    assert first.returncode == 130
    run = Run.open(out)
    epochs = [int(row["epoch"]) for row in read_history_rows(out / "history.csv")]
    assert epochs == list(range(1, run.epochs_completed + 1)) and run.epochs_completed >= 1
    assert run.config.training.epochs == 500
    assert run_folder_holder(out) is None and not (out / HOLDER_FILE).exists()


def test_the_lock_of_a_killed_process_is_taken_over(tmp_path):
    out = tmp_path / "R"
    first = start_training(out, epochs=500)
    training = run_folder_holder(out).pid
    os.kill(training, signal.SIGKILL)  # no clean-up runs, lock.json stays behind
    first.communicate(timeout=60)
    assert json.loads((out / HOLDER_FILE).read_text())["pid"] == training
    assert run_folder_holder(out) is None  # the kernel let go of its lock with the process
    done = Run.open(out).epochs_completed

    again = vaegui("train", "--resume", str(out), "--epochs", str(done + 1))

    assert again.returncode == 0, again.stderr
    assert f"Took over the lock of {out} held by process {training} on host" in again.stdout
    assert "which is no longer running" in again.stdout
    assert [int(r["epoch"]) for r in read_history_rows(out / "history.csv")] == list(range(1, done + 2))
    assert not (out / HOLDER_FILE).exists()


def test_a_second_training_in_the_same_process_is_refused_before_any_write(tmp_path, digits):
    folder = tmp_path / "run"
    first = Run.create(folder, tiny_config(epochs=1))
    TrainingSession(first, digits, probe_size=0).run()
    second = Run.open(folder)
    second.config.training.epochs = 3
    with first.locked() as lock:
        holder = run_folder_holder(folder)
        assert holder == lock.holder and holder.pid == os.getpid()
        before = digest(folder)
        with pytest.raises(RunFolderInUseError, match="is already being trained by this program"):
            TrainingSession(second, digits, probe_size=0).run()
        with pytest.raises(RunFolderInUseError):  # the app saves changed settings before it continues a run
            second.save_config()
        with pytest.raises(RunFolderInUseError):
            second.roll_back(1)
        with first.locked():  # the same Run nests: the CLI holds it before the session takes it again
            pass
        assert digest(folder) == before
    assert run_folder_holder(folder) is None
    second.save_config()
    assert TrainingSession(second, digits, probe_size=0).run().epochs_completed == 3


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def fake_holder(folder: Path, *, host: str, pid: int, since: float) -> None:
    record = {"pid": pid, "host": host, "since": since, "command": "vaegui train --out R"}
    (folder / HOLDER_FILE).write_text(json.dumps(record))


def test_a_lock_from_another_computer_is_reported_not_stolen_unless_forced(tmp_path):
    folder = tmp_path / "run"
    Run.create(folder, tiny_config(epochs=1))
    fake_holder(folder, host="gpu-server", pid=4242, since=time.time() - 3600)

    holder = run_folder_holder(folder)
    assert holder is not None and (holder.host, holder.pid) == ("gpu-server", 4242) and not holder.on_this_host
    with pytest.raises(RunFolderInUseError) as refused:
        RunFolderLock(folder).acquire()
    message = str(refused.value)
    assert "marked as being trained by process 4242 on host gpu-server" in message
    assert "cannot check a process on another computer" in message and "--force-unlock" in message
    assert json.loads((folder / HOLDER_FILE).read_text())["host"] == "gpu-server"  # left as it was

    with RunFolderLock(folder, force_unlock=True) as lock:
        assert lock.took_over == holder
        assert run_folder_holder(folder).pid == os.getpid()
    assert run_folder_holder(folder) is None


def test_force_unlock_never_takes_a_lock_a_live_process_holds(tmp_path):
    folder = tmp_path / "run"
    Run.create(folder, tiny_config(epochs=1))
    with RunFolderLock(folder):
        with pytest.raises(RunFolderInUseError, match="already being trained by this program"):
            RunFolderLock(folder, force_unlock=True).acquire()


def test_a_record_left_by_a_dead_process_on_this_host_is_not_a_holder(tmp_path):
    folder = tmp_path / "run"
    Run.create(folder, tiny_config(epochs=1))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    fake_holder(folder, host=socket.gethostname(), pid=int(dead.stdout), since=time.time() - 60)
    assert run_folder_holder(folder) is None
    with RunFolderLock(folder) as lock:
        assert lock.took_over is not None and lock.took_over.pid == int(dead.stdout)


def test_force_unlock_is_only_for_resuming():
    refused = vaegui("train", "--dataset", "digits", "--force-unlock")
    assert refused.returncode == 1 and "--force-unlock needs --resume RUN_FOLDER" in refused.stderr
