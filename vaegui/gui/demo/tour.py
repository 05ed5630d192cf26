"""The guided tour: steps that each highlight one real part of the window and say, in plain words, what it does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vaegui.gui.common.wording import app_settings, wording
from vaegui.gui.explorer.explorer_side import GENERATE_PAGE
from vaegui.words.tour_terms import TOUR_STEPS

HIGHLIGHT = "#ff9800"
TOUR_OFFERED_KEY = "tour/offered"  # the first launch offers the tour; later ones do not


@dataclass(frozen=True)
class TourStep:
    """One step: its words (vaegui.words' tour_<key>), the tab it shows and the widget it highlights; before a model
    exists that widget is not on screen, so `stand_in` is highlighted instead and `waiting` says what to do."""

    key: str
    tab: str  # "training" or "explorer"
    target: Callable[[], QWidget]
    stand_in: Callable[[], QWidget] | None = None
    waiting: str = ""  # the term said while the stand-in shows
    side_tab: int | None = None


def tour_steps(window) -> list[TourStep]:
    """The steps, through the real widgets of `window` (a MainWindow); the Explorer is looked up when shown."""
    training = window.training_tab

    def train_button() -> QWidget:
        welcome = training.welcome.train_button
        return welcome if welcome.isVisible() else training.train_button

    def explorer_page() -> QWidget:  # the map, or its welcome page before a model is open
        return window.explorer_tab.pages.currentWidget()

    plots = {"stand_in": train_button, "waiting": "tour_wait_training"}
    map_ = {"stand_in": explorer_page, "waiting": "tour_wait_explorer"}
    steps = [
        TourStep("train", "training", train_button),
        TourStep("loss", "training", lambda: training.loss_plot, **plots),
        TourStep("kl", "training", lambda: training.kl_bars, **plots),
        TourStep("preview", "training", lambda: training.latent_preview, **plots),
        TourStep("point", "explorer", lambda: window.explorer_tab.map, **map_),
        TourStep("mu_only", "explorer", lambda: window.explorer_tab.mu_only_checkbox),
        TourStep("empty", "explorer", lambda: window.explorer_tab.map, **map_),
        TourStep("generate", "explorer", lambda: window.explorer_tab.generation_panel, **map_,
                 side_tab=GENERATE_PAGE),
    ]
    assert tuple(step.key for step in steps) == TOUR_STEPS  # one list of steps: the words' and these agree
    return steps


class GuidedTour(QObject):
    """Shows one step at a time: a frame around its widget and a note beside it, with Back, Next and Close.

    The window's pages change under the tour (Train pressed, a run opened): the step then shows again, on the
    widget now on screen."""

    finished = Signal()

    def __init__(self, window, steps: list[TourStep] | None = None):
        super().__init__(window)
        self.window = window
        self.steps = steps if steps is not None else tour_steps(window)
        self.index = -1
        self._target: QWidget | None = None
        self.frame = QFrame(window)
        self.frame.setObjectName("tourHighlight")
        self.frame.setStyleSheet(f"#tourHighlight {{ border: 4px solid {HIGHLIGHT}; border-radius: 6px; "
                                 "background: transparent; }")
        self.frame.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.bubble = TourBubble(window)
        self.bubble.back_button.clicked.connect(self.back)
        self.bubble.next_button.clicked.connect(self.next)
        self.bubble.close_button.clicked.connect(self.close)
        self.frame.hide()
        self.bubble.hide()
        window.installEventFilter(self)  # follows the window's resizes
        self.bubble.installEventFilter(self)  # and its own font's changes (presenter mode)
        for pages in (window.training_tab.pages, window.explorer_tab.pages):
            pages.currentChanged.connect(self._on_page_changed)

    @property
    def active(self) -> bool:
        return self.index >= 0

    def highlighted(self) -> QWidget | None:
        """The widget the frame is drawn around now (None when the tour is closed)."""
        return self._target if self.active else None

    def start(self) -> None:
        self.show_step(0)

    def offer(self) -> None:
        """The first launch's question: the bubble alone, with Start and Not now."""
        self.index = -1
        self.frame.hide()
        self.bubble.show_offer(wording().word("tour_offer_title"), wording().word("tour_offer"))
        self._place_bubble(None)

    def next(self) -> None:
        if self.index + 1 < len(self.steps):
            self.show_step(self.index + 1)
        else:
            self.close()

    def back(self) -> None:
        if self.index > 0:
            self.show_step(self.index - 1)

    def close(self) -> None:
        self.index = -1
        self._watch(None)
        self.frame.hide()
        self.bubble.hide()
        self.finished.emit()

    def show_step(self, index: int) -> None:
        self.index = index
        step = self.steps[index]
        window = self.window
        window.tabs.setCurrentWidget(window.training_tab if step.tab == "training" else window.explorer_tab)
        if step.side_tab is not None:
            window.explorer_tab.side_tabs.setCurrentIndex(step.side_tab)
        target = step.target()
        waiting = step.stand_in is not None and not target.isVisible()
        if waiting:
            target = step.stand_in()
        self._watch(target)
        words = wording()
        text = words.word(f"tour_{step.key}")
        if waiting:
            # The time training takes, as the Training tab's welcome says it: one estimate, measured here.
            estimate = window.training_tab.welcome.estimate_words()
            go_on = words.word("tour_wait_finish" if index == len(self.steps) - 1 else "tour_wait_next")
            text += f"<br><br><i>{words.word(step.waiting, estimate=f', {estimate}' if estimate else '')} {go_on}</i>"
        self.bubble.show_step(words.word(f"tour_{step.key}_title"), text, index, len(self.steps))
        self._place()

    def _watch(self, target: QWidget | None) -> None:
        if self._target is not None:
            self._target.removeEventFilter(self)
        self._target = target
        if target is not None:
            target.installEventFilter(self)  # follows its moves and resizes (a splitter dragged, say)

    def _on_page_changed(self, _index: int) -> None:
        if self.active:
            self.show_step(self.index)

    def _place(self) -> None:
        target, window = self._target, self.window
        if target is None:
            return
        top_left = target.mapTo(window, QPoint(0, 0))
        area = QRect(top_left, target.size()).adjusted(-5, -5, 5, 5).intersected(window.rect())
        self.frame.setGeometry(area)
        self.frame.show()
        self.frame.raise_()
        self._place_bubble(area)

    def _place_bubble(self, area: QRect | None) -> None:
        """Beside the highlighted area where there is room (right, left, below, above, then over its corner)."""
        bubble, room = self.bubble, self.window.rect().adjusted(8, 8, -8, -8)
        # Its wrapped text needs the height of its lines at its fixed width, in the fonts its style sheet gives once
        # polished (adjustSize on a hidden bubble measured one line: the text was cut after presenter mode too).
        for widget in (bubble, *bubble.findChildren(QWidget)):
            widget.ensurePolished()
        bubble.layout().activate()
        bubble.resize(bubble.width(), bubble.layout().totalHeightForWidth(bubble.width()))
        corner = QPoint(room.right() - bubble.width(), room.bottom() - bubble.height() - 20)
        spots = [] if area is None else [
            QPoint(area.right() + 12, area.top()), QPoint(area.left() - bubble.width() - 12, area.top()),
            QPoint(area.left(), area.bottom() + 12), QPoint(area.left(), area.top() - bubble.height() - 12)]
        inside = [spot for spot in spots if room.contains(QRect(spot, bubble.size()))]
        bubble.move(inside[0] if inside else corner)
        bubble.show()
        bubble.raise_()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if watched is self.bubble and kind != QEvent.Type.FontChange:
            return False
        if kind in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.LayoutRequest, QEvent.Type.FontChange):
            if self.active:
                self._place()
            elif self.bubble.isVisible():  # the first launch's offer
                self._place_bubble(None)
        return False


class TourBubble(QFrame):
    """The tour's note: a title, a few sentences, 'n of 8' and Close / Back / Next."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("tourBubble")
        self.setStyleSheet(f"#tourBubble {{ background: #fffdf7; border: 3px solid {HIGHLIGHT}; border-radius: 8px; }}"
                           " QLabel { color: #222; }")
        self.setFixedWidth(360)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600; font-size: 15px;")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.count = QLabel()
        self.count.setStyleSheet("color: #555;")
        self.back_button, self.next_button = QPushButton("Back"), QPushButton("Next")
        self.close_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        for button in (self.close_button, self.back_button, self.next_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)

    def show_step(self, title: str, text: str, index: int, count: int) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.count.setText(f"{index + 1} of {count}")
        self.count.show()
        self.back_button.show()
        self.back_button.setEnabled(index > 0)
        self.next_button.setText("Finish" if index == count - 1 else "Next")
        self.close_button.setText("Close")

    def show_offer(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.count.hide()
        self.back_button.hide()
        self.next_button.setText("Start the tour")
        self.close_button.setText("Not now")


def offer_tour_once(window) -> bool:
    """On the first launch (nothing remembered yet), offer the tour; remember that it was offered."""
    settings = app_settings()
    if str(settings.value(TOUR_OFFERED_KEY, "false")).lower() == "true":
        return False
    settings.setValue(TOUR_OFFERED_KEY, "true")
    window.tour.offer()
    return True
