"""Screenshots of the Explorer's verbs in the real main window at 1280×800: a lasso group with the density lines and
region names, find and filter, the prior's circles over decoded pictures, a direction walked. Trains (once, kept in
the cache) a z_dim-2 run on the best dataset available offline."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from _grab import SCREENSHOTS  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TIMEOUT_S = 600
RUN = Path(os.environ.get("VAEGUI_SHOT_RUN", Path(tempfile.gettempdir()) / "vaegui-shots" / "verbs-z2"))


def trained_run() -> Path:
    """A z_dim-2 run on the best offline dataset (Fashion-MNIST when present), trained headless once."""
    if (RUN / "config.json").exists():
        return RUN
    from vaegui.cli import main as vaegui_main
    from vaegui.data import offline_dataset_names

    dataset = "fashion_mnist" if "fashion_mnist" in offline_dataset_names() else "digits"
    subset = ["--subset", "20000"] if dataset == "fashion_mnist" else []
    vaegui_main(["train", "--dataset", dataset, "--epochs", "12", "--z-dim", "2", *subset, "--out", str(RUN),
                 "--quiet"])
    return RUN


def class_of(tab, name: str, fallback: int) -> int:
    names = tab.explorer.loaded.class_names or []
    return names.index(name) if name in names else fallback


def main() -> int:
    import numpy as np

    folder = trained_run()
    from vaegui.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(run_folder=str(folder))
    window.resize(1280, 800)
    window.show()
    window.load_tensorflow()
    tab = window.explorer_tab
    window.tabs.setCurrentWidget(tab)
    verbs, find = tab.verbs.verbs, tab.verbs.find_bar
    started = time.monotonic()
    state = {"step": 0, "code": 1}

    def save(name: str) -> None:
        app.processEvents()
        target = SCREENSHOTS / name
        window.grab().save(str(target))
        print(f"Saved {target}")

    def ready() -> bool:
        return not tab.is_busy() and tab.explorer.shown is not None and not verbs.layers.is_busy() and \
            not tab.map.points.is_drawing()

    def steps():
        latents = tab.explorer.shown.latents
        coords = tab.explorer.shown.projection.coords
        # 1. A lasso around one class's crowd, the density lines and the regions' names.
        chosen = class_of(tab, "Trouser", 1)
        centre = np.median(coords[latents.labels == chosen], axis=0)
        spread = np.percentile(np.abs(coords[latents.labels == chosen] - centre), 80, axis=0)
        angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
        verbs.groups.select_polygon(np.column_stack([centre[0] + 1.3 * spread[0] * np.cos(angles) *
                                                     (1 + 0.15 * np.sin(3 * angles)),
                                                     centre[1] + 1.3 * spread[1] * np.sin(angles)]))
        find.layer_actions["contours"].setChecked(True)
        find.layer_actions["labels"].setChecked(True)
        yield "explorer-group.png"
        # 2. Find and filter: a class hidden from the key, a search, the rest dimmed.
        verbs.groups.clear()
        find.layer_actions["contours"].setChecked(False)
        verbs.filters.set_class_state(class_of(tab, "Bag", 8), "hidden")
        find.search.setText((tab.explorer.loaded.class_names or ["0"] * 10)[class_of(tab, "Sneaker", 7)])
        tab.side_tabs.setCurrentWidget(tab.side_tabs.widget(2))  # the Lists follow the filter
        yield "explorer-find.png"
        # 3. What the model believes: the prior's circles over the pictures decoded behind the points.
        find.show_all()
        find.layer_actions["labels"].setChecked(False)
        find.layer_actions["prior"].setChecked(True)
        find.layer_actions["background"].setChecked(True)
        tab.map.view_box.setRange(xRange=(-3.2, 3.2), yRange=(-3.2, 3.2), padding=0)
        yield "explorer-belief.png"
        # 4. A direction from one class to another, walked from a picture.
        find.layer_actions["prior"].setChecked(False)
        find.layer_actions["background"].setChecked(False)
        tab.fit_view()
        verbs.groups.select_class(class_of(tab, "Sneaker", 7))
        verbs.groups.keep_as("A")
        verbs.groups.select_class(class_of(tab, "Ankle boot", 9))
        verbs.groups.keep_as("B")
        start = class_of(tab, "Sandal", 5)
        tab.selection.select_row(int(np.flatnonzero(latents.labels == start)[0]))
        verbs.direction.use_selection()
        verbs.direction.set_amount(1.0)
        verbs.groups.select_class(class_of(tab, "Sneaker", 7))
        tab.side_tabs.setCurrentWidget(tab.verbs.group_page)
        tab.verbs.group_page.ensureWidgetVisible(tab.verbs.direction_panel.picture)
        yield "explorer-direction.png"

    plan = {"steps": None, "name": None}

    def poll() -> None:
        if time.monotonic() - started > TIMEOUT_S:
            print("Timed out", file=sys.stderr)
            app.quit()
            return
        if not ready():
            QTimer.singleShot(200, poll)
            return
        if plan["steps"] is None:
            plan["steps"] = steps()
        elif plan["name"] is not None:
            save(plan["name"])
        plan["name"] = next(plan["steps"], None)
        if plan["name"] is None:
            state["code"] = 0
            window.close()
            app.quit()
            return
        QTimer.singleShot(1500, poll)  # layers are computed off the GUI thread; the map draws its image

    QTimer.singleShot(500, poll)
    app.exec()
    return state["code"]


if __name__ == "__main__":
    sys.exit(main())
