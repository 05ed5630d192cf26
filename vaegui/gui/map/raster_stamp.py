"""Stamping points into an image: each point's pyqtgraph symbol as the pixels it covers, later points on top."""

from __future__ import annotations

import numpy as np
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QPointF


def symbol_footprint(symbol: str, size_px: int) -> np.ndarray:
    """(k, 2) pixel offsets (row down, column right) that pyqtgraph's `symbol` of `size_px` covers, rim first."""
    path = Symbols[symbol]
    reach = size_px // 2 + 1
    offsets = [
        (row, column)
        for row in range(-reach, reach + 1)
        for column in range(-reach, reach + 1)
        if path.contains(QPointF(column / size_px, row / size_px))
    ] or [(0, 0)]
    # Drawn rim first and centre last, each point's own centre pixel stays visible where points crowd.
    offsets.sort(key=lambda offset: -(offset[0] ** 2 + offset[1] ** 2))
    return np.array(offsets, np.int64)


def rasterize(
    pixels: np.ndarray, colour_index: np.ndarray, footprints: list[np.ndarray], symbol_of: np.ndarray | None,
    width: int, height: int, dtype=np.uint8,
) -> np.ndarray:
    """(height, width) image of `dtype`: each point's colour index + 1 stamped over its symbol's footprint, 0
    elsewhere. The map passes each point's row number as its "colour" (uint32), so that the image says which
    point shows at each pixel.

    `pixels` are (N, 2) float image coordinates (column, row; row 0 at the top). Where points overlap the
    later one wins, as in a scatter plot. Where many points share a pixel, stamping each pixel once is cheaper.
    """
    reach = max(int(np.abs(footprint).max()) for footprint in footprints)  # pixels a symbol spans from its centre
    pad = 2 * reach  # a point up to `reach` outside the image still shows its rim; its stamp stays in the padding
    padded_width, padded_height = width + 2 * pad, height + 2 * pad
    columns = np.floor(pixels[:, 0]).astype(np.int64)
    rows = np.floor(pixels[:, 1]).astype(np.int64)
    inside = (columns >= -reach) & (columns < width + reach) & (rows >= -reach) & (rows < height + reach)
    image = np.zeros(padded_width * padded_height, dtype)
    for symbol, footprint in enumerate(footprints):
        chosen = inside if symbol_of is None else inside & (symbol_of == symbol)
        centres = (rows[chosen] + pad) * padded_width + columns[chosen] + pad
        values = colour_index[chosen].astype(dtype) + 1
        if len(centres) * 8 > padded_width * padded_height:
            # Dense: the last point on each pixel decides its colour, so stamp each occupied pixel once.
            occupied = np.zeros_like(image)
            occupied[centres] = values
            centres = np.flatnonzero(occupied)
            values = occupied[centres]
        targets = np.empty_like(centres)
        for row, column in footprint:
            np.add(centres, row * padded_width + column, out=targets)
            image[targets] = values
    return image.reshape(padded_height, padded_width)[pad:pad + height, pad:pad + width]
