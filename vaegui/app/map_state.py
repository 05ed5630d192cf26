"""The Explorer map's settings, cache keys and finished maps, and how its points are coloured: plain values."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, replace

import numpy as np

from vaegui.latent.encoding import SPLIT_TEST, LatentSet
from vaegui.latent.generation import dimensions_by_kl
from vaegui.latent.picking import LatentNeighbours
from vaegui.latent.projection import METHOD_LABELS, Projection, tsne_backend
from vaegui.palette import VALUE_COLOURS, class_colour

SPLITS = ("train", "test", "both")
SPLIT_LABELS = {"train": "Train", "test": "Test", "both": "Train + test"}
SUBSETS = (None, 10_000, 2_000, 500)
COLOUR_MODES = ("label", "error", "kl")
UMAP_INSTALL = "pip install umap-learn"


def pictures_in_split(train: int, test: int, split: str) -> int:
    """How many pictures `split` holds, of `train` training and `test` test pictures: what "All" draws."""
    return (train if split in ("train", "both") else 0) + (test if split in ("test", "both") else 0)


def subset_shown(subset: int | None, available: int | None) -> int | None:
    """The "How many" choice that says what the map draws: a count at least as large as the pictures there are
    draws them all, so it reads "All"."""
    return None if subset is not None and available is not None and subset >= available else subset


@dataclass(frozen=True)
class LatentsKey:
    """Which encoding: the weights, the images (split and subset) and the mu-only switch."""

    weights: str
    split: str
    subset: int | None
    mu_only: bool

    def with_mu_only(self, on: bool) -> LatentsKey:
        return replace(self, mu_only=on)


@dataclass(frozen=True)
class MapKey:
    """Which map: an encoding, the projection that draws it, and in how many dimensions (2, or 3 for the 3-D view)."""

    latents: LatentsKey
    method: str
    dims: int = 2


@dataclass(frozen=True)
class MapSettings:
    """What the person chose; the map shown (or being computed) always matches it."""

    split: str = "train"
    subset: int | None = 10_000
    method: str | None = None  # None until a model says which projections fit it
    mu_only: bool = False
    colour: str = "label"
    dims: int = 2  # 3: the rotatable 3-D view


@dataclass(frozen=True)
class MethodChoice:
    method: str
    label: str
    available: bool
    reason: str = ""  # why not, and how to get it


def method_choices(z_dim: int) -> list[MethodChoice]:
    """Every projection, best first, each saying whether it fits this z_dim and is installed."""
    tsne = METHOD_LABELS["tsne"] + (" (no live view)" if tsne_backend() == "sklearn" else "")
    umap_installed = importlib.util.find_spec("umap") is not None
    return [
        MethodChoice("direct", METHOD_LABELS["direct"], z_dim == 2,
                     "" if z_dim == 2 else f"Direct needs a 2-D latent space; this model has z_dim = {z_dim}."),
        MethodChoice("pca", METHOD_LABELS["pca"], True),
        MethodChoice("tsne", tsne, True),
        MethodChoice("umap", METHOD_LABELS["umap"] + ("" if umap_installed else " (not installed)"), umap_installed,
                     "" if umap_installed else f"UMAP is not installed: run `{UMAP_INSTALL}` (make run installs it)."),
    ]


def default_method(z_dim: int) -> str:
    return "direct" if z_dim == 2 else "pca"


def why_flat(z_dims: list[int]) -> str:
    """Why a map of latent spaces of these sizes cannot be turned in 3-D ('' when it can): two numbers per picture
    have no third direction to show (PCA has no third one, and t-SNE failed on them with a raw error)."""
    fewest = min(z_dims, default=3)
    if fewest >= 3:
        return ""
    return (f"A model with {fewest} numbers per picture makes a flat map: 3-D needs 3 or more (Numbers per "
            "picture, in the Training tab).")


@dataclass(frozen=True, eq=False)
class ShownMap:
    """A finished map, with what clicking it needs, all computed off the GUI thread."""

    key: MapKey
    latents: LatentSet
    projection: Projection
    neighbours: LatentNeighbours
    dimension_order: np.ndarray  # latent dimensions, most informative (largest mean KL) first
    dimension_kl: np.ndarray  # mean KL of each, in that order
    mu_range: tuple[np.ndarray, np.ndarray]  # (lowest, highest) mu of the images in each dimension

    @property
    def method(self) -> str:
        return self.projection.method

    @classmethod
    def build(cls, key: MapKey, latents: LatentSet, projection: Projection) -> ShownMap:
        order, kl = dimensions_by_kl(latents)
        mu = latents.mu
        mu_range = (mu.min(axis=0), mu.max(axis=0)) if len(mu) else (np.zeros(mu.shape[1]), np.zeros(mu.shape[1]))
        return cls(key, latents, projection, LatentNeighbours(mu), order, kl, mu_range)


@dataclass(frozen=True, eq=False)
class FormingMap:
    """A map on its way (a t-SNE layout, the images encoded so far, or what the run folder keeps while the model
    loads): the points can be looked at, but it is not a map to decode from yet."""

    key: MapKey
    latents: LatentSet
    coords: np.ndarray
    class_names: list[str] | None = None  # while no model is loaded: the run's class names
    note: str = ""  # what these points are, when they are not yet the map asked for


def same_rows(a: LatentSet, b: LatentSet) -> bool:
    """Whether two encodings are of the same images in the same order (so their maps can be compared row by row)."""
    return len(a) == len(b) and np.array_equal(a.split, b.split) and np.array_equal(a.source_index, b.source_index)


class PreviewProjection:
    """Quick 2-D coordinates for the rows encoded so far, while the rest is encoded: the vectors themselves in
    a 2-D space, else their two main directions, taken from the first rows so the picture does not flip."""

    def __init__(self, method: str | None):
        self.direct = method == "direct"
        self._mean: np.ndarray | None = None
        self._axes: np.ndarray | None = None

    def coords(self, latents: LatentSet) -> np.ndarray:
        z = latents.z
        if self.direct or z.shape[1] <= 2:
            return np.asarray(z[:, :2], np.float32)
        if self._axes is None:
            self._mean = z.mean(axis=0)
            self._axes = np.linalg.svd(z - self._mean, full_matrices=False)[2][:2]
        return ((z - self._mean) @ self._axes.T).astype(np.float32)


@dataclass(frozen=True, eq=False)
class Colouring:
    categories: np.ndarray  # (N,) index into colours
    colours: list[str]
    names: list[str]  # legend entry of each colour ("" = not in the legend)
    symbols: np.ndarray | None  # "o" train, "t" test, when both are shown
    symbol_names: dict[str, str]


def colour_points(latents: LatentSet, mode: str, class_names: list[str] | None) -> Colouring:
    """Colours by class label, or by reconstruction error or KL in eight quantile bins (low → high)."""
    symbols, symbol_names = None, {}
    if (latents.split == SPLIT_TEST).any() and (latents.split != SPLIT_TEST).any():
        symbols = np.where(latents.split == SPLIT_TEST, "t", "o")
        symbol_names = {"o": "train", "t": "test"}
    if mode == "label":
        if latents.labels is None:
            return Colouring(np.zeros(len(latents), np.int64), [class_colour(0)], ["images (no labels)"], symbols,
                             symbol_names)
        count = int(latents.labels.max()) + 1
        colours = [class_colour(i) for i in range(count)]
        present = set(np.unique(latents.labels).tolist())
        # Only classes present get a legend entry (a subset may miss some).
        names = [class_name(i, class_names) if i in present else "" for i in range(count)]
        return Colouring(latents.labels, colours, names, symbols, symbol_names)
    values = latents.reconstruction_error if mode == "error" else latents.kl
    if values is None:  # the decoder pass for the errors is still running
        return Colouring(np.zeros(len(latents), np.int64), ["#888888"], ["error: being worked out…"], symbols,
                         symbol_names)
    edges = np.quantile(values, np.linspace(0, 1, len(VALUE_COLOURS) + 1))
    categories = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, len(VALUE_COLOURS) - 1)
    what = "error" if mode == "error" else "KL"
    names = [f"{what} {edges[i]:.3g}–{edges[i + 1]:.3g}" for i in range(len(VALUE_COLOURS))]
    return Colouring(categories, list(VALUE_COLOURS), names, symbols, symbol_names)


def dimension_label(dimension: int) -> str:
    """How every view names a latent dimension: counted from 1, as people count ('z1', 'z2', ...)."""
    return f"z{dimension + 1}"


def class_name(label: int, class_names: list[str] | None) -> str:
    return class_names[label] if class_names and 0 <= label < len(class_names) else str(label)


def describe_row(latents: LatentSet, row: int, class_names: list[str] | None) -> str:
    """'test #12 · Sneaker': which image a map point is."""
    split = "test" if latents.split[row] == SPLIT_TEST else "train"
    text = f"{split} #{int(latents.source_index[row])}"
    if latents.labels is not None:
        text += f" · {class_name(int(latents.labels[row]), class_names)}"
    return text


def settings_showing(shown: ShownMap, settings: MapSettings) -> MapSettings:
    """The settings that draw `shown` (after a cancel, the controls say what the map shows again)."""
    latents_key, colour = shown.key.latents, settings.colour
    if colour == "error" and shown.latents.reconstruction_error is None:
        colour = "label"  # the errors' decoder pass was what was cancelled
    return replace(settings, split=latents_key.split, subset=latents_key.subset, mu_only=latents_key.mu_only,
                   method=shown.key.method, dims=shown.key.dims, colour=colour)


def describe_map(shown: ShownMap, cached: bool, other_switch: LatentSet | None, note: str = "") -> str:
    """The status line for a map just shown; after a mu-only switch, how far the points moved; `note`: what vaegui
    did to open the model, said once."""
    count = len(shown.latents)
    if shown.method == "direct":  # nothing worked out: the two numbers themselves
        text = f"Map of {count:,} pictures, each at its two numbers (z1, z2)"
    else:
        seconds = shown.projection.seconds
        text = f"{METHOD_LABELS[shown.method]} of {count:,} pictures" + (
            f", worked out in {seconds:.1f} s" if not cached and seconds >= 0.1 else "")
    if other_switch is not None and len(other_switch) == count:
        moved = float(np.mean(np.linalg.norm(shown.latents.z - other_switch.z, axis=1)))
        spread = float(np.mean(np.std(shown.latents.mu, axis=0)))
        what = ("mu-only on: every point moved to the centre of its cloud" if shown.key.latents.mu_only
                else "mu-only off: every point is a random draw from its cloud again")
        text += f" · {what}, {moved:.3g} latent units on average (the map's spread is {spread:.3g})"
    return f"{text}. {note}" if note else text


# The maps that place a new latent vector exactly and at once: linear, so they keep straight lines straight (t-SNE and
# UMAP bend them, and place new points only by a slow fit).
PLACED_EXACTLY = ("direct", "pca")


def place_on_map(shown: ShownMap, vector: np.ndarray) -> tuple[float, float]:
    """Where a latent vector lies on a map: itself (Direct), its PCA coordinates, else (t-SNE, UMAP: no forward
    mapping for new points) the place of the encoded image nearest to it in latent space."""
    x, y = places_on_map(shown, np.asarray(vector)[None])[0]
    return float(x), float(y)


def places_on_map(shown: ShownMap, vectors: np.ndarray) -> np.ndarray:
    """place_on_map of each of `vectors` (n, d): (n, 2). The nearest pictures for all of them in one pass over the
    codes: a morph's 8 steps on a map of 200,000 pictures of 64 numbers take ~15 ms on the GUI thread here, where a
    search per step took ~230 ms."""
    if shown.method in PLACED_EXACTLY:
        return np.asarray(shown.projection.place(vectors)[0], np.float64)
    mu = shown.latents.mu
    # |mu − v|² = |mu|² − 2 mu·v + |v|², and |v|² is the same for every picture.
    scores = np.einsum("ij,ij->i", mu, mu)[:, None] - 2.0 * (mu @ np.asarray(vectors, mu.dtype).T)
    return np.asarray(shown.projection.coords, np.float64)[np.argmin(scores, axis=0)]
