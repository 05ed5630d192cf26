"""What a run folder shows before its model and images are loaded: every point of the map it kept, or else a first
screenful from the images its training looked through each epoch; read from small files in well under a second."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from vaegui.app.map_jobs import stored_projection
from vaegui.app.map_state import FormingMap, LatentsKey, MapKey, MapSettings, PreviewProjection, default_method
from vaegui.latent.encoding import SPLIT_TEST, SPLIT_TRAIN, LatentSet, choose_rows_of_counts


def submit_preview(runner, folder: Path, settings: MapSettings, show, cancelled):
    """Read the preview off the model's thread (any thread: files and numpy); `show(preview or None)` gets it, also
    when it cannot be read (the load says why); `cancelled()` when it was cancelled. Returns the job."""
    return runner.submit(lambda report, cancel: preview_run(folder, settings, cancel), lane=None, on_done=show,
                         on_failed=lambda text: show(None), on_cancelled=cancelled)


def preview_run(folder: Path, settings: MapSettings, cancel=None) -> FormingMap | None:
    """The map a run will show, drawn from what its folder keeps; None when it keeps nothing to draw it from."""
    from vaegui.latent.code_store import CodeStore, WeightsIdentity
    from vaegui.runs import Run

    run = Run.open(folder)
    if not run.checkpoint:
        return None
    weights = f"{Path(run.folder).resolve()}@{run.checkpoint}"  # as the loaded model will name them
    names = run.class_names
    store = CodeStore.readable(run.folder, run.epochs_completed, WeightsIdentity.of(run.folder, run.checkpoint))
    if store is not None:
        try:
            method = default_method(store.z_dim)
            key = MapKey(LatentsKey(weights, settings.split, settings.subset, settings.mu_only), method)
            codes, indices = choose_rows_of_counts(store.rows["train"], store.rows["test"], settings.split,
                                                   settings.subset)
            kept = stored_projection(store, key, None, len(codes))
            if kept is not None:  # the map itself was kept: drawn without reading a single code
                latents = _labelled_rows(store, codes, indices, settings.mu_only)
                return FormingMap(key, latents, kept.coords, names, "every point, from the map kept in the run folder")
        finally:
            store.close()
    return _probe_preview(run, weights, settings, names)


def _labelled_rows(store, codes: np.ndarray, indices: np.ndarray, mu_only: bool) -> LatentSet:
    """Which images the rows are and their labels, no codes: all a kept map needs to be drawn and coloured."""
    none = np.zeros((len(codes), 1), np.float32)  # no codes read: placeholders, one column (a mean over none warns)
    return LatentSet(none, none, none, _labels(store, codes, indices), codes, indices, None,
                     np.zeros(len(codes), np.float32), mu_only)


def _labels(store, codes: np.ndarray, indices: np.ndarray) -> np.ndarray | None:
    split_labels = [store.labels(code) for code in (SPLIT_TRAIN, SPLIT_TEST)]
    if not all(split_labels[code] is not None for code in np.unique(codes)):
        return None
    labels = np.empty(len(codes), np.int64)
    for code in np.unique(codes):
        labels[codes == code] = split_labels[code][indices[codes == code]]
    return labels


def _probe_preview(run, weights: str, settings: MapSettings, names) -> FormingMap | None:
    """The run's last epoch seen through its probe images (up to a thousand test images, their centres mu)."""
    from vaegui.runs.epoch_views import EPOCHS_DIR, PROBE_FILE

    folder = Path(run.folder) / EPOCHS_DIR
    try:
        with np.load(folder / PROBE_FILE, allow_pickle=False) as probe:
            split, indices = str(probe["split"]), np.asarray(probe["indices"], np.int64)
            labels = np.asarray(probe["labels"], np.int64) if "labels" in probe.files else None
        with np.load(folder / f"epoch-{run.epochs_completed:05d}.npz", allow_pickle=False) as views:
            mu = np.asarray(views["mu"], np.float32)
    except (OSError, ValueError, KeyError):
        return None
    if len(mu) != len(indices) or len(mu) < 2:
        return None
    codes = np.full(len(mu), SPLIT_TEST if split == "test" else SPLIT_TRAIN, np.int8)
    log_var = np.zeros_like(mu)  # not kept with the views; this first screenful is coloured by class only
    latents = LatentSet(mu, log_var, mu, labels, codes, indices, None, np.zeros(len(mu), np.float32), True)
    method = default_method(mu.shape[1])
    key = MapKey(LatentsKey(weights, settings.split, settings.subset, settings.mu_only), method)
    coords = PreviewProjection(method).coords(latents)
    note = f"a first {len(mu):,} {split} images (their centres) while the model and the images load"
    return replace(FormingMap(key, latents, coords, names), note=note)
