"""The Training tab's files: exports (curves, history) and pointing a run at images that moved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from vaegui.atomic_files import write_text_atomically
from vaegui.errors import VaeguiError
from vaegui.runs.history import EPOCH_COLUMNS, history_csv_text


class TrainingFiles(QObject):
    """Exports and moved images: the dialogs here, the work on the app's JobRunner."""

    def __init__(self, tab):
        super().__init__(tab)
        self.tab = tab
        self._locate: tuple[Path, str] | None = None  # a run whose images moved, to be located after training

    def choose_curves_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.tab, "Save the curves", str(self._export_stem("curves.png")), "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            self.export_curves(path)

    def choose_history_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.tab, "Save the loss history", str(self._export_stem("history.csv")), "CSV (*.csv)")
        if path:
            self.export_history_csv(path)

    def export_curves(self, path: str | Path) -> bool:
        try:
            self.tab.loss_plot.export(path)
        except VaeguiError as error:
            self.tab.show_error(str(error))
            return False
        self.tab.progress.say(f"Saved the curves to {path}")
        return True

    def export_history_csv(self, path: str | Path) -> bool:
        rows = self.tab.model.history
        if not rows:
            self.tab.show_error("There is no history to save yet: train at least one epoch, or open a run.")
            return False
        try:
            write_text_atomically(path, history_csv_text(EPOCH_COLUMNS, rows))
        except OSError as error:
            self.tab.show_error(f"Could not save {path} ({error.strerror or error}): choose a folder you can write to.")
            return False
        self.tab.progress.say(f"Saved the history ({len(rows)} epochs) to {path}")
        return True

    def _export_stem(self, name: str) -> Path:
        return Path(self.tab.model.run.folder) / name if self.tab.model.run is not None else Path(name)

    def dataset_missing(self, folder: Path, problem: str) -> None:
        """The run's images moved: once training has ended, offer to point the run at them, then continue."""
        self._locate = (folder, problem)

    def locate_if_missing(self) -> None:
        if self._locate is not None:
            self._locate_moved_dataset()

    def _locate_moved_dataset(self) -> None:
        from vaegui.gui.explorer.explorer_dialogs import ask_moved_dataset
        from vaegui.runs import Run, relocate_dataset

        folder, problem = self._locate
        self._locate = None
        where = ask_moved_dataset(self.tab, problem)
        if where is None:
            return

        def relocate(path: str) -> Path:
            relocate_dataset(Run.open(folder), path)  # refused, naming each difference, unless it is the same data
            return folder

        self.tab.runner.submit(lambda report, cancel: relocate(where), lane=None, on_done=self._on_relocated,
                               on_failed=self.tab.show_error, on_cancelled=lambda: None)

    def _on_relocated(self, folder: Path) -> None:
        self.tab.hide_error()
        self.tab.progress.say(f"{folder.name} now reads its images from their new place.")
        self.tab.continue_training()

