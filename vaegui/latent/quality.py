"""How good a latent space is, from arrays: active units, effective dimensionality, dead hidden units, 5-NN accuracy."""

from __future__ import annotations

import functools
import math
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vaegui.errors import VaeguiError
from vaegui.latent.encoding import per_sample_kl, per_sample_reconstruction_error

# Burda, Grosse & Salakhutdinov (2016), "Importance Weighted Autoencoders": a latent dimension is
# active when its posterior mean varies over the data, Var_x(E_q[z_i | x]) > 0.01.
ACTIVE_VARIANCE = 0.01
# The effective dimensionality counts the principal components of mu holding this share of its variance.
EXPLAINED_SHARE = 0.95
# A hidden unit whose output spreads less than this over all images says nothing about them (a ReLU
# unit stuck at zero, or any unit stuck at one value).
DEAD_SPREAD = 1e-6
QUALITY_IMAGES = 1000  # measured each epoch: enough for a stable 5-NN accuracy, cheap next to an epoch
QUALITY_BATCH = 250  # one fixed batch shape, so the cached predict functions are traced once
KNN_NEIGHBOURS = 5
KNN_FOLDS = 5


class QualityError(VaeguiError):
    """The latent quality cannot be measured on these images."""


@dataclass(frozen=True)
class QualityArrays:
    """The per-dimension and per-unit figures behind a LatentQuality's counts (read-only arrays)."""

    mu_variance: np.ndarray  # (z_dim,) variance over the images of each mu_i: active when > ACTIVE_VARIANCE
    kl_per_dimension: np.ndarray  # (z_dim,) mean KL of each latent dimension
    explained_variance_ratio: np.ndarray  # (z_dim,) share of mu's variance in each principal component, largest first
    hidden_unit_spread: np.ndarray  # (hidden units,) max − min of each unit's output over the images: dead when ~0

    def __post_init__(self) -> None:
        for value in vars(self).values():
            value.flags.writeable = False

    def to_lists(self) -> dict[str, list[float]]:
        return {name: [float(v) for v in value] for name, value in vars(self).items()}


@dataclass(frozen=True)
class LatentQuality:
    """The quality figures of a model's latent space on a fixed set of images (one epoch's measurement)."""

    images: int  # how many images were measured
    z_dim: int
    active_units: int  # dimensions whose mu varies over the images (Burda et al. 2016)
    effective_dimensions: int  # principal components of mu holding 95 % of its variance
    participation_ratio: float  # (Σλ)² / Σλ² of mu's covariance eigenvalues: 1 = one direction, z_dim = all equal
    hidden_units: int  # width of the encoder's hidden layer (the one feeding mu)
    dead_hidden_units: int  # its units whose output is the same on every image
    knn_accuracy: float  # 5-nearest-neighbour label accuracy of mu, cross-validated; NaN without labels
    reconstruction_error: float  # mean per-image loss of decode(mu), summed over pixels like the training loss
    kl: float  # mean KL(q(z|x) ‖ N(0, I)) per image
    noise_size: float  # mean Euclidean length of the sampling noise z − mu
    seconds: float  # what measuring cost
    arrays: QualityArrays = field(repr=False, compare=False)

    def to_record(self) -> dict[str, float]:
        """The counts and means as floats (NaN where a figure does not apply), for a CSV row or JSON."""
        return {name: float(getattr(self, name)) for name in RECORD_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """Everything, arrays as lists; `from_dict` reads it back."""
        return {**self.to_record(), "arrays": self.arrays.to_lists()}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> LatentQuality:
        counts = {"images", "z_dim", "active_units", "effective_dimensions", "hidden_units", "dead_hidden_units"}
        values = {name: int(raw[name]) if name in counts else float(raw[name]) for name in RECORD_FIELDS}
        arrays = QualityArrays(**{name: np.asarray(value, dtype=np.float64) for name, value in raw["arrays"].items()})
        return cls(**values, arrays=arrays)


RECORD_FIELDS = tuple(name for name in LatentQuality.__dataclass_fields__ if name != "arrays")


# ---- the figures, from arrays ---------------------------------------------------------------------------


def active_units(mu: np.ndarray, threshold: float = ACTIVE_VARIANCE) -> tuple[np.ndarray, int]:
    """(variance over images of each mu_i, how many exceed `threshold`): the covariance definition of active units."""
    variance = np.var(np.asarray(mu, dtype=np.float64), axis=0)
    return variance, int(np.sum(variance > threshold))


def explained_variance_ratio(mu: np.ndarray) -> np.ndarray:
    """Share of mu's total variance along each principal component, largest first (all zeros when mu is constant)."""
    mu = np.asarray(mu, dtype=np.float64)
    if len(mu) < 2:
        return np.zeros(mu.shape[1])
    eigenvalues = np.clip(np.linalg.eigvalsh(np.cov(mu, rowvar=False).reshape(mu.shape[1], mu.shape[1]))[::-1], 0, None)
    total = eigenvalues.sum()
    return eigenvalues / total if total > 0 else np.zeros_like(eigenvalues)


def effective_dimensionality(mu: np.ndarray, share: float = EXPLAINED_SHARE) -> tuple[int, float]:
    """(principal components holding `share` of mu's variance, participation ratio (Σλ)² / Σλ²); (0, 0) if constant.

    Active units miss a collapsed space whose dimensions all move together; these two count its
    independent directions: a rank-1 latent gives 1 whatever its width.
    """
    ratio = explained_variance_ratio(mu)
    if not ratio.any():
        return 0, 0.0
    # A small tolerance so a share reached exactly (e.g. 0.95 of 0.95) is not missed by rounding.
    components = int(np.searchsorted(np.cumsum(ratio), share - 1e-9) + 1)
    return min(components, len(ratio)), float(1.0 / np.sum(ratio**2))


def dead_units(activations: np.ndarray, spread: float = DEAD_SPREAD) -> tuple[np.ndarray, np.ndarray]:
    """(each unit's output spread max − min over the images, mask of the units whose spread is at most `spread`)."""
    activations = np.asarray(activations, dtype=np.float64)
    unit_spread = np.ptp(activations, axis=0) if len(activations) else np.zeros(activations.shape[1:])
    return unit_spread, unit_spread <= spread


def knn_accuracy(
    features: np.ndarray, labels: np.ndarray, *, neighbours: int = KNN_NEIGHBOURS, folds: int = KNN_FOLDS, seed: int = 0
) -> float:
    """Label accuracy of a `neighbours`-NN classifier on `features`, stratified `folds`-fold cross-validated.

    Fewer folds when the rarest class has fewer members; NaN when there are fewer than two classes
    with at least two images each (no accuracy can be measured).
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    features = np.asarray(features, dtype=np.float32).reshape(len(features), -1)
    labels = np.asarray(labels)
    classes, counts = np.unique(labels, return_counts=True)
    keep = np.isin(labels, classes[counts >= 2])
    features, labels = features[keep], labels[keep]
    counts = counts[counts >= 2]
    if len(counts) < 2:
        return math.nan
    folds = min(folds, int(counts.min()))
    # Each training fold must hold at least `neighbours` images.
    neighbours = max(1, min(neighbours, len(labels) - math.ceil(len(labels) / folds)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    classifier = KNeighborsClassifier(n_neighbors=neighbours)
    # One thread: these distances are small work, and OpenMP's threads would wait for the cores that
    # TensorFlow holds, which makes the measurement many times slower than doing it alone.
    with _thread_pools().limit(limits=1):
        return float(np.mean(cross_val_score(classifier, features, labels, cv=splitter)))


@functools.cache
def _thread_pools():
    """The process's BLAS/OpenMP thread pools, found once: looking them up costs as much as a small k-NN."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def noise_size(log_var: np.ndarray, seed: int = 0) -> float:
    """Mean Euclidean length of z − mu = exp(log_var / 2) · ε, with ε drawn from a fixed seed.

    Drawn here rather than read from the encoder's z so the figure does not depend on the mu-only
    switch and is the same for the same model.
    """
    log_var = np.asarray(log_var, dtype=np.float64)
    epsilon = np.random.default_rng(seed).standard_normal(log_var.shape)
    return float(np.mean(np.linalg.norm(np.exp(0.5 * log_var) * epsilon, axis=1))) if len(log_var) else 0.0


# ---- measuring a model ----------------------------------------------------------------------------------


def quality_sample(
    images, labels=None, count: int = QUALITY_IMAGES, seed: int = 0
) -> tuple[np.ndarray, np.ndarray | None]:
    """A fixed random `count` of the images (all when fewer) as float32, with their labels; the same for the same seed.

    Take it once before training and measure the same arrays every epoch, so the figures of two
    epochs describe the same images (and a lazily loaded folder is read once).
    """
    total = len(images)
    rows = np.arange(total) if total <= count else np.sort(np.random.default_rng(seed).choice(total, count, False))
    chosen = np.asarray(images[rows], dtype=np.float32)
    return chosen, None if labels is None else np.asarray(labels)[rows]


def measure_quality(
    model, images: np.ndarray, labels: np.ndarray | None = None, *, batch_size: int = QUALITY_BATCH, seed: int = 0
) -> LatentQuality:
    """Every quality figure of `model` (a vaegui VAE) on `images` (from `quality_sample`), encoding them once.

    Cheap enough to call after each epoch on the thread that owns the model: the encoder (with its
    hidden layer's output) and the decoder run through cached predict functions with one batch shape.
    """
    started = time.perf_counter()
    images = np.asarray(images, dtype=np.float32)
    if len(images) < 2:
        raise QualityError(
            f"Latent quality needs at least 2 images to measure how they spread, got {len(images)}: "
            "use a dataset with more test images."
        )
    hidden, mu, log_var, reconstructions = encode_for_quality(model, images, batch_size)
    loss = getattr(model, "reconstruction_loss_name", "bce")
    return quality_of(images, labels, hidden, mu, log_var, reconstructions, loss, seed=seed, started=started)


def quality_of(images: np.ndarray, labels: np.ndarray | None, hidden: np.ndarray, mu: np.ndarray,
               log_var: np.ndarray, reconstructions: np.ndarray, loss: str = "bce", *, seed: int = 0,
               started: float | None = None) -> LatentQuality:
    """Every quality figure from one pass of `images` through the model (see `encode_for_quality`)."""
    started = time.perf_counter() if started is None else started
    mu_variance, active = active_units(mu)
    effective, participation = effective_dimensionality(mu)
    spread, dead = dead_units(hidden)
    kl_per_dimension = np.mean(-0.5 * (1.0 + log_var - np.square(mu) - np.exp(log_var)), axis=0)
    return LatentQuality(
        images=len(images),
        z_dim=int(mu.shape[1]),
        active_units=active,
        effective_dimensions=effective,
        participation_ratio=participation,
        hidden_units=int(hidden.shape[1]),
        dead_hidden_units=int(dead.sum()),
        knn_accuracy=math.nan if labels is None else knn_accuracy(mu, labels, seed=seed),
        reconstruction_error=float(np.mean(per_sample_reconstruction_error(images, reconstructions, loss))),
        kl=float(np.mean(per_sample_kl(mu.astype(np.float64), log_var.astype(np.float64)))),
        noise_size=noise_size(log_var, seed),
        seconds=time.perf_counter() - started,
        arrays=QualityArrays(
            mu_variance=mu_variance,
            kl_per_dimension=kl_per_dimension.astype(np.float64),
            explained_variance_ratio=explained_variance_ratio(mu),
            hidden_unit_spread=spread,
        ),
    )


def hidden_activations(model, images: np.ndarray, batch_size: int = QUALITY_BATCH) -> np.ndarray:
    """The output of the encoder's hidden layer (the one feeding mu) for each image, (N, hidden units)."""
    return encode_for_quality(model, np.asarray(images, dtype=np.float32), batch_size, decode=False)[0]


def encode_for_quality(model, images: np.ndarray, batch_size: int = QUALITY_BATCH,
                       decode: bool = True) -> tuple[np.ndarray, ...]:
    """(hidden activations, mu, log_var, decode(mu)) of every image, in padded batches of one shape."""
    probe = _probe_model(model.encoder)
    # Fewer images than a batch (the digits' 180 test images) make one batch of their own size: still one shape.
    batch_size = min(batch_size, len(images))
    # Under a distribution strategy predict_on_batch runs the whole batch on every replica; a direct call does not.
    distributed = getattr(model, "_distribute_strategy", None) is not None
    parts: list[list[np.ndarray]] = [[], [], [], []]
    for start in range(0, len(images), batch_size):
        batch = images[start : start + batch_size]
        padded = np.zeros((batch_size, *images.shape[1:]), np.float32)
        padded[: len(batch)] = batch
        outputs = probe(padded, training=False) if distributed else probe.predict_on_batch(padded)
        hidden, mu, log_var = (np.asarray(a, dtype=np.float32).reshape(batch_size, -1) for a in outputs)
        if decode:
            decoded = model.decoder(mu, training=False) if distributed else model.decoder.predict_on_batch(mu)
            parts[3].append(np.asarray(decoded, dtype=np.float32)[: len(batch)])
        for part, value in zip(parts, (hidden, mu, log_var)):
            part.append(value[: len(batch)])
    return tuple(np.concatenate(part) if part else np.zeros((0,)) for part in parts)


# One probe per encoder, kept while the encoder lives: building it again would retrace its predict function.
_probes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _probe_model(encoder):
    """A model sharing the encoder's layers that returns (hidden layer output, mu, log_var) in one pass.

    mu and log_var are taken from their Dense layers, before any KL layer, so the probe adds no loss.
    """
    probe = _probes.get(encoder)
    if probe is None:
        import keras

        mu_layer, log_var_layer = _latent_layers(encoder)
        probe = keras.Model(encoder.inputs, [mu_layer.input, mu_layer.output, log_var_layer.output], name="quality")
        _probes[encoder] = probe
    return probe


def _latent_layers(encoder) -> tuple[Any, Any]:
    """The layers computing mu and log_var: named z_mean / z_log_var (vaegui and keras.io), else the first outputs'."""
    names = {layer.name for layer in encoder.layers}
    if {"z_mean", "z_log_var"} <= names:
        return encoder.get_layer("z_mean"), encoder.get_layer("z_log_var")
    return tuple(output._keras_history.operation for output in encoder.outputs[:2])


def describe_quality(figures: dict[str, float], z_dim: int) -> str:
    """One plain line of an epoch's figures, for the KL bars' side."""
    parts = []
    if "active_units" in figures:
        parts.append(f"{int(figures['active_units'])} of {z_dim} directions in use (active units)")
    if "effective_dimensions" in figures:
        count = int(figures["effective_dimensions"])
        parts.append(f"the points spread along {count} main direction{'s' if count != 1 else ''}")
    if math.isfinite(figures.get("knn_accuracy", math.nan)):
        parts.append(f"neighbours share their label {figures['knn_accuracy']:.0%} of the time (5-NN)")
    return " · ".join(parts)


def quality_warnings(figures: dict[str, float], z_dim: int) -> list[str]:
    """Plain warnings when the latent space is failing, each with the settings that usually help (named as the
    Training tab's form names them, the technical term in brackets)."""
    warnings = []
    hidden, dead = figures.get("hidden_units", 0), figures.get("dead_hidden_units", 0)
    if hidden and dead / hidden >= 0.5:
        warnings.append(
            f"{int(dead)} of {int(hidden)} of the encoder's inner units gave the same answer for every picture (dead "
            "hidden units): the map rests on the few left. Usually helps: a smaller step size (learning rate), a "
            "larger hidden layer, or the ELU activation (the default).")
    active = figures.get("active_units")
    if active is not None and z_dim > 1 and active <= 1 and not warnings:
        how_many = "None" if int(active) == 0 else f"Only {int(active)}"
        warnings.append(
            f"{how_many} of the map's {z_dim} directions carries anything yet (posterior collapse): the model ignores "
            "most of its numbers. Usually helps: less map tidiness (a smaller KL weight β), or ease in tidiness (KL "
            "warm-up).")
    effective = figures.get("effective_dimensions")
    if effective is not None and z_dim > 2 and effective <= 1 and (active or 0) > 1 and not warnings:
        warnings.append(
            f"All {int(active)} directions in use move together (one main direction): the map collapsed to a line. "
            "Usually helps: a smaller step size (learning rate), or the ELU activation (the default).")
    return warnings
