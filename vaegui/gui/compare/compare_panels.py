"""The Compare tab's panels under the two maps: the picked image as both models see it, prior samples from both, and
a table of both runs' figures; each renders the ComparisonModel."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vaegui.app.comparison import SIDES, ComparisonModel
from vaegui.app.explorer_selection import SAMPLES, PointDetails
from vaegui.gui.common.image_tiles import ImageGrid, ImageTile
from vaegui.gui.common.mode_splitter import SplitByMode
from vaegui.gui.common.wrapped_label import WrappedLabel
from vaegui.palette import HINT_STYLE
from vaegui.runs.library import FIGURES, FIGURES_BY_KEY, RunSummary, format_figure
from vaegui.words import dataset_words

NOTE_STYLE = HINT_STYLE
TILE = 84


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600;")
    return label


def _note(text: str = "") -> QLabel:
    label = WrappedLabel(text)  # as tall as its lines: presenter mode's bigger text squeezed the pictures below
    label.setStyleSheet(NOTE_STYLE)
    return label


class PickedPanel(QWidget):
    """The image or place picked on either map: the original, and what each model makes of it."""

    HINT = ("Click a point on either map: the same image is marked on both, with both reconstructions. Click empty "
            "space to decode that place in both.")

    def __init__(self, comparison: ComparisonModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.comparison = comparison
        self.title = _note(self.HINT)
        self.original = ImageTile("original", TILE)
        self.decoded = {side: ImageTile("", TILE) for side in SIDES}
        self.link_note = _note()
        # Shown once something is picked: before, the hint above says what to do (three empty tiles read as three
        # black pictures).
        self.tiles = QWidget()
        tiles = QGridLayout(self.tiles)
        tiles.setContentsMargins(0, 0, 0, 0)
        tiles.addWidget(self.original, 0, 0)
        tiles.addWidget(self.decoded["a"], 0, 1)
        tiles.addWidget(self.decoded["b"], 0, 2)
        tiles.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_heading("The picked image, as each model sees it"))
        layout.addWidget(self.title)
        layout.addWidget(self.tiles)
        self.tiles.hide()
        layout.addWidget(self.link_note)
        layout.addStretch(1)
        for selection in comparison.selections.values():
            selection.changed.connect(self.render)
        comparison.link_changed.connect(self.render)
        comparison.source_changed.connect(self.render)

    def render(self) -> None:
        comparison = self.comparison
        selected = {side: comparison.selections[side].selected for side in SIDES}
        point = next((s for s in selected.values() if isinstance(s, PointDetails)), None)
        place = point is None and any(s is not None for s in selected.values())
        self.tiles.setVisible(any(s is not None for s in selected.values()))
        self.original.set_image(None if point is None else point.original,
                                "no original:\na place" if place else "original\n")
        for side in SIDES:
            picked, name = selected[side], comparison.side_name(side)
            what = ("—" if picked is None else "reconstruction" if isinstance(picked, PointDetails) else
                    "decoded there")
            self.decoded[side].set_image(None if picked is None else
                                         picked.reconstruction if isinstance(picked, PointDetails) else picked.image,
                                         f"{name}\n{what}")
            self.decoded[side].setToolTip("" if picked is None else picked.how)
        self.title.setText(comparison.describe_pick() or self.HINT)
        self.link_note.setText(comparison.link_note)


class PriorPanel(QWidget):
    """16 random latent vectors from the prior N(0, I), decoded by both models (the same vectors when they fit both)."""

    def __init__(self, comparison: ComparisonModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.comparison = comparison
        self.button = QPushButton(f"Decode {SAMPLES} random points in both")
        self.button.setToolTip("Draw random points from the standard normal cloud N(0, I) (prior samples) and decode "
                               "them with both models. A plain autoencoder, or a VAE with a tiny KL weight, leaves "
                               "holes in its latent space: many of these come out as mush.")
        self.button.clicked.connect(comparison.sample_prior)
        self.grids = {side: ImageGrid(SAMPLES, 8, 30) for side in SIDES}
        self.names = {side: _note() for side in SIDES}
        self.note = _note()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_heading("Random points, decoded by both (prior samples)"))
        layout.addWidget(self.button)
        for side in SIDES:
            layout.addWidget(self.names[side])
            layout.addWidget(self.grids[side], 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.note)
        layout.addStretch(1)
        for selection in comparison.selections.values():
            selection.generated_changed.connect(self.render)
        comparison.source_changed.connect(self.render)
        self.render()

    def render(self) -> None:
        comparison = self.comparison
        ready = comparison.loaded is not None
        self.button.setEnabled(ready)
        for side in SIDES:
            prior = comparison.selections[side].prior
            self.grids[side].set_images(None if prior is None else prior[1])
            self.names[side].setText(comparison.side_name(side))
        priors = [comparison.selections[side].prior for side in SIDES]
        if any(p is None for p in priors):
            self.note.setText("")
        elif priors[0][0].shape == priors[1][0].shape:
            self.note.setText("The same random points, decoded by each model.")
        else:
            self.note.setText("The latent spaces differ in size: each model decodes its own random points.")


def table_figure(key: str, value: float | None) -> str:
    """A figure for the comparison's narrow table: as format_figure, losses to three significant digits."""
    text = format_figure(key, value)
    kind = FIGURES_BY_KEY[key].kind if key in FIGURES_BY_KEY else "loss"
    if kind in ("count", "share") or text == "—":
        return text
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


class QualityTable(QTableWidget):
    """Both runs' settings and last-epoch figures, one row each, in plain words (the technical name in brackets)."""

    SETTINGS = (("dataset", "Dataset"), ("z_dim", "Latent size (z_dim)"), ("beta", "How tidy the map must be (KL "
                "weight β)"), ("epochs", "Epochs trained"))

    def __init__(self, comparison: ComparisonModel, parent: QWidget | None = None):
        super().__init__(len(self.SETTINGS) + len(FIGURES), 2, parent)
        self.comparison = comparison
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(False)
        labels = [label for _, label in self.SETTINGS] + [figure.label for figure in FIGURES]
        self.setVerticalHeaderLabels(labels)
        for row, figure in enumerate(FIGURES, start=len(self.SETTINGS)):
            self.verticalHeaderItem(row).setToolTip(figure.tip)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # The two columns share the width left by the labels: never a sideways scroll bar for a pixel's rounding.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        comparison.source_changed.connect(self.render)
        self.render()
        self.setProperty("showsEveryRow", True)  # the real-screen tests check it needs no scrolling
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Tall enough for every row: the figures are read together, not scrolled through."""
        self.verticalHeader().resizeSections(QHeaderView.ResizeMode.ResizeToContents)
        self.setMinimumHeight(self.verticalHeader().length() + self.horizontalHeader().sizeHint().height()
                              + 2 * self.frameWidth())

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # presenter mode's bigger rows
            QTimer.singleShot(0, self, self._fit_rows)

    def render(self) -> None:
        for column, side in enumerate(SIDES):
            summary = self.comparison.summaries[side]
            for row, (text, whole) in enumerate(self._column(summary)):
                item = QTableWidgetItem(text)
                item.setToolTip(whole)  # a cell too narrow for its text shows it elided: the tooltip holds it all
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
            # "Left" and "Right", as the maps' titles begin: a run's whole name was cut in a column this narrow.
            heading = QTableWidgetItem("Left" if side == "a" else "Right")
            heading.setToolTip(self.comparison.side_name(side))
            self.setHorizontalHeaderItem(column, heading)
        # One dataset for both (the usual pair) is said once across both columns: "Small d…" twice, cut in
        # columns ~60 pixels wide at 1280×800, said nothing. Its whole name stays in the tooltip.
        a, b = (self.comparison.summaries[side] for side in SIDES)
        shared = a is not None and b is not None and a.dataset == b.dataset
        self.clearSpans()
        if shared:
            self.setSpan(0, 0, 1, 2)
            self.item(0, 0).setTextAlignment(Qt.AlignmentFlag.AlignCenter)

    def _column(self, summary: RunSummary | None) -> list[tuple[str, str]]:
        """(shown, whole) for each row: the dataset by its short name, the figures to three significant digits
        (four, and 'fashion_mnist', were cut in a column 60 pixels wide at 1280×800)."""
        if summary is None:
            return [("", "")] * self.rowCount()
        dataset = summary.dataset or "—"
        settings = [(dataset_words(dataset, short=True), dataset_words(dataset))] + [
            (text, text) for text in (str(summary.z_dim), f"{summary.kl_weight:g}", str(summary.epochs_completed))]
        return settings + [(table_figure(figure.key, summary.figure(figure.key)),
                            format_figure(figure.key, summary.figure(figure.key))) for figure in FIGURES]

    def cell(self, label: str, side: str) -> str:
        """The text shown for the row labelled `label`, in `side`'s column."""
        row = next(r for r in range(self.rowCount()) if self.verticalHeaderItem(r).text() == label)
        column = 0 if self.columnSpan(row, 0) == 2 else SIDES.index(side)  # said once for both
        return self.item(row, column).text()


# The least share of the page's height the maps (with their titles) keep, in normal and in presenter mode; the panels
# under them get what they need of the rest, and scroll beyond it.
MAPS_SHARE = {False: 0.5, True: 0.7}


class PanelsUnderTheMaps(QScrollArea):
    """The panels under the maps: as tall as they need, up to what the maps leave them; beyond that they scroll."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        needed = self.widget().minimumSizeHint().height() if self.widget() is not None else hint.height()
        page = self.parentWidget()
        share = 1 - MAPS_SHARE[bool(self.window().property("presenting"))]
        room = int(share * page.height()) if page is not None and page.height() > 0 else needed
        hint.setHeight(max(hint.height(), min(needed, room)))
        return hint

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        asked = self.minimumSizeHint().height()
        if asked != getattr(self, "_asked", None):  # the page's height changed what it may ask for
            self._asked = asked
            self.updateGeometry()


class MapsOverPanels(SplitByMode):
    """The maps over the panels under them, split for the mode the window is in now: in presenter mode the maps take
    most of the height (MAPS_SHARE), a room sees them, not the panels."""

    def split(self) -> None:
        if self.count() != 2 or self.height() <= 0:
            return
        room = self.height() - self.handleWidth()
        panels = self.widget(1).minimumSizeHint().height()  # what they need, up to what the maps leave them
        maps = max(self.widget(0).minimumSizeHint().height(), room - panels)
        self.setSizes([maps, room - maps])
