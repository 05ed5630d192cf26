"""`vaegui train --strategy ... --mixed-precision` through the real CLI, on this CPU-only machine."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from vaegui.cli import main
from vaegui.runs import Run

pytestmark = pytest.mark.spawns  # left out of `make test-fast` (tests/suite_tiers.py)

REPO = Path(__file__).resolve().parents[1]
TINY = ["--dataset", "digits", "--epochs", "1", "--z-dim", "2", "--conv-filters", "4,8", "--dense-units", "8"]

# The CPU can be split into logical devices only before TensorFlow first touches its devices, so
# the CLI runs in a fresh process that splits it in two and then calls vaegui's own entry point.
CLI_ON_TWO_LOGICAL_CPUS = textwrap.dedent(
    """
    import sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from vaegui.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def saved_config(folder: Path) -> dict:
    return json.loads((folder / "config.json").read_text())["training"]


def test_train_mirrored_over_two_logical_cpus(tmp_path, digits):
    out = tmp_path / "mirrored"
    done = subprocess.run(
        [sys.executable, "-c", CLI_ON_TWO_LOGICAL_CPUS, "train", *TINY, "--batch-size", "32", "--seed", "3"]
        + ["--strategy", "mirrored", "--out", str(out)],
        cwd=REPO,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "MirroredStrategy, 2 replicas" in done.stderr
    # --batch-size is per replica: 32 on each of 2 replicas makes global batches of 64.
    assert f"{math.ceil(len(digits.train) / 64)} batches an epoch" in done.stderr
    assert "Training finished after 1 of 1 epochs" in done.stdout
    assert saved_config(out)["strategy"] == "mirrored"
    run = Run.open(out)
    assert run.epochs_completed == 1 and np.all(np.isfinite(run.load_model().encode(digits.test.images[:8]).mu))


def test_train_default_and_auto_strategies_on_one_cpu(tmp_path, capsys):
    for strategy in ("default", "auto"):
        out = tmp_path / strategy
        assert main(["train", *TINY, "--batch-size", "64", "--strategy", strategy, "--out", str(out)]) == 0
        # Without several GPUs auto trains on the one device; the run keeps the choice as asked.
        err = capsys.readouterr().err
        assert "Training on CPU" in err and "Strategy" not in err
        assert saved_config(out)["strategy"] == strategy and Run.open(out).epochs_completed == 1


def test_mixed_precision_on_a_cpu_says_why_and_trains_in_float32(tmp_path, capsys):
    import keras

    out = tmp_path / "mixed"
    assert main(["train", *TINY, "--batch-size", "64", "--mixed-precision", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "Note: Mixed precision needs a GPU (float16 on a CPU is slower, not faster): training in float32" in err
    assert saved_config(out)["mixed_precision"] is True  # kept, so the run uses float16 where a GPU is
    assert Run.open(out).epochs_completed == 1 and keras.config.dtype_policy().name == "float32"
    # Under mixed_float16 Keras wraps Adam in a LossScaleOptimizer, whose loss scale the checkpoint
    # would hold; a float32 run saves Adam's state alone.
    with np.load(out / "checkpoints" / "epoch-00001.optimizer.npz") as saved:
        assert saved.files and not [key for key in saved.files if key.startswith("loss_scale.")]
