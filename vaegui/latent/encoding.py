"""Encode a dataset split into the latent space: mu, log_var, z, plus each sample's reconstruction error and KL."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vaegui.cancel import Cancelled
from vaegui.errors import VaeguiError
from vaegui.latent.code_store import HAS_ERROR, HAS_Z
from vaegui.loss_terms import kl_divergence_terms

SPLITS = ("train", "test", "both")
SPLIT_TRAIN, SPLIT_TEST = 0, 1
PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress reports a second reach the GUI
PARTIAL_S = 0.25  # rows encoded so far go to the map at most four times a second (after the first batch)
COMMIT_S = 2.0  # rows written to a code store count (their `known` file replaced) at most every two seconds


@dataclass(eq=False)  # compared by identity: one encoding is one object
class LatentSet:
    """The encoder's view of a set of images, row i describing image `source_index[i]` of split `split[i]`."""

    mu: np.ndarray  # (N, d)
    log_var: np.ndarray  # (N, d)
    z: np.ndarray  # (N, d): mu plus noise, or exactly mu when the model is mu-only
    labels: np.ndarray | None  # (N,) int64
    split: np.ndarray  # (N,) int8: SPLIT_TRAIN or SPLIT_TEST
    source_index: np.ndarray  # (N,) int64 index into that split
    reconstruction_error: np.ndarray | None  # (N,) per-sample loss of decode(mu); None until computed
    kl: np.ndarray  # (N,) per-sample KL(q(z|x) || N(0, I))
    mu_only: bool
    sources: tuple = field(default=(), repr=False)  # (train images, test images) to fetch thumbnails lazily

    def __len__(self) -> int:
        return len(self.mu)

    @property
    def z_dim(self) -> int:
        return int(self.mu.shape[1])

    def image(self, row: int) -> np.ndarray:
        """The original image of row `row` as float32 (H, W, C)."""
        images = self.sources[int(self.split[row])]
        return np.asarray(images[int(self.source_index[row]) : int(self.source_index[row]) + 1], dtype=np.float32)[0]

    def images(self, rows: np.ndarray) -> np.ndarray:
        return np.stack([self.image(int(r)) for r in rows]) if len(rows) else np.zeros((0, 1, 1, 1), np.float32)


def choose_rows(dataset, split: str, subset: int | None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(split code per row, index within split) for `split`, a random subset of `subset` rows if smaller than all."""
    return choose_rows_of_counts(len(dataset.train), len(dataset.test), split, subset, seed)


def choose_rows_of_counts(train: int, test: int, split: str, subset: int | None,
                          seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """choose_rows for splits of `train` and `test` images (the rows are the same whatever holds the images)."""
    if split not in SPLITS:
        raise VaeguiError(f"Unknown split {split!r}: choose one of {', '.join(SPLITS)}.")
    parts = []
    if split in ("train", "both"):
        parts.append((SPLIT_TRAIN, train))
    if split in ("test", "both"):
        parts.append((SPLIT_TEST, test))
    codes = np.concatenate([np.full(n, code, np.int8) for code, n in parts])
    indices = np.concatenate([np.arange(n, dtype=np.int64) for _, n in parts])
    if len(codes) == 0:
        raise VaeguiError(f"The {split} split of this dataset is empty: choose another split.")
    if subset is not None and 0 < subset < len(codes):
        # Sorted so a lazily loaded folder reads its files in order.
        chosen = np.sort(np.random.default_rng(seed).choice(len(codes), subset, replace=False))
        codes, indices = codes[chosen], indices[chosen]
    return codes, indices


def per_sample_kl(mu: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    """Each sample's KL(q(z|x) ‖ N(0, I)), summed over the latent dimensions."""
    return kl_divergence_terms(mu, log_var).sum(axis=1)


def per_sample_reconstruction_error(images: np.ndarray, reconstructions: np.ndarray, loss: str = "bce") -> np.ndarray:
    """The training loss of each image (summed over pixels), so 'worst' means what the model was trained on."""
    x = images.reshape(len(images), -1).astype(np.float64)
    p = reconstructions.reshape(len(reconstructions), -1).astype(np.float64)
    if loss == "mse":
        return np.sum(np.square(x - p), axis=1).astype(np.float32)
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return (-np.sum(x * np.log(p) + (1 - x) * np.log1p(-p), axis=1)).astype(np.float32)


def encode_split(
    model,
    dataset,
    split: str = "train",
    subset: int | None = None,
    *,
    seed: int = 0,
    batch_size: int = 256,
    progress: Callable[[float], None] | None = None,
    cancel=None,
    known: LatentSet | None = None,
    on_partial: Callable[[LatentSet], None] | None = None,
    errors: bool = True,
    store=None,
) -> LatentSet:
    """Encode `split` of `dataset` with `model` (a vaegui VAE) in batches, checking `cancel` between batches.

    The encoder runs through its cached predict function (predict_on_batch), the one that
    `set_mu_only` rebuilds, so z here is exactly what the switch says. `on_partial` receives the
    rows encoded so far after the first batch and then a few times a second, so a map can fill in
    while the rest is encoded; those rows are never written again.
    `store` (a CodeStore of the model's weights): rows it holds are read, not encoded (z drawn from their
    mu and log_var), and rows encoded are written to it. `errors`: also each image's reconstruction error
    (a decoder pass over every image); without it `reconstruction_error` is None until
    `add_reconstruction_errors` fills it in.
    """
    codes, indices = choose_rows(dataset, split, subset, seed)
    sources = (dataset.train.images, dataset.test.images)
    labels = _labels_of(dataset, codes, indices)
    count = len(codes)
    z_dim = int(model.encoder.outputs[0].shape[-1])
    mu, log_var, z = (np.empty((count, z_dim), np.float32) for _ in range(3))
    mu_only = bool(getattr(model, "mu_only", False))
    stored = read_stored_codes(store, codes, indices, mu, log_var, z, mu_only, seed)

    def encoded(upto: int) -> LatentSet:
        return LatentSet(mu=mu[:upto], log_var=log_var[:upto], z=z[:upto],
                         labels=None if labels is None else labels[:upto], split=codes[:upto],
                         source_index=indices[:upto], reconstruction_error=None,
                         kl=per_sample_kl(mu[:upto], log_var[:upto]).astype(np.float32), mu_only=mu_only,
                         sources=sources)

    todo = np.flatnonzero(~stored)
    last_report, last_partial, last_commit = 0.0, None, time.monotonic()
    try:
        for start in range(0, len(todo), batch_size):
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            rows = todo[start : start + batch_size]
            batch = _gather(sources, codes[rows], indices[rows])
            # A short last batch is padded to the full size: a new input shape would retrace the predict function.
            padded = batch if len(batch) == batch_size else _pad(batch, batch_size)
            outputs = model.encoder.predict_on_batch(padded)
            mu[rows], log_var[rows], z[rows] = (np.asarray(a)[: len(batch)] for a in outputs)
            now = time.monotonic()
            if store is not None:
                _write_stored(store, codes[rows], indices[rows], mu[rows], log_var[rows], None if mu_only else z[rows])
                if now - last_commit >= COMMIT_S:
                    store.commit()
                    last_commit = now
            done = start + len(rows)
            upto = int(todo[done]) if done < len(todo) else count  # rows before it are all known
            if progress is not None and now - last_report >= PROGRESS_INTERVAL_S:
                last_report = now
                progress(done / len(todo))
            if on_partial is not None and upto < count and (last_partial is None or now - last_partial >= PARTIAL_S):
                last_partial = now
                on_partial(encoded(upto))
    finally:
        if store is not None and len(todo):
            store.commit()
    latents = encoded(count)
    # mu and log_var do not depend on the mu-only switch, nor does decode(mu): when the same rows were encoded
    # with the switch the other way, their errors are reused.
    if known is not None and known.reconstruction_error is not None and np.array_equal(known.split, codes) and \
            np.array_equal(known.source_index, indices):
        latents.reconstruction_error = known.reconstruction_error
    elif errors:
        add_reconstruction_errors(model, latents, batch_size=batch_size, cancel=cancel, store=store)
    return latents


def add_reconstruction_errors(model, latents: LatentSet, *, batch_size: int = 256, cancel=None, store=None,
                              progress: Callable[[float], None] | None = None) -> np.ndarray:
    """Each image's reconstruction error (the training loss of decode(mu)), into `latents` and `store`.

    A decoder pass over every image not in `store`: at 200,000 large images the longest part of a map by far,
    so the Explorer runs it only when a view needs the errors.
    """
    count = len(latents)
    errors = np.empty(count, np.float32)
    stored = np.zeros(count, bool)
    if store is not None:
        for code in np.unique(latents.split):
            where = np.flatnonzero(latents.split == code)
            have = store.known(int(code), latents.source_index[where], HAS_ERROR)
            stored[where[have]] = True
            errors[where[have]] = store.read_errors(int(code), latents.source_index[where[have]])
    loss = getattr(model, "reconstruction_loss_name", "bce")
    todo = np.flatnonzero(~stored)
    last_report = 0.0
    try:
        for start in range(0, len(todo), batch_size):
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            rows = todo[start : start + batch_size]
            batch = _gather(latents.sources, latents.split[rows], latents.source_index[rows])
            # Through the decoder's traced predict function, padded like the encoder's batches: an eager call of
            # the decoder is many times slower.
            centres = mu_batch = latents.mu[rows]
            if len(rows) != batch_size:
                centres = _pad(mu_batch, batch_size)
            reconstructions = np.asarray(model.decoder.predict_on_batch(centres))[: len(rows)]
            errors[rows] = per_sample_reconstruction_error(batch, reconstructions, loss)
            if store is not None:
                for code in np.unique(latents.split[rows]):
                    mine = rows[latents.split[rows] == code]
                    store.write_errors(int(code), latents.source_index[mine], errors[mine])
            now = time.monotonic()
            if progress is not None and now - last_report >= PROGRESS_INTERVAL_S:
                last_report = now
                progress((start + len(rows)) / len(todo))
    finally:
        if store is not None and len(todo):
            store.commit()
    latents.reconstruction_error = errors
    return errors


def read_stored_codes(store, codes, indices, mu, log_var, z, mu_only: bool, seed: int) -> np.ndarray:
    """Fill the rows `store` holds (z drawn from their mu and log_var, or z = mu); which rows those are."""
    stored = np.zeros(len(codes), bool)
    if store is None:
        return stored
    for code in np.unique(codes):
        where = np.flatnonzero(codes == code)
        have = where[store.known(int(code), indices[where])]
        if len(have):
            mu[have], log_var[have] = store.read(int(code), indices[have])
            stored[have] = True
    rows = np.flatnonzero(stored)
    if len(rows):
        z[rows] = mu[rows]
        if not mu_only:
            drawn = np.zeros(len(codes), bool)
            for code in np.unique(codes[rows]):
                where = rows[codes[rows] == code]
                have = where[store.known(int(code), indices[where], HAS_Z)]
                if len(have):
                    z[have] = store.read_z(int(code), indices[have])  # the draws the map showed: the same map
                    drawn[have] = True
            fresh = rows[~drawn[rows]]
            if len(fresh):  # never drawn with the switch off: drawn here, the same each time these rows are read
                noise = np.random.default_rng(seed).standard_normal((len(fresh), mu.shape[1]), dtype=np.float32)
                z[fresh] += np.exp(0.5 * log_var[fresh]) * noise
    return stored


def _write_stored(store, codes, indices, mu, log_var, z) -> None:
    for code in np.unique(codes):
        where = codes == code
        store.write(int(code), indices[where], mu[where], log_var[where])
        if z is not None:
            store.write_z(int(code), indices[where], z[where])


def _labels_of(dataset, codes: np.ndarray, indices: np.ndarray) -> np.ndarray | None:
    labels_by_split = (dataset.train.labels, dataset.test.labels)
    if not all(labels_by_split[c] is not None for c in set(codes.tolist())):
        return None
    labels = np.empty(len(codes), np.int64)
    for code in (SPLIT_TRAIN, SPLIT_TEST):
        where = codes == code
        if where.any():
            labels[where] = np.asarray(labels_by_split[code])[indices[where]]
    return labels


def _gather(sources, codes: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """The images of rows (split code, index), read with one fancy index per split."""
    out = np.empty((len(codes), *sources[int(codes[0])].shape[1:]), np.float32)
    for code in np.unique(codes):
        where = codes == code
        out[where] = np.asarray(sources[int(code)][indices[where]], dtype=np.float32)
    return out


def _pad(batch: np.ndarray, size: int) -> np.ndarray:
    padded = np.zeros((size, *batch.shape[1:]), np.float32)
    padded[: len(batch)] = batch
    return padded
