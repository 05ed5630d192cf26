"""Adam's state in a checkpoint (epoch-N.optimizer.npz), apart from the mixed-precision loss-scale wrapper's."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaegui.errors import RunFolderError

if TYPE_CHECKING:
    from vaegui.model import VAE

# Keys in epoch-N.optimizer.npz: Adam's variables in Keras's order, the loss-scale wrapper's by name.
_ADAM_KEY = "adam.v"
_LOSS_SCALE_KEY = "loss_scale."


def save_optimizer_state(path: Path, optimizer) -> None:
    """Write `optimizer`'s variables to the .npz file `path` (the caller makes the write atomic)."""
    import numpy as np

    adam, loss_scaling = optimizer_parts(optimizer)
    arrays = {f"{_ADAM_KEY}{i}": np.asarray(v) for i, v in enumerate(adam)}
    arrays.update({f"{_LOSS_SCALE_KEY}{v.name}": np.asarray(v) for v in loss_scaling})
    np.savez(path, **arrays)


def load_optimizer_state(path: Path, model: VAE, learning_rate: float) -> None:
    """Restore Adam's moments from `path` so a resumed run continues as if it never stopped.

    Adam's state moves between a mixed-precision run (Adam inside a LossScaleOptimizer) and a
    float32 one in either direction, since a run trained on a GPU server may go on on a CPU.
    """
    import numpy as np

    optimizer = model.optimizer
    if not optimizer.built:  # a LossScaleOptimizer built twice adds a second loss scale and counter
        optimizer.build(model.trainable_variables)
    adam, loss_scaling = optimizer_parts(optimizer)
    try:
        with np.load(path, allow_pickle=False) as saved:
            stored = {key: saved[key] for key in saved.files}
        adam_arrays, scaling_arrays = _split_optimizer_state(stored, len(adam), [v.name for v in loss_scaling])
    except Exception:
        raise RunFolderError(
            f"The optimizer state {path} is damaged (not a NumPy .npz file). The weights are fine: delete that "
            "file to continue training with a fresh optimizer."
        ) from None
    if len(adam_arrays) != len(adam) or any(tuple(a.shape) != tuple(v.shape) for a, v in zip(adam_arrays, adam)):
        raise RunFolderError(
            f"The optimizer state {path} does not match this model. The weights are fine: delete that file to "
            "continue training with a fresh optimizer."
        )
    for variable, value in zip(adam, adam_arrays):
        variable.assign(value)
    # The loss scale carries over between mixed-precision runs; a float32 run has none, and a
    # mixed-precision run continuing a float32 one starts from Keras's initial scale.
    for variable in loss_scaling:
        value = scaling_arrays.get(variable.name)
        if value is not None and tuple(value.shape) == tuple(variable.shape):
            variable.assign(value)
    # The learning rate comes from the settings, which may have changed since.
    optimizer.learning_rate = learning_rate


def optimizer_parts(optimizer) -> tuple[list, list]:
    """Adam's variables, and those a mixed-precision LossScaleOptimizer adds around it (none for plain Adam).

    They are stored apart so Adam's state fits both kinds of run: Keras wraps Adam only under mixed
    precision, which falls back to float32 (plain Adam) on a machine without a GPU.
    """
    inner = getattr(optimizer, "inner_optimizer", None)
    if inner is None:
        return list(optimizer.variables), []
    adam_ids = {id(v) for v in inner.variables}
    return list(inner.variables), [v for v in optimizer.variables if id(v) not in adam_ids]


def _split_optimizer_state(
    stored: dict[str, Any], adam_count: int, loss_scale_names: list[str]
) -> tuple[list[Any], dict[str, Any]]:
    """Adam's arrays in order, and the loss-scale wrapper's by name, from an optimizer.npz's contents."""
    if any(key.startswith(_ADAM_KEY) for key in stored):
        count = sum(key.startswith(_ADAM_KEY) for key in stored)
        adam = [stored[f"{_ADAM_KEY}{i}"] for i in range(count)]
        scaling = {k.removeprefix(_LOSS_SCALE_KEY): v for k, v in stored.items() if k.startswith(_LOSS_SCALE_KEY)}
        return adam, scaling
    # Older run folders hold one positional list (v0, v1, ...): a LossScaleOptimizer's own scalars
    # (counters, loss scale) first, then Adam's variables, as Keras lists them.
    arrays = [stored[f"v{i}"] for i in range(len(stored))]
    extra = len(arrays) - adam_count
    if extra < 0 or any(a.shape != () for a in arrays[:extra]):
        return arrays, {}  # the caller finds it does not match
    scaling = dict(zip(loss_scale_names, arrays[:extra])) if extra == len(loss_scale_names) else {}
    return arrays[extra:], scaling
