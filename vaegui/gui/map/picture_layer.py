"""The person's own pictures on a LatentMap: stars of their own in the key, the picture on hover, chosen by a click;
picture files dropped onto the map are handed to the YourPictures model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject

from vaegui.app.your_pictures import YourPictures
from vaegui.data.image_folder import IMAGE_EXTENSIONS
from vaegui.gui.map.latent_map import PICK_RADIUS_PX, LatentMap

STAR_SIZE_PX = 22
STAR_COLOUR, STAR_EDGE = "#ffd54f", "#111111"
NAME_COLOUR, NAME_BACKGROUND = "#ffe082", (17, 17, 17, 190)


def dropped_files(mime) -> list[Path]:
    """The local picture files a drag carries (folders and other kinds of file are left out)."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [path for path in paths if path.suffix.lower() in IMAGE_EXTENSIONS or path.suffix.lower() == ""]


class _DropTarget(QObject):
    """Takes drags of picture files on the map's viewport (the graphics scene would ignore them)."""

    def __init__(self, viewport, on_drop: Callable[[list[Path]], None]):
        super().__init__(viewport)
        self.on_drop = on_drop
        viewport.setAcceptDrops(True)
        viewport.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if dropped_files(event.mimeData()):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            paths = dropped_files(event.mimeData())
            if paths:
                event.acceptProposedAction()
                self.on_drop(paths)
                return True
        return False


class PictureLayer:
    """Draws `pictures` on `latent_map` where they were placed (through `to_screen`, for a turned 3-D map)."""

    def __init__(self, latent_map: LatentMap, pictures: YourPictures):
        self.map, self.pictures = latent_map, pictures
        self.item = pg.ScatterPlotItem(pxMode=True, size=STAR_SIZE_PX, symbol="star", brush=pg.mkBrush(STAR_COLOUR),
                                       pen=pg.mkPen(STAR_EDGE, width=2))
        self.item.setZValue(12)  # above the points and the selection ring
        latent_map.plot_item.addItem(self.item)
        self.item.sigClicked.connect(self._on_clicked)
        self.key_sample = pg.ScatterPlotItem(pxMode=True, size=13, symbol="star", brush=pg.mkBrush(STAR_COLOUR),
                                             pen=pg.mkPen(STAR_EDGE, width=1.2))
        latent_map.extra_marks.append(lambda: [(self.key_sample, "key_your_pictures")] if self.shown() else [])
        latent_map.plot_widget.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.drop_target = _DropTarget(latent_map.plot_widget.viewport(), pictures.add)
        self.to_screen: Callable[[np.ndarray], np.ndarray] = lambda coords: coords[:, :2]
        self.positions = np.zeros((0, 2), np.float32)
        self.names: list[pg.TextItem] = []  # each star's file name beside it
        pictures.changed.connect(self.draw)

    def shown(self) -> int:
        return len(self.positions)

    def draw(self) -> None:
        coords, codes = self.pictures.coords, self.pictures.codes
        self.positions = np.zeros((0, 2), np.float32) if coords is None else self.to_screen(coords)
        self.item.setData(pos=self.positions, data=np.arange(len(self.positions)))
        while len(self.names) > len(self.positions):
            self.map.plot_item.removeItem(self.names.pop())
        while len(self.names) < len(self.positions):
            name = pg.TextItem(color=NAME_COLOUR, fill=pg.mkBrush(*NAME_BACKGROUND), anchor=(-0.12, 1.1))
            name.setZValue(12)
            self.map.plot_item.addItem(name, ignoreBounds=True)
            self.names.append(name)
        for name, (x, y), picture in zip(self.names, self.positions, [] if codes is None else codes.pictures):
            name.setText(picture.path.stem)
            name.setPos(float(x), float(y))
        self.map.refresh_key()

    def _on_clicked(self, _item, points, _event) -> None:
        if len(points):
            self.pictures.select(int(points[0].data()))

    def pick(self, x: float, y: float) -> int | None:
        """The picture whose star is under (x, y), within the map's pick radius on screen."""
        if not len(self.positions):
            return None
        width, height = self.map.view_box.viewPixelSize()
        distance = np.hypot((self.positions[:, 0] - x) / width, (self.positions[:, 1] - y) / height)
        nearest = int(np.argmin(distance))
        return nearest if distance[nearest] <= max(PICK_RADIUS_PX, STAR_SIZE_PX / 2) else None

    def _on_mouse_moved(self, scene_pos) -> None:
        # After the map's own hover (connected first): over a star, its picture replaces any point's.
        if not self.map.view_box.sceneBoundingRect().contains(scene_pos):
            return
        point = self.map.view_box.mapSceneToView(scene_pos)
        index = self.pick(point.x(), point.y())
        codes = self.pictures.codes
        if index is None or codes is None or index >= len(codes.pictures):
            return
        picture = codes.pictures[index]
        self.map.show_thumbnail(picture.image, f"your picture · {picture.name}", scene_pos)
