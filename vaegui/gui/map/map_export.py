"""A latent map written to a file: PNG (twice the screen size, by pyqtgraph's ImageExporter) or SVG (by Qt's SVG
generator), with a title saying what it shows and a legend large enough to read."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import pyqtgraph as pg

from vaegui.compat import write_svg
from vaegui.gui.map.map_overlays import set_legend_text_size
from vaegui.gui.map.point_raster import DIMMED, NORMAL, dimmed_colour

EXPORT_LEGEND_PT = 12  # the legend's and key's text in an exported picture
EXPORT_TITLE_SIZE = "13pt"
LIGHT_TEXT = "#dddddd"


def export_map_image(latent_map, path: str, title: str = "") -> None:
    """PNG (twice the screen size, by pyqtgraph's ImageExporter) or SVG (by Qt's SVG generator), with `title`
    above the map and the legend and key in EXPORT_LEGEND_SIZE text."""
    with _points_as_scatter(latent_map) as scatter, _dressed_for_a_file(latent_map, title):
        if path.lower().endswith(".svg"):
            _export_svg(latent_map, path, scatter)
        else:
            from pyqtgraph.exporters import ImageExporter

            exporter = ImageExporter(latent_map.plot_item)
            exporter.parameters()["width"] = max(800, int(latent_map.plot_item.width() * 2))
            exporter.export(path)

@contextmanager
def _dressed_for_a_file(latent_map, title: str):
    """A picture shown on its own needs to say what it is, and its key's 9 pt text was tiny in it: a title and
    a bigger legend while exporting, the map on screen as it was afterwards."""
    legends = [(legend, legend.opts.get("labelTextSize") or "9pt") for legend in (latent_map.legend, latent_map.key)]
    for legend, size in legends:
        set_legend_text_size(legend, f"{max(EXPORT_LEGEND_PT, float(size[:-2])):g}pt")
    if title:
        latent_map.plot_item.setTitle(title, size=EXPORT_TITLE_SIZE, color=LIGHT_TEXT)
    try:
        yield
    finally:
        if title:
            latent_map.plot_item.setTitle(None)
        for legend, size in legends:
            set_legend_text_size(legend, size)

@contextmanager
def _points_as_scatter(latent_map):
    """The points as a scatter item while exporting: the screen image would be scaled up, not redrawn."""
    colours = latent_map.colours
    brushes = np.empty(2 * len(colours), dtype=object)  # one shared brush per category, then dimmed
    brushes[:] = [pg.mkBrush(c) for c in colours] + [pg.mkBrush(dimmed_colour(c)) for c in colours]
    emphasis = latent_map.points.emphasis  # as on screen: dimmed points below the others, hidden ones left out
    rows = np.arange(len(latent_map.coords)) if emphasis is None else np.concatenate(
        [np.flatnonzero(emphasis == DIMMED), np.flatnonzero(emphasis == NORMAL)])
    shade = 0 if emphasis is None else (emphasis[rows] == DIMMED) * len(colours)
    scatter = pg.ScatterPlotItem(pxMode=True, pen=None, size=latent_map.points.size_px, antialias=False)
    scatter.setData(x=latent_map.coords[rows, 0], y=latent_map.coords[rows, 1],
                    brush=brushes[latent_map.categories[rows] + shade], symbol=latent_map.point_symbols()[rows])
    latent_map.points.hide()
    latent_map.plot_item.addItem(scatter, ignoreBounds=True)
    try:
        yield scatter
    finally:
        latent_map.plot_item.removeItem(scatter)
        latent_map.points.show()


def _export_svg(latent_map, path: str, scatter: pg.ScatterPlotItem) -> None:
    # Through Qt's SVG generator: pyqtgraph's SVGExporter fails on these plots (see vaegui.compat.write_svg).
    # Export mode makes the scatter draw each point as a vector symbol, not a cached pixmap.
    view = latent_map.plot_widget
    size = view.viewport().size()
    latent_map.thumbnail.hide()
    scatter.setExportMode(True, {"antialias": False})
    try:
        write_svg(path, size.width(), size.height(), "vaegui latent map", view.render)
    finally:
        scatter.setExportMode(False)
