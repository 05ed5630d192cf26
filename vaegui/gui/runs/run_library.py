"""The Runs dialog, where runs are picked: every run folder under the runs folder and those opened elsewhere, read in
a worker; rename, sort, open one, compare two, or browse for any other folder."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vaegui.gui.explorer.explorer_dialogs import ask_run_folder
from vaegui.gui.runs.run_table import COLUMN, COLUMNS, RunSortProxy, RunTableModel
from vaegui.palette import HINT_TEXT
from vaegui.runs.library import RunSummary, library_folders, read_run_summary, remember

REMEMBERED_KEY = "library/remembered"
REPORT_INTERVAL_S = 0.1  # summaries reach the table in batches, at most ten times a second
PURPOSES = {  # what the dialog was opened for: the main button's text and tooltip
    "open": ("Open", "Reopen the selected run: its settings, curves and pictures of every epoch"),
    "overlay": ("Overlay its curves", "Draw the selected run's curves in grey over the current ones"),
    "explore": ("Explore", "Show the selected run's latent space in the Explorer"),
    "compare": (None, ""),
}


def _settings() -> QSettings:
    return QSettings("vaegui", "vaegui")


def remembered_runs() -> list[str]:
    """Run folders opened from anywhere, newest first (kept in the app's settings)."""
    value = _settings().value(REMEMBERED_KEY, [])
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def remember_run(folder: str | Path) -> None:
    """Keep a run folder opened from anywhere in the library's list."""
    _settings().setValue(REMEMBERED_KEY, remember(remembered_runs(), folder))


def read_summaries(folders: list[Path], report, cancel) -> int:
    """Read each folder's summary (a worker's job), reporting them in batches; returns how many were read."""
    batch, last = [], time.monotonic()
    for folder in folders:
        cancel.raise_if_cancelled()
        batch.append(read_run_summary(folder))
        if time.monotonic() - last >= REPORT_INTERVAL_S:
            report(batch)
            batch, last = [], time.monotonic()
    if batch:
        report(batch)
    return len(folders)


class RunLibraryDialog(QDialog):
    """Lists the runs; `on_open(folder)` gets the run chosen (or browsed to), `on_compare(a, b)` two summaries."""

    def __init__(self, parent: QWidget | None, runs_root: str | Path, purpose: str,
                 on_open: Callable[[Path], None] | None, on_compare: Callable[[RunSummary, RunSummary], None] | None):
        super().__init__(parent)
        self.setWindowTitle("Runs")
        self.runs_root, self.purpose = Path(runs_root), purpose
        self.on_open, self.on_compare = on_open, on_compare
        # superqt's workers (and the qtpy layer under them) are imported when the dialog first opens, not with
        # the window: the window imports this module for remember_run.
        from vaegui.gui.common.job_runner import QtJobRunner

        self.runner = QtJobRunner(self)
        self._job = None
        self.table = RunTableModel(self)
        self.table.rename_failed.connect(self._say)
        self.proxy = RunSortProxy(self)
        self.proxy.setSourceModel(self.table)
        self._build()
        self.refresh()

    def _build(self) -> None:
        intro = QLabel(f"Every run in <b>{self.runs_root}</b> and those opened from elsewhere. Click a column's title "
                       "to sort; select two runs (Ctrl-click) to compare them.")
        intro.setWordWrap(True)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(COLUMN["date"], Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.SelectedClicked)
        # F2 renames the selected run whichever of its cells was clicked (Qt's own F2 edits only the cell clicked).
        QShortcut(QKeySequence(Qt.Key.Key_F2), self.view, self._rename_selected)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        # Every column as wide as its widest cell: nothing is cut off (the dialog widens to fit, see _fit_width).
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.view.doubleClicked.connect(lambda _index: self._open_selected())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.status = QLabel("")
        self.status.setStyleSheet(f"color: {HINT_TEXT};")
        self.status.setWordWrap(True)

        self.browse_button = QPushButton("Browse…")
        self.browse_button.setToolTip("Pick any folder with the system's folder picker")
        self.browse_button.clicked.connect(self._browse)
        self.rename_button = QPushButton("Rename")
        self.rename_button.setToolTip("Give the selected run a name of its own (F2); the folder keeps its name")
        self.rename_button.clicked.connect(self._rename_selected)
        self.compare_button = QPushButton("Compare the two selected")
        self.compare_button.setToolTip("Show the two selected runs side by side: their latent maps, linked, and "
                                       "their figures")
        self.compare_button.clicked.connect(self._compare_selected)
        self.compare_button.setVisible(self.on_compare is not None)
        text, tip = PURPOSES[self.purpose]
        self.open_button = QPushButton(text or "")
        self.open_button.setToolTip(tip)
        self.open_button.setVisible(text is not None and self.on_open is not None)
        self.open_button.clicked.connect(self._open_selected)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        (self.compare_button if self.purpose == "compare" else self.open_button).setDefault(True)
        buttons = QHBoxLayout()
        for widget in (self.browse_button, self.rename_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (self.compare_button, self.open_button, close):
            buttons.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(1200, 520)  # every column of a few runs, inside a 1280-pixel screen
        self._update_buttons()

    # ---- the list -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """List the folders (a directory scan) and read their summaries in a worker: the rows fill in."""
        if self._job is not None:
            self._job.cancel()
        self.table.clear()
        root, remembered = self.runs_root, remembered_runs()
        self._say("Looking for runs…")

        def work(report, cancel):
            folders = library_folders(root, remembered)
            report(("count", len(folders)))
            return read_summaries(folders, lambda batch: report(("rows", batch)), cancel)

        self._job = self.runner.submit(work, lane=None, on_done=self._listed, on_failed=self._say,
                                       on_cancelled=lambda: None, on_progress=self._on_rows)

    def _on_rows(self, payload) -> None:
        kind, value = payload
        if kind == "count":
            self._say(f"Reading {value} run folder{'s' if value != 1 else ''}…" if value else "")
            return
        self.table.add_summaries(value)
        self.view.resizeColumnsToContents()  # now, not at the next layout: the dialog's width is measured on them
        self._fit_width()

    def _fit_width(self) -> None:
        """Widen the dialog to show every column whole, up to the screen's width (beyond it, the table scrolls)."""
        view = self.view
        needed = (sum(view.columnWidth(c) for c in range(len(COLUMNS))) + 2 * view.frameWidth()
                  + view.verticalScrollBar().sizeHint().width())
        extra = needed - view.viewport().width()
        if extra > 0:
            screen = self.screen().availableGeometry().width() if self.screen() is not None else self.width() + extra
            self.resize(min(self.width() + extra, screen - 40), self.height())

    def _listed(self, count: int) -> None:
        self._job = None
        if count == 0:
            self._say(f"No runs yet in {self.runs_root}: train one in the Training tab, or Browse… for a run folder.")
        else:
            self._say(f"{count} run{'s' if count != 1 else ''}. Double-click one to "
                      f"{'compare' if self.purpose == 'compare' else 'open'} it.")
        self._update_buttons()

    def is_loading(self) -> bool:
        return self._job is not None

    def selected_summaries(self) -> list[RunSummary]:
        rows = sorted({self.proxy.mapToSource(index).row() for index in self.view.selectionModel().selectedRows()})
        return [self.table.summaries[row] for row in rows]

    def select_folders(self, *folders: Path) -> None:
        """Select the rows of these run folders (what a person does with Ctrl-click)."""
        selection = self.view.selectionModel()
        selection.clearSelection()
        for row, summary in enumerate(self.table.summaries):
            if summary.folder in folders:
                index = self.proxy.mapFromSource(self.table.index(row, 0))
                selection.select(index, QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)

    def _update_buttons(self, *_args) -> None:
        chosen = self.selected_summaries()
        self.open_button.setEnabled(len(chosen) == 1 and not chosen[0].problem)
        self.rename_button.setEnabled(len(chosen) == 1 and not chosen[0].problem)
        self.compare_button.setEnabled(len(chosen) == 2 and not any(s.problem for s in chosen))
        if len(chosen) == 1 and chosen[0].problem:
            self._say(f"{chosen[0].name} cannot be opened: {chosen[0].problem}")

    # ---- actions ------------------------------------------------------------------------------

    def _open_selected(self) -> None:
        chosen = self.selected_summaries()
        if self.purpose == "compare" or self.on_open is None:
            self._compare_selected()
            return
        if len(chosen) == 1 and not chosen[0].problem:
            self._open(chosen[0].folder)

    def _open(self, folder: Path) -> None:
        remember_run(folder)
        self.accept()
        self.on_open(folder)

    def _compare_selected(self) -> None:
        chosen = self.selected_summaries()
        if len(chosen) != 2 or self.on_compare is None:
            self._say("Select two runs to compare (click one, then Ctrl-click the other).")
            return
        for summary in chosen:
            remember_run(summary.folder)
        self.accept()
        self.on_compare(*chosen)

    def _rename_selected(self) -> None:
        indexes = self.view.selectionModel().selectedRows(COLUMN["name"])
        if len(indexes) == 1:
            self.view.setCurrentIndex(indexes[0])
            self.view.edit(indexes[0])

    def _browse(self) -> None:
        folder = ask_run_folder(self, self.runs_root)
        if folder is None:
            return
        if self.on_open is not None and self.purpose != "compare":
            self._open(folder)
            return
        remember_run(folder)  # compare: the folder joins the list, to be picked with another
        self.refresh()

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def done(self, result: int) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        super().done(result)

    def columns_fit(self) -> bool:
        """Whether every column is wide enough for its widest cell and title (nothing cut off)."""
        header = self.view.horizontalHeader()
        return all(self.view.columnWidth(c) >= max(self.view.sizeHintForColumn(c), header.sectionSizeHint(c))
                   for c in range(len(COLUMNS)))


def show_run_library(parent: QWidget, runs_root: str | Path, purpose: str,
                     on_open: Callable[[Path], None] | None,
                     on_compare: Callable[[RunSummary, RunSummary], None] | None) -> RunLibraryDialog:
    """Open the Runs dialog over `parent` (window-modal, returns at once); the callbacks get the person's choice."""
    dialog = RunLibraryDialog(parent, runs_root, purpose, on_open, on_compare)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    parent.run_library = dialog  # kept for scripts and tests: the dialog shown last
    dialog.open()
    return dialog
