"""An image tile with no picture yet is drawn as an empty slot, never as a black square that reads as a picture that
came out black; a picture shown in it gets its dark frame, and taking it away gives the empty slot back."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect

from vaegui.gui.common.image_tiles import ImageGrid, ImageTile


def _mean_grey(tile: ImageTile) -> float:
    """The mean brightness (0–255) of the tile's picture area as drawn on screen, inside its 1-pixel border."""
    window = tile.window()
    image = window.grab(QRect(tile.picture.mapTo(window, QPoint(0, 0)), tile.picture.size())).toImage()
    values = [image.pixelColor(x, y).lightness() for x in range(2, image.width() - 2, 3)
              for y in range(2, image.height() - 2, 3)]
    return float(np.mean(values))


def test_an_empty_tile_is_an_outline_on_the_window_not_a_black_square(qtbot):
    grid = ImageGrid(4, 4, 48)
    qtbot.addWidget(grid)
    grid.show()
    qtbot.waitExposed(grid)
    tile = grid.tiles[0]
    window = grid.palette().window().color().lightness()
    assert abs(_mean_grey(tile) - window) < 12, "an empty tile shows the window behind it"
    grid.set_images([np.full((8, 8, 1), 0.5, np.float32)])
    assert abs(_mean_grey(tile) - 128) < 12  # the picture, mid-grey, fills the tile
    assert abs(_mean_grey(grid.tiles[1]) - window) < 12  # the tiles left without a picture stay empty slots
    grid.set_images(None)
    assert abs(_mean_grey(tile) - window) < 12
