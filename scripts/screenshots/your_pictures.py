"""Screenshots of the Explorer with the person's own pictures on the map (your_pictures.png) and of the map in 3-D,
turned, a point chosen (map_3d.png): the app's default run, opened in the real main window."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
from _grab import SCREENSHOTS  # noqa: E402
from explorer import train_default_run  # noqa: E402
from PIL import Image  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TIMEOUT_S = 600


def pictures(folder: Path, dataset) -> list[Path]:
    """A test image of the run as a PNG (a bag), and a picture it never saw the like of: a handwritten 7."""
    from sklearn.datasets import load_digits

    folder.mkdir(parents=True, exist_ok=True)
    labels = np.asarray(dataset.test.labels)
    bag = int(np.flatnonzero(labels == 8)[3]) if dataset.class_names else 3
    paths = [folder / "my-bag.png", folder / "a-drawn-seven.png"]
    Image.fromarray(np.round(dataset.test.images[bag][..., 0] * 255).astype(np.uint8)).save(paths[0])
    seven = load_digits().images[7] / 16.0
    Image.fromarray(np.round(seven * 255).astype(np.uint8)).resize((28, 28), Image.Resampling.BICUBIC).save(paths[1])
    return paths


def train_z8_run(folder: Path) -> Path:
    """The default run's settings with 8 latent dimensions."""
    from vaegui.gui.training.settings_form import gui_defaults
    from vaegui.runs import Run
    from vaegui.training import TrainingSession

    config = gui_defaults()
    config.model.z_dim = 8
    run = Run.create(folder, config)
    TrainingSession(run, run.load_dataset()).run()
    return folder


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="vaegui-screenshot-"))
    folder = train_default_run(root / "first-run")
    deep = train_z8_run(root / "fashion-z8")
    from vaegui.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(run_folder=str(folder))
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()
    tab = window.explorer_tab
    window.tabs.setCurrentWidget(tab)
    started, state = time.monotonic(), {"step": 0, "code": 1}

    def idle() -> bool:
        return not tab.is_busy() and tab.explorer.shown is not None and tab.explorer.forming is None

    def poll() -> None:
        if time.monotonic() - started > TIMEOUT_S:
            print("Timed out", file=sys.stderr)
            app.quit()
            return
        step = state["step"]
        if not idle() or (step == 1 and tab.pictures.placed_on is None):
            QTimer.singleShot(200, poll)
            return
        state["step"] += 1
        if step == 0:
            tab.pictures.add(pictures(root / "mine", tab.explorer.loaded.dataset))
        elif step == 1:
            tab.pictures.select(1)
            QTimer.singleShot(600, lambda: grab("your_pictures.png"))
            return
        elif step == 2:
            tab.pictures.clear()
            tab.open_run_folder(deep)  # 8 latent dimensions: a third main direction worth seeing
        elif step == 3:
            tab.controls.view_3d_checkbox.click()
        elif step == 4:
            tab.map_view.turned.turntable.drag(50, 20)
            tab.map_view.turned._redraw()
            latents = tab.explorer.shown.latents
            tab.selection.select_row(int(np.argmin(latents.kl)) if latents.labels is None else
                                     int(np.flatnonzero(latents.labels == 7)[0]))
            QTimer.singleShot(800, lambda: grab("map_3d.png", last=True))
            return
        QTimer.singleShot(200, poll)

    def grab(name: str, last: bool = False) -> None:
        app.processEvents()
        target = SCREENSHOTS / name
        window.grab().save(str(target))
        print(f"Saved {target}")
        if last:
            state["code"] = 0
            window.close()
            app.quit()
        else:
            QTimer.singleShot(200, poll)

    QTimer.singleShot(500, poll)
    app.exec()
    return state["code"]


if __name__ == "__main__":
    sys.exit(main())
