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


def train_digits_run(prefix: str, epochs: int = 15) -> str:
    """A z_dim-2 run on the built-in digits, trained headless (as `vaegui train` would) into a temporary folder."""
    from vaegui.cli import main as vaegui_main

    folder = os.path.join(tempfile.mkdtemp(prefix=prefix), "digits-z2")
    vaegui_main(["train", "--dataset", "digits", "--epochs", str(epochs), "--z-dim", "2", "--out", folder, "--quiet"])
    return folder


def once_the_explorer_shows_the_run(window, then) -> None:
    """Call then() when TensorFlow has loaded and the Explorer has drawn the run the window was opened with."""
    from PySide6.QtCore import QTimer

    def check() -> None:
        explorer = window.explorer_tab
        if explorer.explorer.shown is None or explorer.is_busy():
            QTimer.singleShot(200, check)
        else:
            then()

    window.state.tensorflow_ready.connect(lambda _device: QTimer.singleShot(500, check))
