"""What the Explorer loads and who owns it: model sources, the loaded model, and the jobs run on its lane.

Each loaded model has two Keras copies. The *lane* copy lives on the model's own job lane (one thread):
encoding, the mu-only switch and weight reloads run there, in order. The *viewer* copy decodes clicks on
the GUI thread through its cached predict function (~1 ms). The loading job builds and traces both, then
hands the viewer over; after that no thread but its owner calls either copy.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from vaegui.cancel import CancelToken
from vaegui.errors import VaeguiError


@dataclass(frozen=True)
class RunSource:
    """A vaegui run folder: its latest completed epoch is loaded (its data pointed at `relocate_to` first)."""

    folder: Path
    relocate_to: Path | None = None

    @property
    def name(self) -> str:
        return self.folder.name


@dataclass(frozen=True)
class KerasPairSource:
    """A keras.io-style encoder/decoder pair saved elsewhere, explored on a dataset vaegui can load."""

    encoder: Path
    decoder: Path
    dataset: str
    trust_code: bool = False

    @property
    def name(self) -> str:
        return self.encoder.name


ModelSource = RunSource | KerasPairSource


@dataclass(frozen=True)
class LocateQuestion:
    """The run's images are not where it says: the person may point at where they are now."""

    source: RunSource
    text: str


@dataclass(frozen=True)
class TrustQuestion:
    """Opening `source` would run Python code stored in it (a Lambda layer): the person must say yes first."""

    source: KerasPairSource
    text: str


class ViewerDecoder:
    """The GUI thread's decoder: latent vectors to images through one traced function (~1 ms a call).

    A tf.function with a batch dimension left open is traced once for every count of vectors (a click, 16
    samples, a grid), where Keras' predict function would be retraced for each new count; TensorFlow counts
    the traces of all Keras predict functions together and warns about retracing after five.
    """

    def __init__(self, vae: Any):
        import tensorflow as tf

        self._vae = vae
        self.z_dim = int(vae.z_dim)
        self.image_shape = tuple(int(s) for s in vae.image_shape)
        decoder = vae.decoder
        traced = tf.function(lambda z: decoder(z, training=False),
                             input_signature=[tf.TensorSpec((None, self.z_dim), tf.float32)])
        # The concrete function itself: calling it skips tf.function's argument matching on every click.
        self._decode = traced.get_concrete_function()
        self._tensor = tf.convert_to_tensor

    def decode_many(self, vectors: np.ndarray) -> np.ndarray:
        vectors = np.asarray(vectors, np.float32).reshape(-1, self.z_dim)
        return np.asarray(self._decode(self._tensor(vectors)), np.float32)

    def decode_one(self, vector: np.ndarray) -> np.ndarray:
        return self.decode_many(np.asarray(vector, np.float32)[None])[0]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """New decoder weights (arrays copied by the lane), assigned on the owner's thread: nothing is retraced."""
        self._vae.decoder.set_weights(weights)

    def warm_up(self) -> None:
        self.decode_one(np.zeros(self.z_dim, np.float32))


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """One model ready to explore. `lane_vae` may only be used by jobs on `lane`; `viewer` by the GUI thread."""

    source: ModelSource
    dataset: Any  # ImageDataset: read-only arrays, shared by every thread
    class_names: list[str] | None
    z_dim: int
    image_shape: tuple[int, int, int]
    weights_key: str  # identity of the weights: caches are keyed by it
    epoch: int | None  # the run's epoch loaded (None for a Keras pair)
    reconstruction_loss: str
    lane_vae: Any = None
    viewer: ViewerDecoder | None = None
    lane: Any = None  # the runner's lane this model belongs to
    codes: Any = None  # CodeStore: the run's stored codes of these weights, used by the lane's jobs only
    note: str = ""  # what vaegui did to open the model (e.g. it computes z itself), said once it is shown

    @property
    def name(self) -> str:
        return self.source.name

    def close(self) -> None:
        """Let another process write this epoch's stored codes (the model is no longer explored)."""
        if self.codes is not None:
            self.codes.close()

    def describe(self) -> str:
        height, width, channels = self.image_shape
        epoch = f" · epoch {self.epoch}" if self.epoch is not None else ""
        colour = "" if channels == 1 else " colour"
        return f"{self.name}{epoch} · {self.dataset.name} {height}×{width}{colour} · z_dim {self.z_dim}"


# ---- jobs run on the model's lane -----------------------------------------------------------------


def load_model(source: ModelSource, report=None, cancel: CancelToken | None = None) -> LoadedModel:
    """Build both copies of the model and load its data (seconds); runs on the new model's lane."""
    if isinstance(source, RunSource):
        return _load_run(source, report, cancel)
    return _load_keras_pair(source, report, cancel)


def _load_run(source: RunSource, report, cancel) -> LoadedModel:
    from vaegui.runs import Run

    run = Run.open(source.folder)
    if source.relocate_to is not None:
        from vaegui.runs import relocate_dataset

        _say(report, "Checking the images at their new place…")
        relocate_dataset(run, source.relocate_to)  # refused, with each difference, unless they are the same
    if not run.checkpoint:
        raise VaeguiError(f"{source.folder.name} has no completed epoch yet: the map appears after the first one.")
    _say(report, "Loading the images…")
    # A big folder's scan, in words; a closing window cancels it.
    dataset = run.load_dataset(progress=lambda text: _say(report, text), cancel=cancel)
    if cancel is not None:
        cancel.raise_if_cancelled()
    _say(report, "Loading the model…")
    lane_vae = run.load_model(dataset.image_shape)
    viewer = ViewerDecoder(run.load_model(dataset.image_shape))
    loaded = _ready(source, dataset, run.class_names or dataset.class_names, lane_vae, viewer,
                    _run_weights_key(run), run.epochs_completed, run.config.model.reconstruction_loss)
    return replace(loaded, codes=open_codes(run, dataset, loaded.z_dim))


def open_codes(run, dataset, z_dim: int):
    """The run's stored codes of its last epoch, to read and add to (None when the folder cannot hold them)."""
    from vaegui.latent.code_store import CodeStore, WeightsIdentity

    rows = {"train": len(dataset.train), "test": len(dataset.test)}
    labels = {"train": dataset.train.labels, "test": dataset.test.labels}
    return CodeStore.open(run.folder, run.epochs_completed, WeightsIdentity.of(run.folder, run.checkpoint), rows,
                          z_dim, labels=labels)


def _load_keras_pair(source: KerasPairSource, report, cancel) -> LoadedModel:
    from vaegui.data import load_dataset
    from vaegui.latent.foreign_model import load_foreign_vae

    _say(report, "Loading the model…")
    lane_vae = load_foreign_vae(source.encoder, source.decoder, trust_code=source.trust_code)
    viewer = ViewerDecoder(load_foreign_vae(source.encoder, source.decoder, trust_code=source.trust_code))
    height, width, channels = lane_vae.image_shape
    if height != width:
        raise VaeguiError(f"The encoder takes {height}×{width} images; vaegui's datasets are square.")
    if cancel is not None:
        cancel.raise_if_cancelled()
    _say(report, "Loading the images…")
    dataset = load_dataset(source.dataset, image_size=height, channels=channels,
                           progress=lambda text: _say(report, text), cancel=cancel)
    key = "|".join(f"{p.resolve()}@{p.stat().st_mtime_ns}" for p in (source.encoder, source.decoder))
    loaded = _ready(source, dataset, dataset.class_names, lane_vae, viewer, key, None,
                    getattr(lane_vae, "reconstruction_loss_name", "bce"))
    return replace(loaded, note=getattr(lane_vae, "note", ""))


def _ready(source, dataset, class_names, lane_vae, viewer, key, epoch, loss) -> LoadedModel:
    # Traced here, on the lane, not on the first click in the GUI thread.
    viewer.warm_up()
    return LoadedModel(source, dataset, list(class_names) if class_names else None, int(lane_vae.z_dim),
                       tuple(int(s) for s in lane_vae.image_shape), key, epoch, loss, lane_vae, viewer)


@dataclass(frozen=True, eq=False)
class ReloadedWeights:
    """A run's newer epoch loaded into the lane's copy; the viewer's decoder weights to assign on the GUI thread."""

    loaded: LoadedModel
    decoder_weights: list[np.ndarray]


def reload_weights(loaded: LoadedModel, report=None, cancel: CancelToken | None = None) -> ReloadedWeights:
    """The run has a new checkpoint: load it into the lane's copy (same objects, so nothing is retraced)."""
    from vaegui.runs import Run

    run = Run.open(loaded.source.folder)
    run.restore_checkpoint(loaded.lane_vae)
    weights = [np.array(w, copy=True) for w in loaded.lane_vae.decoder.get_weights()]
    loaded.close()
    updated = replace(loaded, weights_key=_run_weights_key(run), epoch=run.epochs_completed,
                      codes=open_codes(run, loaded.dataset, loaded.z_dim))
    return ReloadedWeights(updated, weights)


def _run_weights_key(run) -> str:
    return f"{Path(run.folder).resolve()}@{run.checkpoint}"


def _say(report, text: str) -> None:
    if report is not None:
        report(("status", text))
