"""Saving movies from the app (the Training tab's map formation, the Explorer's interpolation): the file dialog,
then drawing and writing off the GUI thread, with a progress dialog that can cancel."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from vaegui.animation import INTERPOLATION_STEPS as MOVIE_STEPS
from vaegui.animation.movie import VIDEO_INSTALL, movie_format, mp4_available
from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import SelectionModel
from vaegui.errors import VaeguiError
from vaegui.latent.generation import interpolate

SHOW_PROGRESS_AFTER_MS = 400  # a short movie is saved without a dialog flashing up
CANCELLED = "Cancelled: the movie was not saved."


def choose_movie_path(parent: QWidget, title: str, suggested: Path) -> str | None:
    """Ask where to save a movie (GIF, or MP4 when its encoder is installed); the suffix follows the chosen type."""
    mp4 = "MP4 video (*.mp4)" if mp4_available() else f"MP4 video, needs: {VIDEO_INSTALL} (*.mp4)"
    path, chosen = QFileDialog.getSaveFileName(parent, title, str(suggested), f"Animated GIF (*.gif);;{mp4}")
    if not path:
        return None
    return path if Path(path).suffix else path + (".mp4" if chosen.startswith("MP4") else ".gif")


class MovieSaving(QObject):
    """One movie being drawn and written at a time; its progress dialog, and the outcome said in plain words."""

    saved = Signal(str)  # the path written
    failed = Signal(str)  # why not
    cancelled = Signal()  # the person pressed Cancel, or the window closed

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.widget = parent
        self.dialog: QProgressDialog | None = None
        self._cancel = None  # the running movie's cancel token

    def busy(self) -> bool:
        return self._cancel is not None

    def check(self, path: str | Path) -> str | None:
        """Why `path` cannot be saved now (another movie is under way, a wrong suffix, no MP4 encoder), or None."""
        if self.busy():
            return "A movie is being saved already: wait for it, or cancel it."
        try:
            movie_format(path)
        except VaeguiError as error:
            return str(error)
        return None

    def cancel(self) -> None:
        """Cancel the movie under way, if any (the window is closing)."""
        if self._cancel is not None:
            self._cancel.cancel()

    def began(self, cancel, what: str) -> None:
        self._cancel = cancel
        self.dialog = dialog = QProgressDialog(f"Drawing {what}…", "Cancel", 0, 0, self.widget)
        dialog.setWindowTitle("Saving a movie")
        dialog.setWindowModality(Qt.WindowModality.NonModal)  # the app stays usable meanwhile
        dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        dialog.setAutoReset(False)
        dialog.canceled.connect(cancel.cancel)

    def on_progress(self, payload) -> None:
        done, total = payload
        if self.dialog is not None:
            self.dialog.setMaximum(total)
            self.dialog.setValue(done)
            self.dialog.setLabelText(f"Drawing frame {done} of {total}…")

    def on_saved(self, path) -> None:
        if not shiboken6.isValid(self):
            return  # its window closed meanwhile
        self._end()
        self.saved.emit(str(path))

    def on_failed(self, message: str) -> None:
        if not shiboken6.isValid(self):
            return
        if self._cancel is not None and self._cancel.cancelled:
            self.on_cancelled()
            return
        self._end()
        self.failed.emit(message)

    def on_cancelled(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._end()
        self.cancelled.emit()

    def _end(self) -> None:
        self._cancel = None
        dialog, self.dialog = self.dialog, None
        if dialog is not None and shiboken6.isValid(dialog):  # gone with its window when that closed first
            dialog.close()
            dialog.deleteLater()


class FormationExport(MovieSaving):
    """The Training tab's 'Export the map's formation' (menu and button): every epoch's views of the run shown."""

    def __init__(self, tab):
        super().__init__(tab)
        self.tab = tab
        action, button = tab.actions.export_movie, tab.views.movie_button
        action.triggered.connect(self.choose_path)
        button.setToolTip(action.toolTip())
        button.clicked.connect(action.trigger)
        action.changed.connect(lambda: button.setEnabled(action.isEnabled()))
        button.setEnabled(action.isEnabled())
        self.saved.connect(lambda path: tab.progress.say(f"Saved the map's formation to {path}"))
        self.failed.connect(tab.show_error)
        self.cancelled.connect(lambda: tab.progress.say(CANCELLED))

    def choose_path(self) -> None:
        run = self.tab.model.run
        suggested = (run.folder if run is not None else Path()) / "map-formation.gif"
        path = choose_movie_path(self.tab, "Save the latent map's formation as a movie", suggested)
        if path:
            self.export(path)

    def export(self, path: str | Path) -> bool:
        """Draw and write the movie of the run shown (its epochs so far) in a worker; False if refused at once."""
        model = self.tab.model
        problem = self.check(path) or (None if model.run is not None and model.epochs else
                                       "There is no epoch to show yet: train at least one epoch, or open a run.")
        if problem:
            self.tab.show_error(problem)
            return False
        # Plain values only: the run's snapshot and its epochs' views are immutable.
        run, views, target = model.run, dict(model.epochs), Path(path)

        def work(report, cancel) -> Path:
            from vaegui.animation.formation import formation_movie_of_run
            from vaegui.animation.movie import write_movie

            return write_movie(formation_movie_of_run(run, views), target, report, cancel)

        job = self.tab.runner.submit(work, lane=None, on_done=self.on_saved, on_failed=self.on_failed,
                                     on_cancelled=self.on_cancelled, on_progress=self.on_progress)
        self.began(job.token, f"{len(model.epochs)} epochs")  # closing the window cancels it
        return True


class InterpolationExport(MovieSaving):
    """The Explorer's 'Export as GIF' beside the interpolation strip: the line from A to B with more steps."""

    def __init__(self, explorer: ExplorerModel, selection: SelectionModel, panel):
        super().__init__(panel)
        self.explorer, self.selection, self.panel = explorer, selection, panel
        panel.movie_requested.connect(self.choose_path)
        selection.generated_changed.connect(self._update_button)
        self.saved.connect(lambda path: panel.movie_note.setText(f"Saved {path}"))
        self.failed.connect(panel.movie_note.setText)
        self.cancelled.connect(lambda: panel.movie_note.setText(CANCELLED))

    def _update_button(self) -> None:
        self.panel.movie_button.setEnabled(self.selection.interpolation is not None)

    def choose_path(self) -> None:
        loaded = self.explorer.loaded
        folder = getattr(getattr(loaded, "source", None), "folder", None)
        suggested = Path(folder or ".") / "interpolation.gif"
        path = choose_movie_path(self.panel, "Save the interpolation as a movie", suggested)
        if path:
            self.export(path)

    def export(self, path: str | Path, steps: int = MOVIE_STEPS) -> bool:
        """Decode `steps` images from A to B (here: ~ms on the GUI thread's decoder), draw and write them off it."""
        loaded, ends = self.explorer.loaded, self.selection.ends
        problem = self.check(path) or (None if loaded is not None and ends["A"] is not None and ends["B"] is not None
                                       else "Pick ends A and B first: the movie walks the line between them.")
        if problem:
            self.panel.movie_note.setText(problem)
            return False
        images = loaded.viewer.decode_many(interpolate(ends["A"].vector, ends["B"].vector, steps))
        name, target = loaded.name, Path(path)

        def work(report, cancel):
            from vaegui.animation.interpolation import interpolation_movie
            from vaegui.animation.movie import write_movie

            return write_movie(interpolation_movie(images, name), target, report, cancel)

        job = self.explorer.runner.submit(work, lane=None, on_done=self.on_saved, on_failed=self.on_failed,
                                          on_cancelled=self.on_cancelled, on_progress=self.on_progress)
        self.began(job.token, f"{steps} steps from A to B")
        self.panel.movie_note.setText("")
        return True
