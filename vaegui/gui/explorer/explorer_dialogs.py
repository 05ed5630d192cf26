"""The Explorer's file dialogs: a run folder, a Keras encoder/decoder pair with its images, and exports."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from vaegui.data import dataset_names, offline_dataset_names

DATA_FILE_CHOICE = "A file: .npz, or IDX images…"
FOLDER_CHOICE = "A folder of images or IDX files…"


def ask_trust(parent: QWidget, question: str) -> bool:
    """Whether the person trusts a file that holds code: Keras runs that code when it opens the file. No is the
    default (Enter, Escape): a file of unknown origin is opened only by a deliberate Yes."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Open a file that holds code?", question + "\n\nOpen it anyway?",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setEscapeButton(QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def ask_run_folder(parent: QWidget, start: str | Path = "runs") -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, "Open a vaegui run folder", str(Path(start).absolute()))
    return Path(folder) if folder else None


def ask_keras_pair(parent: QWidget) -> tuple[Path, Path, str] | None:
    """(encoder, decoder, dataset) chosen by the person, or None when they cancel."""
    encoder, _ = QFileDialog.getOpenFileName(parent, "Encoder (returns z_mean, z_log_var, z)", "",
                                             "Keras models (*.keras *.h5)")
    if not encoder:
        return None
    decoder, _ = QFileDialog.getOpenFileName(parent, "Decoder (z → image)", str(Path(encoder).parent),
                                             "Keras models (*.keras *.h5)")
    if not decoder:
        return None
    dataset = ask_dataset(parent, "Explore the model on which images?")
    return None if dataset is None else (Path(encoder), Path(decoder), dataset)


def ask_dataset(parent: QWidget, question: str) -> str | None:
    """A dataset name or path: those available offline first (the default), then the others, a file or a folder."""
    offline = offline_dataset_names()
    others = [name for name in dataset_names() if name not in offline]
    choices = [*offline, *(f"{name} (downloads)" for name in others), DATA_FILE_CHOICE, FOLDER_CHOICE]
    choice, ok = QInputDialog.getItem(parent, "Dataset", question, choices, 0, False)
    if not ok:
        return None
    if choice == DATA_FILE_CHOICE:
        path, _ = QFileDialog.getOpenFileName(parent, "An .npz file, or an IDX images file", "",
                                              "Datasets (*.npz *-ubyte *-ubyte.gz);;All files (*)")
        if path and not path.lower().endswith(".npz"):
            path = str(Path(path).parent)  # IDX files come in a folder with their labels
        return path or None
    if choice == FOLDER_CHOICE:
        return QFileDialog.getExistingDirectory(parent, "A folder of images (one sub-folder per class), or IDX files") \
            or None
    return choice.removesuffix(" (downloads)")


def ask_export_path(parent: QWidget, title: str, default: Path, suffix: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(default), f"*.{suffix}")
    if not path:
        return None
    return Path(path if path.lower().endswith(f".{suffix}") else f"{path}.{suffix}")


def ask_moved_dataset(parent: QWidget, problem: str) -> str | None:
    """Where a run's images are now: a folder (images or IDX files) or an .npz file; None when not located."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Question, "Locate the run's images", problem, parent=parent)
    folder = box.addButton("Locate a folder…", QMessageBox.ButtonRole.AcceptRole)
    file = box.addButton("Locate an .npz file…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is folder:
        return QFileDialog.getExistingDirectory(parent, "The folder that holds the run's images") or None
    if box.clickedButton() is file:
        return QFileDialog.getOpenFileName(parent, "The .npz file of the run's images", "", "NumPy (*.npz)")[0] or None
    return None


def ask_picture_files(parent: QWidget) -> list[Path]:
    """Picture files to encode and place on the map (none when the person cancels)."""
    from vaegui.data.image_folder import IMAGE_EXTENSIONS

    patterns = " ".join(f"*{suffix}" for suffix in IMAGE_EXTENSIONS)
    names, _ = QFileDialog.getOpenFileNames(parent, "Encode pictures: place your own pictures on the map", "",
                                            f"Pictures ({patterns});;All files (*)")
    return [Path(name) for name in names]
