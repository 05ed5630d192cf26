"""Names for the map's crowded regions: the map is cut into the basins of its density (every place belongs to the
crowded spot it climbs to, a watershed of the KDE, as Embedding Atlas labels its maps), and each basin is named by
its majority class, or "group N" when the pictures have no classes, at its densest place."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from vaegui.latent.density import density_grid, scott_bandwidth

BANDWIDTH_FACTOR = 0.6  # of Scott's bandwidth: a little sharper than the contours, so neighbouring crowds part
GRID_BINS = 200
PEAK_FLOOR = 0.08  # a crowded spot is at least this share of the densest spot's density
BACKGROUND = 0.04  # places below this share of the densest belong to no region
MIN_SHARE = 0.01  # a region holds at least this share of the points
MAX_REGIONS = 24
MAJORITY_NAMED = 0.5  # below this share the name gives the two largest classes


@dataclass(frozen=True)
class RegionLabel:
    """One named region of the map."""

    x: float
    y: float
    text: str  # "7", "Sneaker · Sandal", "group 3"
    detail: str  # "412 pictures, 93 % 7"
    cluster: int


@dataclass(frozen=True, eq=False)
class MapRegions:
    """The map's regions: which region each point belongs to (-1: none) and a label for each."""

    labels: tuple[RegionLabel, ...]
    membership: np.ndarray  # (N,) int: region of each point, -1 for points in no region
    seconds: float = 0.0

    def rows_of(self, cluster: int) -> np.ndarray:
        return np.flatnonzero(self.membership == cluster)


def find_regions(coords: np.ndarray, labels: np.ndarray | None, class_names: list[str] | None = None,
                 *, cancel=None) -> MapRegions:
    """Cut the map into the basins of its density and name each basin holding at least MIN_SHARE of the points,
    largest first (at most MAX_REGIONS)."""
    from scipy import ndimage

    started = time.perf_counter()
    coords = np.asarray(coords, np.float64).reshape(-1, 2)
    count = len(coords)
    if count < 10:
        return MapRegions((), np.full(count, -1, np.int64), time.perf_counter() - started)
    bandwidth = tuple(BANDWIDTH_FACTOR * b for b in scott_bandwidth(coords))
    grid = density_grid(coords, GRID_BINS, bandwidth)
    values = grid.values
    top = values.max()
    # Crowded spots: the highest place within about two kernel widths.
    reach = max(3, int(round(2 * bandwidth[0] / grid.cell[0])) | 1), max(3, int(round(2 * bandwidth[1] /
                                                                                        grid.cell[1])) | 1)
    peaks = (values == ndimage.maximum_filter(values, size=(reach[1], reach[0]))) & (values > PEAK_FLOOR * top)
    markers = np.zeros(values.shape, np.int32)
    peak_rows, peak_columns = np.nonzero(peaks)
    markers[peak_rows, peak_columns] = np.arange(1, len(peak_rows) + 1)
    markers[values < BACKGROUND * top] = -1
    if cancel is not None:
        cancel.raise_if_cancelled()
    # Flooding from the spots over the density turned upside down: each place joins the spot it drains to.
    basins = ndimage.watershed_ift((65535 * (1 - values / top)).astype(np.uint16), markers)
    rows, columns = grid.cell_of(coords)
    basin_of_point = basins[rows, columns]
    sizes = np.bincount(np.maximum(basin_of_point, 0), minlength=len(peak_rows) + 1)
    sizes[0] = 0
    kept = [b for b in np.argsort(sizes, kind="stable")[::-1] if sizes[b] >= max(1, MIN_SHARE * count)][:MAX_REGIONS]
    basin_of_point = np.where(np.isin(basin_of_point, kept), basin_of_point, 0)
    # Basins that would carry the same name are one region (a class crowding round two nearby spots), named once
    # at the densest of its spots; without labels each basin is its own group.
    by_name: dict[str, list[int]] = {}
    for basin in kept:
        key = _name(0, np.flatnonzero(basin_of_point == basin), labels, class_names)[0] if labels is not None \
            else str(basin)
        by_name.setdefault(key, []).append(basin)
    regions = sorted(by_name.values(), key=lambda basins: -sum(sizes[b] for b in basins))
    number_of = np.full(len(peak_rows) + 1, -1, np.int64)
    for number, basins in enumerate(regions):
        number_of[basins] = number
    membership = number_of[basin_of_point]
    result = []
    for number, basins in enumerate(regions):
        members = np.flatnonzero(membership == number)
        text, detail = _name(number, members, labels, class_names)
        densest = max(basins, key=lambda b: values[peak_rows[b - 1], peak_columns[b - 1]])
        x, y = grid.x_centres[peak_columns[densest - 1]], grid.y_centres[peak_rows[densest - 1]]
        result.append(RegionLabel(float(x), float(y), text, detail, number))
    return MapRegions(tuple(result), membership, time.perf_counter() - started)


def _name(number: int, rows: np.ndarray, labels: np.ndarray | None, class_names: list[str] | None) -> tuple[str, str]:
    pictures = f"{len(rows):,} pictures"
    if labels is None:
        return f"group {number + 1}", pictures
    counts = np.bincount(labels[rows])
    order = np.argsort(-counts, kind="stable")  # ties: the smaller class first
    first, second = int(order[0]), int(order[1]) if len(order) > 1 else None
    share = counts[first] / len(rows)

    def named(label: int) -> str:
        return class_names[label] if class_names and 0 <= label < len(class_names) else str(label)

    detail = f"{pictures}, {share:.0%} {named(first)}"
    if share >= MAJORITY_NAMED or second is None or counts[second] == 0:
        return named(first), detail
    return f"{named(first)} · {named(second)}", detail + f", {counts[second] / len(rows):.0%} {named(second)}"
