"""The Explorer's map controls: split, points, projection, colours and the mu-only switch, rendering MapSettings."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QToolButton,
    QToolTip,
    QWidget,
)

from vaegui.app.explorer_model import ExplorerModel
from vaegui.app.map_state import SPLITS, SUBSETS, pictures_in_split, subset_shown
from vaegui.gui.common.wording import wording
from vaegui.latent.projection import METHOD_LABELS
from vaegui.palette import HINT_TEXT
from vaegui.words import tip, word

COLOUR_MODES = ("label", "error", "kl")
MU_ONLY_HINT_WIDTH = 180  # pixels: the hint's two lines, whatever room the row has left
MU_ONLY_HELP = (
    f"{tip('mu_only')}<br><br>"
    "<b>Why the encoder's predict function is rebuilt</b><br>"
    "The sampling layer computes z = mu + exp(log_var / 2) · ε · <i>factor</i>. <i>factor</i> is a plain "
    "Python attribute. Keras traced the encoder's predict function at its first call and froze the value "
    "<i>factor</i> had then into the graph, so setting the attribute alone changes nothing: the cached "
    "function keeps sampling. The switch therefore sets <i>factor</i> (0 = mu only, 1 = sample) and calls "
    "<tt>encoder.make_predict_function(force=True)</tt> so the next call retraces with the new value, then "
    "re-encodes the images and redraws the map."
)


class MapControls(QWidget):
    """Shows the model's settings and forwards changes; it never keeps a choice of its own."""

    def __init__(self, explorer: ExplorerModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.explorer = explorer
        words = wording()
        self.split_combo = _combo([("", s) for s in SPLITS])
        self.subset_combo = _combo([(_count(n) if n else "All", n) for n in SUBSETS])
        self.method_combo = _combo([])
        self.colour_combo = _combo([("", key) for key in COLOUR_MODES])
        # Not in this row, which must fit a 1280-pixel window with t-SNE's long name chosen: the tab puts it
        # beside Fit view, with the other ways of looking at the map.
        self.view_3d_checkbox = words.label(QCheckBox(), "view_3d")
        self.mu_only_checkbox = words.label(QCheckBox(), "mu_only")
        self.mu_only_help = QToolButton()
        self.mu_only_help.setText("?")
        self.mu_only_help.setToolTip(MU_ONLY_HELP)
        self.mu_only_help.clicked.connect(
            lambda: QToolTip.showText(self.mu_only_help.mapToGlobal(self.mu_only_help.rect().bottomLeft()),
                                      MU_ONLY_HELP, self.mu_only_help))
        self.mu_only_label = words.label(QLabel(), "mu_only_hint")
        self.mu_only_label.setStyleSheet(f"color: {HINT_TEXT}; font-size: 11px;")
        # It takes the row's room left, on two lines if need be: the row fits a 1280-pixel window.
        self.mu_only_label.setWordWrap(True)
        self.mu_only_label.setMinimumWidth(MU_ONLY_HINT_WIDTH)
        self.mu_only_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        words.mark_expert(self.mu_only_label)  # presenter mode: its three lines go to the map (the ? tells it)
        self.show_why_button = words.label(QToolButton(), "show_why")
        self.show_why_button.clicked.connect(explorer.show_why_mu_only)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for key, widget in (("split", self.split_combo), ("points", self.subset_combo),
                            ("projection", self.method_combo), ("colour_by", self.colour_combo)):
            label = words.label(QLabel(), key)
            layout.addWidget(label)
            widget.setToolTip(tip(key))
            if key in ("split", "points"):  # the defaults suit a demo: presenter mode hides them, for room
                words.mark_expert(label, widget)
            layout.addWidget(widget)
            layout.addSpacing(8)
        layout.addSpacing(8)
        layout.addWidget(self.mu_only_checkbox)
        layout.addWidget(self.mu_only_help)
        layout.addWidget(self.mu_only_label, 1)
        layout.addWidget(self.show_why_button)
        # The room the hint leaves when presenter mode hides it: at the row's end, not between each label and its
        # box (they drifted ~200 pixels apart).
        layout.addStretch(0)

        for combo in (self.split_combo, self.method_combo, self.colour_combo):
            combo.currentIndexChanged.connect(lambda _index, c=combo: _fit_to_contents(c))
        self.split_combo.activated.connect(lambda i: explorer.set_split(self.split_combo.itemData(i)))
        self.subset_combo.activated.connect(lambda i: explorer.set_subset(self.subset_combo.itemData(i)))
        self.method_combo.activated.connect(lambda i: explorer.set_method(self.method_combo.itemData(i)))
        self.colour_combo.activated.connect(lambda i: explorer.set_colour(self.colour_combo.itemData(i)))
        self.mu_only_checkbox.clicked.connect(explorer.set_mu_only)
        self.view_3d_checkbox.clicked.connect(lambda on: explorer.set_dims(3 if on else 2))
        explorer.settings_changed.connect(self.render)
        explorer.source_changed.connect(self._fill_methods)
        words.bind(self, self._render_words)
        self.render()

    def _render_words(self, expert: bool) -> None:
        for combo, keys in ((self.split_combo, [f"split_{s}" for s in SPLITS]),
                            (self.colour_combo, [f"colour_{m}" for m in COLOUR_MODES])):
            for index, key in enumerate(keys):
                combo.setItemText(index, word(key, expert))
            _fit_to_contents(combo)
        self._fill_methods()

    def _fill_methods(self) -> None:
        combo = self.method_combo
        combo.clear()
        model: QStandardItemModel = combo.model()
        for choice in self.explorer.methods:
            # The method's name in the chosen wording, then what the choice adds ("(not installed)").
            label = word(f"method_{choice.method}", wording().expert) + choice.label[len(METHOD_LABELS[choice.method]):]
            combo.addItem(label, choice.method)
            item = model.item(combo.count() - 1)
            item.setEnabled(choice.available)
            if choice.reason:
                item.setToolTip(choice.reason)
        _fit_to_contents(combo)
        self.render()

    def render(self) -> None:
        settings, loaded = self.explorer.settings, self.explorer.loaded
        ready = loaded is not None
        available = pictures_in_split(len(loaded.dataset.train), len(loaded.dataset.test), settings.split) \
            if ready else None
        self._render_counts(available)
        for combo, value in ((self.split_combo, settings.split),
                             (self.subset_combo, subset_shown(settings.subset, available)),
                             (self.method_combo, settings.method), (self.colour_combo, settings.colour)):
            index = combo.findData(value)
            if index >= 0 and index != combo.currentIndex():
                combo.setCurrentIndex(index)
                _fit_to_contents(combo)  # also before the box's own index signal is connected (the first render)
            combo.setEnabled(ready)
        self.mu_only_checkbox.setChecked(settings.mu_only)
        self.mu_only_checkbox.setEnabled(ready)
        self.view_3d_checkbox.setChecked(settings.dims == 3)
        flat = self.explorer.flat_reason  # two numbers per picture: nothing to turn
        self.view_3d_checkbox.setEnabled(ready and not flat)
        self.view_3d_checkbox.setToolTip(flat or tip("view_3d"))
        self.show_why_button.setEnabled(ready)

    def _render_counts(self, available: int | None) -> None:
        """"All" says how many pictures that is; a count as large as those there are is greyed (it draws them
        all: "How many: 10 000" above a map of 1 617 pictures misread)."""
        combo, model = self.subset_combo, self.subset_combo.model()
        for index in range(combo.count()):
            n, item = combo.itemData(index), model.item(index)
            if n is None:
                item.setText(f"All ({_count(available)})" if available is not None else "All")
            else:
                item.setEnabled(available is None or n < available)
                item.setToolTip("" if item.isEnabled() else f"There are only {_count(available)} pictures here: "
                                                             "All draws every one of them.")
        _fit_to_contents(combo)

    # What a test or a script does where a person would pick from the list.
    def choose(self, combo: QComboBox, value) -> None:
        combo.setCurrentIndex(combo.findData(value))
        combo.activated.emit(combo.currentIndex())


class _FittedCombo(QComboBox):
    """A choice box as wide as its current choice, measured again when its font changes (presenter mode)."""

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            _fit_to_contents(self)


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _combo(choices) -> QComboBox:
    combo = _FittedCombo()
    # Sized by _fit_to_contents to the current choice, not by Qt to the longest one.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    for text, data in choices:
        combo.addItem(text, data)
    _fit_to_contents(combo)
    return combo


def _fit_to_contents(combo: QComboBox) -> None:
    # AdjustToContents measures once: refilled items ("Direct (z_dim = 2)") would otherwise be cut off. The box is as
    # wide as its current choice, the list as its widest, so a long choice not taken does not widen the window.
    metrics = combo.fontMetrics()
    widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    combo.view().setMinimumWidth(widest + 32)
    combo.setMinimumContentsLength(0)
    # The style says how much room its frame and arrow take ("10 000" lost its last digit to a fixed 48 px).
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    text = QSize(metrics.horizontalAdvance(combo.currentText()) + 4, metrics.height())
    combo.setMinimumWidth(combo.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, combo).width())
    combo.updateGeometry()
