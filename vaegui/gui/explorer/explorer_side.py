"""The Explorer's side tabs (point, traversal, lists, generation), rendering the selection model."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QScrollArea, QStyle, QTabWidget, QVBoxLayout, QWidget

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.explorer_selection import PointDetails, SelectionModel
from vaegui.app.map_state import describe_row
from vaegui.app.your_pictures import PictureDetails
from vaegui.gui.common.movie_export import InterpolationExport
from vaegui.gui.common.wording import wording
from vaegui.gui.explorer.generation_panel import GenerationPanel
from vaegui.gui.explorer.point_panel import PointPanel
from vaegui.gui.explorer.sample_lists import RankedSampleList
from vaegui.gui.explorer.traversal_panel import TraversalPanel
from vaegui.latent.generation import largest_log_var, worst_reconstructions
from vaegui.words import tip, word

RANKED = 30
POINT_PAGE, TRAVERSE_PAGE, LISTS_PAGE, GENERATE_PAGE = range(4)


class ExplorerSideTabs(QTabWidget):
    def __init__(self, explorer: ExplorerModel, selection: SelectionModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.explorer, self.selection = explorer, selection
        selection.defer_mu = True  # render_selection finishes a click once its panel is painted
        self.point_panel = PointPanel()
        self.point_panel.neighbour_clicked.connect(self._on_neighbour_clicked)
        self.point_panel.sample_requested.connect(selection.sample_posterior)
        self.traversal_panel = TraversalPanel()
        self.traversal_panel.value_changed.connect(selection.set_traversal_value)
        self.traversal_panel.reset_requested.connect(selection.reset_traversal)
        self.worst_list = RankedSampleList()
        self.worst_list.row_chosen.connect(selection.select_row)
        self.log_var_list = RankedSampleList()
        self.log_var_list.row_chosen.connect(selection.select_row)
        for ranked in (self.worst_list, self.log_var_list):
            ranked.row_chosen.connect(self.show_choice)
        words = wording()
        lists = QWidget()
        lists_layout = QVBoxLayout(lists)
        lists_layout.addWidget(words.label(QLabel(), "worst_list"))
        lists_layout.addWidget(self.worst_list)
        lists_layout.addWidget(words.label(QLabel(), "log_var_list"))
        lists_layout.addWidget(self.log_var_list)
        self.generation_panel = GenerationPanel()
        self.generation_panel.prior_requested.connect(selection.sample_prior)
        self.generation_panel.endpoint_requested.connect(selection.set_end)
        self.movie_export = InterpolationExport(explorer, selection, self.generation_panel)
        for page, key in ((_scrolling(self.point_panel), "tab_point"),
                          (_scrolling(self.traversal_panel), "tab_traverse"), (lists, "tab_lists"),
                          (_scrolling(self.generation_panel), "tab_generate")):
            self.setTabToolTip(self.addTab(page, word(key)), tip(key))
        self.setMinimumWidth(380)
        self._lists = lists
        # The worst-reconstruction list needs every image's error: a decoder pass, run when the list is looked at.
        self.currentChanged.connect(lambda _index: self._want_errors())
        self.rows_shown = lambda: None  # the rows the map's filter keeps (None: all); the lists take only those
        words.bind(self, lambda expert: self.render_lists())
        selection.changed.connect(self.render_selection)
        selection.traversal_changed.connect(lambda: self.traversal_panel.show_traversal(selection.traversal))
        selection.generated_changed.connect(self.render_generated)
        explorer.map_changed.connect(self.render_lists)
        explorer.source_changed.connect(self._on_source_changed)

    def show_choice(self) -> None:
        """A point or place the person chose: show what it is (the Point page), unless the page on show works on the
        choice itself (Traverse starts from it; Generate waits for the other end of a morph)."""
        page, ends = self.currentIndex(), self.selection.ends
        picking_an_end = page == GENERATE_PAGE and (ends["A"] is None) != (ends["B"] is None)
        if page != TRAVERSE_PAGE and not picking_an_end:
            self.setCurrentIndex(POINT_PAGE)

    def render_selection(self) -> None:
        if self.selection.pending:  # the rest of a click, once this is painted
            QTimer.singleShot(0, self.selection.finish)
        selected, panel = self.selection.selected, self.point_panel
        if selected is None:
            panel.clear()
        elif isinstance(selected, (PointDetails, PictureDetails)):  # a picture of the map's, or the person's own
            panel.show_point(selected.title, selected.original, selected.reconstruction, selected.mu,
                             selected.log_var, selected.neighbour_images, selected.neighbour_captions, selected.how)
        else:
            panel.show_location(selected.title, selected.image, selected.vector, selected.how)
        posterior = self.selection.posterior
        if posterior is not None:
            panel.show_samples(posterior[1])

    def render_generated(self) -> None:
        panel, selection = self.generation_panel, self.selection
        panel.prior_images.set_images(None if selection.prior is None else selection.prior[1])
        panel.strip.set_images(None if selection.interpolation is None else selection.interpolation[0])
        a, b = selection.ends["A"], selection.ends["B"]
        if a is not None and b is not None:
            panel.endpoints.setText(f"A → B in latent space ({selection.path_note()}).")
        elif a is not None or b is not None:
            panel.endpoints.setText(f"{'A' if a is not None else 'B'} set; now select another point and press "
                                    f"{'B' if a is not None else 'A'}.")
        else:
            panel.endpoints.setText("Pick two points, press A then B: the strip decodes the straight line between "
                                    "them.")
        if selection.grid is None:
            panel.clear_grid()
        else:
            panel.show_grid(selection.grid[1], selection.grid[3])

    def render_lists(self) -> None:
        shown = self.explorer.shown
        if shown is None:
            self.worst_list.set_samples([], [], [])
            self.log_var_list.set_samples([], [], [])
            return
        latents = shown.latents
        self._want_errors()
        names = None if self.explorer.loaded is None else self.explorer.loaded.class_names
        expert = wording().expert
        shown_rows = self.rows_shown()
        for widget, rows, describe in (
            (self.worst_list, worst_reconstructions(latents, RANKED, shown_rows),
             lambda r: word("worst_caption", expert, value=latents.reconstruction_error[r])),
            (self.log_var_list, largest_log_var(latents, RANKED, shown_rows),
             lambda r: word("log_var_caption", expert, value=latents.log_var[r].mean())),
        ):
            widget.set_samples(rows, latents.images(rows), [f"{describe_row(latents, r, names)} · {describe(r)}"
                                                            for r in rows])

    def _want_errors(self) -> None:
        if self.currentWidget() is self._lists:
            self.explorer.want_errors()

    def _on_source_changed(self) -> None:
        loaded = self.explorer.loaded
        grid_ok = loaded is not None and loaded.z_dim == 2
        # Nothing said while no model is loaded (the button waits, greyed): "needs z_dim = 2" was wrong then.
        self.generation_panel.set_grid_available(grid_ok, "" if grid_ok or loaded is None else
                                                 "The latent grid needs z_dim = 2.")
        self.generation_panel.prior_button.setEnabled(loaded is not None)

    def _on_neighbour_clicked(self, position: int) -> None:
        selected = self.selection.selected
        if isinstance(selected, (PointDetails, PictureDetails)) and position < len(selected.neighbour_rows):
            self.selection.select_row(int(selected.neighbour_rows[position]))


    def width_needed(self) -> int:
        """The width at which no page scrolls sideways: the widest page's smallest width, its scroll bar beside it."""
        areas = [self.widget(i) for i in range(self.count()) if isinstance(self.widget(i), QScrollArea)]
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        widest = max(area.widget().minimumSizeHint().width() for area in areas)
        return widest + bar + 12  # and the tab's frame and margins


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area
