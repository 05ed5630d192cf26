"""The main window's View and Help menus: Expert labels, Presenter mode, the glossary and the guided tour."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from vaegui.gui.common.wording import wording

# F11: full screen in most desktop apps, and no other action of the window uses it.
PRESENTER_SHORTCUT = "F11"


def build_view_menu(window: QMainWindow) -> tuple[QAction, QAction]:
    """View → Expert labels (technical names instead of plain words; remembered) and Presenter mode."""
    menu = window.menuBar().addMenu("&View")
    expert = QAction("&Expert labels", window)
    expert.setCheckable(True)
    expert.setChecked(wording().expert)
    expert.setStatusTip("Show technical names (KL weight β, mu, log_var, PCA…) instead of plain words")
    expert.toggled.connect(wording().set_expert)
    wording().changed.connect(expert.setChecked)
    menu.addAction(expert)
    presenter = QAction("&Presenter mode", window)
    presenter.setCheckable(True)
    presenter.setShortcut(QKeySequence(PRESENTER_SHORTCUT))
    presenter.setStatusTip("For showing the app to an audience: bigger text, thicker lines and dots, expert "
                           "settings hidden, full screen. Press again (F11) to leave.")
    presenter.toggled.connect(lambda on: window.presenter.set_active(on))
    menu.addAction(presenter)
    return expert, presenter


def build_help_menu(window: QMainWindow) -> tuple[QAction, QAction]:
    """Help → Tour… (the guided tour) and Glossary (the words the app uses, explained)."""
    menu = window.menuBar().addMenu("&Help")
    tour = QAction("&Tour…", window)
    tour.setStatusTip("A short guided tour of the window: train, watch it learn, explore the map, make pictures")
    tour.triggered.connect(lambda: window.tour.start())
    menu.addAction(tour)
    glossary = QAction("&Glossary", window)
    glossary.setStatusTip("What the app's words mean: latent space, KL divergence, β, posterior, PCA, epoch…")

    def show() -> None:
        from vaegui.gui.glossary_dialog import GlossaryDialog

        window.glossary_dialog = GlossaryDialog(window)
        window.glossary_dialog.show()

    glossary.triggered.connect(show)
    menu.addAction(glossary)
    return tour, glossary
