"""A turned 3-D map's points in three layers by depth: far ones stamped first and drawn dimmer, so depth reads."""

from __future__ import annotations

import numpy as np

DEPTH_SHADES = (0.55, 0.78, 1.0)  # brightness of the far, middle and near layers


def depth_layers(depth: np.ndarray | None, count: int) -> np.ndarray | None:
    """(count,) 0 far, 1 middle, 2 near, or None (a flat map). Layers, not a full sort, which would cost more than
    the rest of a frame at 70,000 points; their bounds are where a normal spread of depths is cut in thirds."""
    if depth is None or len(depth) != count:
        return None
    middle, spread = float(depth.mean()), float(depth.std()) or 1.0
    return np.where(depth > middle + 0.43 * spread, 0, np.where(depth > middle - 0.43 * spread, 1, 2))


def far_to_near(order: np.ndarray | None, layers: np.ndarray | None, count: int) -> np.ndarray | None:
    """The stamping order `order` (None: all rows as they are), far layers first, each in its own order."""
    if layers is None:
        return order
    rows = np.arange(count) if order is None else order
    return np.concatenate([rows[layers[rows] == layer] for layer in range(len(DEPTH_SHADES))])


def shaded(colours: np.ndarray, layers: np.ndarray) -> np.ndarray:
    """ARGB colours with red, green and blue scaled by their layer's shade (transparent ones stay transparent)."""
    shades = np.asarray(DEPTH_SHADES, np.float32)[layers]
    channels = np.stack([(colours >> shift) & 0xFF for shift in (16, 8, 0)], axis=1).astype(np.float32)
    scaled = np.rint(channels * shades[:, None]).astype(np.uint32)
    out = (colours & np.uint32(0xFF000000)) | (scaled[:, 0] << np.uint32(16)) | (scaled[:, 1] << np.uint32(8)) \
        | scaled[:, 2]
    return out.astype(np.uint32)
