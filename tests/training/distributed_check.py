"""Trains a tiny run under a tf.distribute strategy in a fresh process and prints its losses as JSON.

The tests start this script in a subprocess because the CPU can only be split into logical
devices (and a multi-worker runtime configured) before TensorFlow first touches its devices.

    python -m tests.training.distributed_check ROOT mirrored
        splits the CPU in two, trains ROOT/default (batch 64) then ROOT/mirrored (32 per replica)
    TF_CONFIG=... python -m tests.training.distributed_check ROOT multiworker
        one worker of a multi-worker run: trains ROOT/multiworker (32 per replica)
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["CUDA_VISIBLE_DEVICES"] = ""

TRAIN_IMAGES = 640  # a whole number of global batches, so both replicas always get equal halves
GLOBAL_BATCH = 64


def main(root: str, mode: str) -> None:
    import tensorflow as tf

    if mode == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        results = {
            "default": train(f"{root}/default", "default", GLOBAL_BATCH),
            "mirrored": train(f"{root}/mirrored", "mirrored", GLOBAL_BATCH // 2),
        }
    else:
        results = {"multiworker": train(f"{root}/multiworker", "multiworker", GLOBAL_BATCH // 2)}
    print("RESULT " + json.dumps(results), flush=True)


def train(folder: str, strategy: str, batch_size: int) -> dict:

    from tests.conftest import tiny_config
    from vaegui.data import ImageDataset, ImageSplit, load_dataset
    from vaegui.runs import Run
    from vaegui.training import TrainingListener, TrainingSession

    digits = load_dataset("digits")
    data = ImageDataset(
        digits.name,
        ImageSplit(digits.train.images[:TRAIN_IMAGES], digits.train.labels[:TRAIN_IMAGES]),
        ImageSplit(digits.test.images[:128], digits.test.labels[:128]),
        digits.class_names,
        digits.source,
    )

    class MuOnly(TrainingListener):
        """Trains on z = mu: with no sampling noise, one device and two compute exactly the same maths."""

        def __init__(self):
            self.start = None

        def on_start(self, start):
            # on_start comes before fit() traces the train step, so the factor is traced in.
            run.model.sampling.factor = 0.0
            self.start = start

    run = Run.create(folder, tiny_config(epochs=1, batch_size=batch_size, strategy=strategy))
    listener = MuOnly()
    result = TrainingSession(run, data, listener, probe_size=64).run()
    return {
        "epochs_completed": result.epochs_completed,
        "history": run.history,
        "device": listener.start.device,
        "batches_per_epoch": listener.start.batches_per_epoch,
        "has_checkpoint": run.checkpoint is not None,
    }


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
