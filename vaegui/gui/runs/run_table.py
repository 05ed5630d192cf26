"""The run library's table: one row per run folder summed up (RunSummary), the name editable, every column sortable."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor

from vaegui.errors import VaeguiError
from vaegui.palette import HINT_TEXT
from vaegui.runs.library import FIGURES_BY_KEY, RunSummary, format_figure, rename_run
from vaegui.words import dataset_words

SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # each cell's raw value, so numbers and dates sort as such
_MISSING = -math.inf  # runs without a figure sort before every run that has one


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    tip: str


def _figure_tip(key: str) -> str:
    figure = FIGURES_BY_KEY[key]
    return f"{figure.label}: {figure.tip}"


COLUMNS = (
    Column("name", "Name", "The run's name: double-click or press F2 (or Rename) to change it. The folder keeps "
                           "its own name."),
    Column("folder", "Folder", "The run folder's own name."),
    # Plain, short titles (the table fits a 1280-pixel screen); the technical names are in the tooltips.
    Column("dataset", "Pictures", "The pictures it was trained on (the dataset)."),
    Column("z_dim", "Numbers", "How many numbers each picture is squeezed into: its place on the map (latent size, "
                               "z_dim)."),
    Column("beta", "Tidiness β", "How tidy the map must be (the KL weight β): 0 is a plain autoencoder, 1 a "
                                 "standard VAE."),
    Column("epochs", "Passes", "Passes through the pictures (epochs) completed, of those planned."),
    Column("loss", "Loss", _figure_tip("loss")),
    Column("val_loss", "Test loss", _figure_tip("val_loss")),
    Column("active_units", "In use", _figure_tip("active_units")),
    Column("knn_accuracy", "Neighbours", _figure_tip("knn_accuracy")),
    Column("date", "Last trained", "When its last epoch was saved."),
)
COLUMN = {column.key: number for number, column in enumerate(COLUMNS)}


def date_text(timestamp: float | None) -> str:
    return "—" if timestamp is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def cell_text(summary: RunSummary, key: str) -> str:
    if key == "name":
        return summary.name
    if key == "folder":
        return summary.folder_name
    if key == "date":
        return date_text(summary.trained_at)
    if summary.problem:
        return "can't open" if key == "dataset" else ""
    if key == "dataset":  # by the name the Training tab's form gives it ("Small digits")
        return dataset_words(summary.dataset, short=True) if summary.dataset else ""
    if key == "z_dim":
        return str(summary.z_dim)
    if key == "beta":
        return f"{summary.kl_weight:g}"
    if key == "epochs":
        planned = summary.epochs_planned
        return f"{summary.epochs_completed}" + (f" of {planned}" if planned and planned != summary.epochs_completed
                                                else "")
    return format_figure(key, summary.figure(key))


def sort_value(summary: RunSummary, key: str):
    if key in ("name", "folder", "dataset"):
        return cell_text(summary, key).casefold()
    if key == "date":
        return summary.trained_at if summary.trained_at is not None else _MISSING
    raw = {"z_dim": summary.z_dim, "beta": summary.kl_weight, "epochs": summary.epochs_completed}.get(
        key, summary.figure(key))
    return float(raw) if raw is not None else _MISSING


class RunTableModel(QAbstractTableModel):
    """The summaries as rows; renaming writes the run's name file (a few hundred bytes) and shows it at once."""

    rename_failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summaries: list[RunSummary] = []

    def add_summaries(self, summaries: list[RunSummary]) -> None:
        if not summaries:
            return
        first = len(self.summaries)
        self.beginInsertRows(QModelIndex(), first, first + len(summaries) - 1)
        self.summaries.extend(summaries)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.summaries = []
        self.endResetModel()

    def rowCount(self, parent=None) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent is not None and parent.isValid() else len(self.summaries)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section].tip
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        summary, key = self.summaries[index.row()], COLUMNS[index.column()].key
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return cell_text(summary, key)
        if role == SORT_ROLE:
            return sort_value(summary, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{summary.folder}\n{summary.problem}" if summary.problem else str(summary.folder)
        if role == Qt.ItemDataRole.ForegroundRole and summary.problem:
            return QColor(HINT_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole and key not in ("name", "folder", "dataset", "date"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index):
        flags = super().flags(index)
        if index.isValid() and COLUMNS[index.column()].key == "name":
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or COLUMNS[index.column()].key != "name":
            return False
        summary = self.summaries[index.row()]
        if str(value).strip() == summary.name:
            return False
        try:
            own_name = rename_run(summary.folder, str(value))
        except VaeguiError as error:
            self.rename_failed.emit(str(error))
            return False
        self.summaries[index.row()] = replace(summary, own_name=own_name)
        self.dataChanged.emit(index, index)
        return True


class RunSortProxy(QSortFilterProxyModel):
    """Sorts by each cell's raw value (SORT_ROLE): numbers as numbers, dates as times."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def lessThan(self, left, right) -> bool:  # noqa: N802
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if type(a) is not type(b):
            return str(a) < str(b)
        return a < b
