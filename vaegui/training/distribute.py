"""tf.distribute strategies for a run: which one, which worker writes files, and the mixed-precision policy."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass

from vaegui.errors import ConfigError


@dataclass
class StrategyChoice:
    """The strategy a session trains under, and what it means for batches and files."""

    strategy: object  # tf.distribute.Strategy
    name: str  # "default", "mirrored" or "multiworker" ("auto" resolved)
    replicas: int
    is_chief: bool  # only the chief writes checkpoints and TensorBoard logs

    @property
    def distributed(self) -> bool:
        return self.name != "default"

    def describe(self) -> str:
        if self.name == "default":
            return ""
        kind = "MirroredStrategy" if self.name == "mirrored" else "MultiWorkerMirroredStrategy"
        role = "" if self.name == "mirrored" else (", chief" if self.is_chief else ", worker")
        return f"{kind}, {self.replicas} replica{'s' if self.replicas != 1 else ''}{role}"


def gpu_count() -> int:
    import tensorflow as tf

    return len(tf.config.list_physical_devices("GPU"))


def resolve_strategy_name(name: str) -> str:
    """'auto' becomes 'mirrored' when more than one GPU is visible, else 'default'."""
    if name == "auto":
        return "mirrored" if gpu_count() > 1 else "default"
    return name


def create_strategy(name: str) -> StrategyChoice:
    """Build the tf.distribute strategy a run's `training.strategy` names.

    Call this before any other TensorFlow work in the process: MultiWorkerMirroredStrategy must
    configure the runtime before it starts, and GPUs cannot change settings once in use.
    """
    import tensorflow as tf

    name = resolve_strategy_name(name)
    if name == "default":
        return StrategyChoice(tf.distribute.get_strategy(), "default", 1, True)
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        # Without GPUs, mirror over the logical CPU devices (one, unless the CPU was split, as the tests do).
        devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
        strategy = tf.distribute.MirroredStrategy(devices)
        return StrategyChoice(strategy, "mirrored", strategy.num_replicas_in_sync, True)
    if name == "multiworker":
        cluster = read_tf_config()
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        return StrategyChoice(strategy, "multiworker", strategy.num_replicas_in_sync, _is_chief(cluster))
    raise ConfigError(f"Distribution strategy '{name}' is unknown: choose auto, default, mirrored or multiworker.")


def writes_run_folder(name: str) -> bool:
    """Whether a process training with strategy `name` writes the run folder (and so must hold its lock):
    every one but the other workers of a multi-worker run, which leave that to the chief."""
    return name != "multiworker" or _is_chief(read_tf_config())


def read_tf_config() -> dict:
    """The TF_CONFIG cluster description a multi-worker run needs, checked so mistakes read clearly."""
    example = (
        'TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}\''
    )
    text = os.environ.get("TF_CONFIG", "").strip()
    if not text:
        raise ConfigError(
            "The multiworker strategy needs the TF_CONFIG environment variable, which lists every worker and "
            f"says which one this is. Set it on each machine, e.g. {example} (index 1 on the second), or choose "
            "--strategy mirrored for the GPUs of one machine."
        )
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"TF_CONFIG is not valid JSON ({error.msg} at character {error.pos}): write it like {example}"
        ) from None
    cluster = config.get("cluster") if isinstance(config, dict) else None
    task = config.get("task") if isinstance(config, dict) else None
    if not isinstance(cluster, dict) or not isinstance(task, dict) or "type" not in task or "index" not in task:
        raise ConfigError(f"TF_CONFIG needs a 'cluster' of workers and this machine's 'task' (type, index): {example}")
    members = cluster.get(task["type"])
    if not isinstance(members, list) or not 0 <= int(task["index"]) < len(members):
        raise ConfigError(
            f"TF_CONFIG's task ({task['type']} {task['index']}) is not in its cluster "
            f"({', '.join(f'{k}: {len(v)}' for k, v in cluster.items())}): fix the task index or the worker list."
        )
    return config


def _is_chief(config: dict) -> bool:
    # TensorFlow's convention: an explicit 'chief' task if there is one, else worker 0.
    task, cluster = config["task"], config["cluster"]
    if "chief" in cluster:
        return task["type"] == "chief"
    return task["type"] == "worker" and int(task["index"]) == 0


def precision_policy(mixed_precision: bool) -> tuple[str, str | None]:
    """The Keras dtype policy to build with, and a note for the user when the request cannot be met."""
    if not mixed_precision:
        return "float32", None
    if gpu_count() == 0:
        return "float32", (
            "Mixed precision needs a GPU (float16 on a CPU is slower, not faster): training in float32 instead."
        )
    return "mixed_float16", None


@contextlib.contextmanager
def dtype_policy(name: str) -> Iterator[None]:
    """Build layers under a global dtype policy, then put the previous one back.

    Layers take the policy when they are created, so a model built in here keeps it, while
    models built later in the same process (the explorer's copies) are float32 again.
    """
    import keras

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)

