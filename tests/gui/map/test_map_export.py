"""The exported map stands on its own: a title saying what it shows, and a legend large enough to read in the file."""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtGui import QImage

from tests.gui.explorer.explorer_tab_helpers import open_tab, run_z2  # noqa: F401 (fixtures)


def _text_sizes(svg: str, text: str) -> list[float]:
    """The font sizes (pt) of the SVG text elements that hold `text`."""
    return [float(size) for size in re.findall(rf'<text [^>]*font-size="([\d.]+)"[^>]*>\s*{re.escape(text)}</text>',
                                                 svg, re.S)]


def test_the_exported_map_has_a_title_and_a_legend_to_read(open_tab, run_z2, tmp_path):  # noqa: F811
    tab = open_tab(run_z2)
    title = tab.map_export_title()
    assert run_z2.folder.name in title and "epoch 2" in title and "points" in title
    tab.export_map(tmp_path / "map.svg")
    svg = (tmp_path / "map.svg").read_text()
    assert title.split(" · ")[0] in svg  # the title is drawn in the file (the name of the run first)
    legend = _text_sizes(svg, tab.explorer.loaded.class_names[3])
    # pyqtgraph's key was 9 pt, tiny in a picture shown on its own (the axes may read "3" too: the largest)
    assert legend and max(legend) >= 11, legend
    # On screen, afterwards, the map is as it was: no title, the legend at its own size.
    assert not tab.map.plot_item.titleLabel.isVisible()
    assert {label.opts["size"] for _, label in tab.map.legend.items} == {"9pt"}

    tab.export_map(tmp_path / "map.png")
    image = QImage(str(tmp_path / "map.png"))
    # The title's row: light text on the map's dark background across the top of the picture.
    top = np.array([[QImage.pixel(image, x, y) & 0xFF for x in range(0, image.width(), 2)] for y in range(0, 40)])
    assert (top > 150).sum() > 50
