"""The main window's View and Help menus: the Expert labels switch and the glossary."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from vaegui.gui.wording import wording


def build_view_menu(window: QMainWindow) -> QAction:
    """View → Expert labels: technical names (KL weight, mu, log_var, …) instead of plain words; remembered."""
    menu = window.menuBar().addMenu("&View")
    expert = QAction("&Expert labels", window)
    expert.setCheckable(True)
    expert.setChecked(wording().expert)
    expert.setStatusTip("Show technical names (KL weight β, mu, log_var, PCA…) instead of plain words")
    expert.toggled.connect(wording().set_expert)
    wording().changed.connect(expert.setChecked)
    menu.addAction(expert)
    return expert


def build_help_menu(window: QMainWindow) -> QAction:
    """Help → Glossary: the words the app uses, explained."""
    menu = window.menuBar().addMenu("&Help")
    glossary = QAction("&Glossary", window)
    glossary.setStatusTip("What the app's words mean: latent space, KL divergence, β, posterior, PCA, epoch…")

    def show() -> None:
        from vaegui.gui.glossary_dialog import GlossaryDialog

        window.glossary_dialog = GlossaryDialog(window)
        window.glossary_dialog.show()

    glossary.triggered.connect(show)
    menu.addAction(glossary)
    return glossary
