"""The main window's Experiments menu: train an autoencoder and a tiny-KL VAE to compare, or compare two runs; and
where a comparison asked for anywhere (the Runs dialog) is shown."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from vaegui.runs.library import RunSummary


class ExperimentsMenu:
    """Owns the menu's actions; the work is the Compare tab's, the settings the Training tab's form."""

    def __init__(self, window: QMainWindow):
        self.window = window
        menu = window.menuBar().addMenu("E&xperiments")
        self.ae_vs_tiny_kl = QAction("Autoencoder vs tiny-KL VAE…", window)
        tip = ("Train the Training tab's settings twice, on the same images with the same seed: as a plain "
               "autoencoder (KL weight β = 0) and as a VAE with a tiny KL weight (β = 5e-4), one after the other; "
               "then compare them side by side")
        self.ae_vs_tiny_kl.setToolTip(tip)
        self.ae_vs_tiny_kl.setStatusTip(tip)
        self.ae_vs_tiny_kl.triggered.connect(self.start_ae_vs_tiny_kl)
        self.compare = QAction("Compare two runs…", window)
        self.compare.setStatusTip("Pick two runs to show side by side")
        self.compare.triggered.connect(self.choose_two_runs)
        menu.addAction(self.ae_vs_tiny_kl)
        menu.addAction(self.compare)
        # Available at once: its trainer loads TensorFlow meanwhile (the window disables it when it cannot).
        window.state.compare_requested.connect(self.show_comparison)
        # The Compare tab, built after the first paint, connects its preset button to ae_vs_tiny_kl then.

    def start_ae_vs_tiny_kl(self) -> bool:
        """The form's settings (its message says what is wrong, if anything), trained as the two runs."""
        window = self.window
        config = window.training_tab.form.check()
        if config is None:
            window.tabs.setCurrentWidget(window.training_tab)
            return False
        window.tabs.setCurrentWidget(window.compare_tab)
        return window.compare_tab.train_ae_vs_tiny_kl(config, window.training_tab.runs_root)

    def choose_two_runs(self) -> None:
        self.window.tabs.setCurrentWidget(self.window.compare_tab)
        self.window.compare_tab.choose_runs()

    def show_comparison(self, a: RunSummary, b: RunSummary) -> None:
        self.window.tabs.setCurrentWidget(self.window.compare_tab)
        self.window.compare_tab.compare(a, b)
