"""The Training tab's exports: the curves as PNG/SVG and the loss history as CSV, chosen in a dialog or given a path."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from vaegui.atomic_files import write_text_atomically
from vaegui.errors import VaeguiError
from vaegui.runs.history import EPOCH_COLUMNS, history_csv_text


class TrainingExports:
    """Mixed into TrainingTab: uses its loss plot, Training model, progress line and error message."""

    def choose_curves_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the curves", str(self._export_stem("curves.png")), "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            self.export_curves(path)

    def choose_history_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the loss history", str(self._export_stem("history.csv")), "CSV (*.csv)")
        if path:
            self.export_history_csv(path)

    def export_curves(self, path: str | Path) -> bool:
        try:
            self.loss_plot.export(path)
        except VaeguiError as error:
            self.show_error(str(error))
            return False
        self.progress.say(f"Saved the curves to {path}")
        return True

    def export_history_csv(self, path: str | Path) -> bool:
        rows = self.model.history
        if not rows:
            self.show_error("There is no history to save yet: train at least one epoch, or open a run.")
            return False
        try:
            write_text_atomically(path, history_csv_text(EPOCH_COLUMNS, rows))
        except OSError as error:
            self.show_error(f"Could not save {path} ({error.strerror or error}): choose a folder you can write to.")
            return False
        self.progress.say(f"Saved the history ({len(rows)} epochs) to {path}")
        return True

    def _export_stem(self, name: str) -> Path:
        return Path(self.model.run.folder) / name if self.model.run is not None else Path(name)
