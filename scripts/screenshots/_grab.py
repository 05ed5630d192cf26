"""What every screenshot script shares: the app's settings of a first launch (not the person's own), and grabbing the
real window into docs/screenshots/, closing it, quitting."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Each screenshot shows the app as on a fresh machine (plain words, no remembered runs), whatever this machine's
# ~/.config/vaegui holds; the tour was already offered, except where a script asks for its first launch.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="vaegui-screenshot-config-")


def first_launch(offer_tour: bool) -> None:
    """Settings of a first launch; `offer_tour` False: as if the tour had been offered already."""
    if not offer_tour:
        folder = Path(os.environ["XDG_CONFIG_HOME"]) / "vaegui"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vaegui.conf").write_text("[tour]\noffered=true\n")


first_launch(offer_tour=False)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def train_default_run(folder: Path) -> Path:
    """The Training tab's default run (the best dataset available offline), trained headless as `vaegui train`."""
    from vaegui.gui.training.settings_form import gui_defaults
    from vaegui.runs import Run
    from vaegui.training import TrainingSession

    config = gui_defaults()
    run = Run.create(folder, config)
    TrainingSession(run, run.load_dataset()).run()
    return folder


def save_and_quit(app, window, name: str, result: dict) -> None:
    """Save `window` as docs/screenshots/NAME, say so, set result["code"] to 0 and end the app."""
    app.processEvents()
    target = SCREENSHOTS / name
    target.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(target))
    print(f"Saved {target}")
    result["code"] = 0
    window.close()
    app.quit()


def window_on_a_digits_run(prefix: str):
    """The real main window at 1280×800 on a z_dim-2 digits run trained headless (as `vaegui train` would) into a
    temporary folder, TensorFlow loading; with the result dict save_and_quit fills in."""
    from PySide6.QtWidgets import QApplication

    from vaegui.cli import main as vaegui_main
    from vaegui.gui.main_window import MainWindow

    folder = os.path.join(tempfile.mkdtemp(prefix=prefix), "digits-z2")
    vaegui_main(["train", "--dataset", "digits", "--epochs", "15", "--z-dim", "2", "--out", folder, "--quiet"])
    app = QApplication.instance() or QApplication([])
    window = MainWindow(dataset="digits", run_folder=folder)
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()
    return app, window, {"code": 1}


def run_until_saved(app, result: dict, timeout_ms: int = 300_000) -> int:
    """Run the app until a script's picture is saved (0) or the time is up (1)."""
    from PySide6.QtCore import QTimer

    QTimer.singleShot(timeout_ms, app.quit)
    app.exec()
    return result["code"]


def once_the_explorer_shows_the_run(window, then) -> None:
    """Call then() when TensorFlow has loaded and the Explorer has drawn the run the window was opened with."""
    from PySide6.QtCore import QTimer

    def check() -> None:
        explorer = window.explorer_tab
        if explorer.explorer.shown is None or explorer.is_busy():
            QTimer.singleShot(200, check)
        else:
            then()

    window.state.trainer_ready.connect(lambda _device: QTimer.singleShot(500, check))
