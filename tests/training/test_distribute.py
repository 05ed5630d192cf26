"""tf.distribute: mirrored on two logical CPUs equals one device, two localhost workers, TF_CONFIG, mixed precision."""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import tiny_config
from vaegui.errors import ConfigError
from vaegui.runs import Run
from vaegui.training import TrainingListener, TrainingSession
from vaegui.training.distribute import create_strategy, dtype_policy, precision_policy, read_tf_config

pytestmark = [pytest.mark.trains, pytest.mark.spawns]  # left out of `make test-fast` (tests/suite_tiers.py)

REPO = Path(__file__).resolve().parents[2]


def run_check(root: Path, mode: str, env: dict[str, str] | None = None, timeout: float = 150) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.training.distributed_check", str(root), mode],
        cwd=REPO,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def result_of(process: subprocess.Popen, timeout: float = 150) -> dict:
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        pytest.fail(f"distributed training did not finish in {timeout} s:\n{output[-3000:]}")
    lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
    assert process.returncode == 0 and lines, output[-3000:]
    return json.loads(lines[-1][len("RESULT ") :])


def assert_same_losses(first: list[dict], second: list[dict]) -> None:
    for a, b in zip(first, second, strict=True):
        for name in ("loss", "reconstruction_loss", "val_loss"):
            assert a[name] == pytest.approx(b[name], rel=1e-3), (name, a, b)


def test_mirrored_on_two_logical_cpus_matches_one_device_and_the_run_reopens(tmp_path, digits):
    results = result_of(run_check(tmp_path, "mirrored"))
    default, mirrored = results["default"], results["mirrored"]
    assert "MirroredStrategy, 2 replicas" in mirrored["device"] and "Strategy" not in default["device"]
    # 32 per replica on 2 replicas is the same global batch as 64 on one device: same steps, same maths.
    assert mirrored["batches_per_epoch"] == default["batches_per_epoch"] == 10
    assert mirrored["epochs_completed"] == 1
    assert_same_losses(default["history"], mirrored["history"])

    run = Run.open(tmp_path / "mirrored")  # the explorer opens it like any other run
    assert run.epochs_completed == 1 and len(run.batch_history) == 10
    codes = run.load_model().encode(digits.test.images[:16])
    assert codes.mu.shape == (16, 2) and np.all(np.isfinite(codes.mu))
    assert any((tmp_path / "mirrored" / "tensorboard" / "train").iterdir())


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_workers_on_localhost_train_together_and_only_the_chief_writes(tmp_path):
    ports = free_ports(2)
    cluster = {"worker": [f"localhost:{port}" for port in ports]}
    workers = [
        run_check(
            tmp_path / f"machine{index}",
            "multiworker",
            {"TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})},
        )
        for index in range(2)
    ]
    chief, other = (result_of(worker)["multiworker"] for worker in workers)
    assert "2 replicas, chief" in chief["device"] and "2 replicas, worker" in other["device"]
    assert chief["epochs_completed"] == other["epochs_completed"] == 1
    assert_same_losses(chief["history"], other["history"])  # one model, trained together
    assert chief["has_checkpoint"] and not other["has_checkpoint"]
    assert Run.open(tmp_path / "machine0" / "multiworker").load_model() is not None
    assert not (tmp_path / "machine1" / "multiworker" / "checkpoints").exists()
    assert not (tmp_path / "machine1" / "multiworker" / "tensorboard").exists()


@pytest.mark.parametrize(
    ("tf_config", "message"),
    [
        ("", r"needs the TF_CONFIG environment variable.*--strategy mirrored"),
        ("{not json", r"TF_CONFIG is not valid JSON"),
        ('{"cluster": {"worker": ["a:1"]}}', r"'task' \(type, index\)"),
        ('{"cluster": {"worker": ["a:1", "b:1"]}, "task": {"type": "worker", "index": 2}}', r"not in its cluster"),
    ],
)
def test_bad_tf_config_is_refused_with_an_example(monkeypatch, tf_config, message):
    monkeypatch.setenv("TF_CONFIG", tf_config)
    with pytest.raises(ConfigError, match=message):
        read_tf_config()
    with pytest.raises(ConfigError, match=message):
        create_strategy("multiworker")


def test_chief_is_worker_zero_unless_the_cluster_names_one(monkeypatch):
    from vaegui.training.distribute import _is_chief

    workers = {"worker": ["a:1", "b:1"]}
    assert _is_chief({"cluster": workers, "task": {"type": "worker", "index": 0}})
    assert not _is_chief({"cluster": workers, "task": {"type": "worker", "index": 1}})
    with_chief = {**workers, "chief": ["c:1"]}
    assert _is_chief({"cluster": with_chief, "task": {"type": "chief", "index": 0}})
    assert not _is_chief({"cluster": with_chief, "task": {"type": "worker", "index": 0}})


def test_auto_is_the_default_strategy_without_several_gpus():
    choice = create_strategy("auto")
    assert (choice.name, choice.replicas, choice.is_chief, choice.distributed) == ("default", 1, True, False)


class StartRecorder(TrainingListener):
    def on_start(self, start):
        self.start = start


def test_mixed_precision_on_a_cpu_trains_in_float32_and_says_why(tmp_path, digits):
    assert precision_policy(True)[0] == "float32" and "needs a GPU" in precision_policy(True)[1]
    run = Run.create(tmp_path / "run", tiny_config(epochs=1, mixed_precision=True))
    listener = StartRecorder()
    TrainingSession(run, digits, listener, probe_size=0).run()
    assert any("Mixed precision needs a GPU" in note for note in listener.start.notes)
    assert run.model.dtype_policy.name == "float32" and run.epochs_completed == 1


def test_the_model_trains_under_mixed_float16_and_the_policy_is_put_back(digits):
    # What a GPU run builds; float16 also runs (slowly) on the CPU, so the maths can be checked here.
    import keras

    from vaegui.model import build_vae

    config = tiny_config().model
    with dtype_policy("mixed_float16"):
        model = build_vae(config, digits.image_shape)
    assert keras.config.dtype_policy().name == "float32"
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    history = model.fit(digits.train.images[:256], batch_size=64, epochs=2, verbose=0).history
    assert all(np.isfinite(history["loss"])) and history["loss"][1] < history["loss"][0]
    assert model.encoder.layers[1].compute_dtype == "float16"
    assert model.decoder(np.zeros((1, 2), "float32")).dtype == "float32"


def train_one_more_epoch(folder: Path, digits, *, on_gpu_server: bool, monkeypatch) -> Run:
    """Continue a run for one epoch where `precision_policy` sees a GPU (mixed_float16) or none (float32)."""
    from vaegui.training import distribute

    # Float16 also runs (slowly) on the CPU, so a GPU server's policy is faked only by the GPU count.
    monkeypatch.setattr(distribute, "gpu_count", lambda: 1 if on_gpu_server else 0)
    run = Run.open(folder)
    run.config.training.epochs = run.epochs_completed + 1
    run.save_config()
    TrainingSession(run, digits, TrainingListener(), probe_size=0).run()
    return run


@pytest.mark.parametrize("first_on_gpu_server", [True, False], ids=["mixed-then-float32", "float32-then-mixed"])
def test_a_mixed_precision_run_continues_in_float32_and_back_with_adams_state(
    tmp_path, digits, monkeypatch, first_on_gpu_server
):
    import keras

    Run.create(tmp_path / "run", tiny_config(epochs=1, mixed_precision=True))
    first = train_one_more_epoch(tmp_path / "run", digits, on_gpu_server=first_on_gpu_server, monkeypatch=monkeypatch)
    steps = int(first.model.optimizer.iterations.numpy())
    second = train_one_more_epoch(
        tmp_path / "run", digits, on_gpu_server=not first_on_gpu_server, monkeypatch=monkeypatch
    )
    wrapped = isinstance(second.model.optimizer, keras.optimizers.LossScaleOptimizer)
    assert wrapped == (not first_on_gpu_server) and second.epochs_completed == 2
    # Adam's step count went on from the first machine's: a fresh optimizer counts at most one epoch's
    # batches (fewer under mixed precision, which skips the steps whose float16 gradients overflow).
    batches_per_epoch = math.ceil(len(digits.train) / 64)
    assert steps > 0 and int(second.model.optimizer.iterations.numpy()) > batches_per_epoch


def test_auto_picks_mirrored_when_several_gpus_are_visible(monkeypatch):
    from vaegui.training import distribute

    # Only the count is faked: the choice is checked without starting a strategy on GPUs that are not there.
    for gpus, expected in ((0, "default"), (1, "default"), (2, "mirrored"), (8, "mirrored")):
        monkeypatch.setattr(distribute, "gpu_count", lambda gpus=gpus: gpus)
        assert distribute.resolve_strategy_name("auto") == expected, gpus
        assert distribute.resolve_strategy_name("default") == "default"  # an explicit choice is kept
    assert distribute.precision_policy(True) == ("mixed_float16", None)  # with a GPU, no note


def test_only_the_chief_of_a_multiworker_run_writes_the_run_folder_and_holds_its_lock(monkeypatch):
    from vaegui.training.distribute import writes_run_folder

    cluster = {"worker": ["localhost:1", "localhost:2"]}
    for index, writes in ((0, True), (1, False)):
        monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}}))
        assert writes_run_folder("multiworker") is writes
    assert writes_run_folder("default") and writes_run_folder("mirrored") and writes_run_folder("auto")
