"""The Training tab's page of curves and epoch views, built after the window's first paint: pyqtgraph's import and
the plots' set-up were half of the window's start, for a page nobody sees before a run."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from vaegui.gui.common.mode_splitter import SplitByMode
from vaegui.gui.common.movie_export import FormationExport
from vaegui.gui.common.wording import wording
from vaegui.gui.training.epoch_views_panel import EpochViewsPanel
from vaegui.gui.training.loss_plot import LossPlot


def build_plots_page(tab) -> QWidget:
    """The loss curves (with the progress bar and status line), the epoch views under them; their parts become the
    tab's attributes (loss_plot, views, samples, latent_preview, kl_bars, epoch_slider, epoch_label, movie_export)."""
    tab.loss_plot = LossPlot(tab.model)  # draws the model's history and batch curves
    plot_controls = tab.loss_plot.layout().itemAt(1).layout()
    for text, action in (("Export curves…", tab.actions.export_curves),
                         ("Export history CSV…", tab.actions.export_history)):
        button = QPushButton(text)
        button.clicked.connect(action.trigger)
        button.setEnabled(action.isEnabled())
        action.changed.connect(lambda b=button, a=action: b.setEnabled(a.isEnabled()))
        plot_controls.addWidget(button)
        wording().mark_expert(button)  # presenter mode hides it for room: the File menu has it too
    tab.views = EpochViewsPanel(tab.model, tab.loss_plot.flush)
    if tab.model.run is not None:  # built for a run already open: it missed the run's arrival
        tab.views._on_run_changed()
    for name in ("samples", "latent_preview", "kl_bars", "epoch_slider", "epoch_label"):
        setattr(tab, name, getattr(tab.views, name))
    top = QWidget()
    top_layout = QVBoxLayout(top)
    top_layout.setContentsMargins(0, 0, 0, 0)
    top_layout.addWidget(tab.loss_plot, 1)
    top_layout.addWidget(tab.progress_bar)
    status_row = QHBoxLayout()
    status_row.addWidget(tab.status_label, 1)
    status_row.addWidget(tab.details.toggle, 0, Qt.AlignmentFlag.AlignTop)  # the trainer's messages
    top_layout.addLayout(status_row)
    splitter = CurvesOverViews()
    splitter.addWidget(top)
    splitter.addWidget(tab.views)
    tab.movie_export = FormationExport(tab)  # the map's formation as a GIF or MP4
    return splitter


# The epoch views' share of the page's height: in presenter mode their text is half as big again, and the map, the
# copies and the bars under it would keep a strip a few numbers high (the bars' axis 47 px at 1280×800).
VIEWS_SHARE = {False: 0.45, True: 0.55}


class CurvesOverViews(SplitByMode):
    """The curves over the epoch views, split for the mode the window is in now."""

    def split(self) -> None:
        if self.count() != 2 or self.height() <= 0:
            return
        room = self.height() - self.handleWidth()
        views = max(int(VIEWS_SHARE[self.presenting()] * room), self.widget(1).minimumSizeHint().height())
        self.setSizes([room - views, views])
