"""Which device trains: GPUs with memory growth on, else the CPU."""

from __future__ import annotations

import os


def configure_devices() -> None:
    """Let TensorFlow take GPU memory as it needs it, so the GUI and other programs keep theirs."""
    import tensorflow as tf

    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:
            pass  # already initialised: the setting was applied before, or cannot change now


def device_description() -> str:
    """'GPU: NVIDIA H100 80GB HBM3' (×N when several), else 'CPU (N cores)'."""
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = [tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in gpus]
        label = names[0] if len(set(names)) == 1 else ", ".join(names)
        return f"GPU: {label}" + (f" ×{len(gpus)}" if len(gpus) > 1 and len(set(names)) == 1 else "")
    return f"CPU ({os.cpu_count()} cores)"
