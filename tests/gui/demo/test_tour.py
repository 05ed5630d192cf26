"""The guided tour in the real window: its steps advance and go back, each highlights a real widget on screen, Close
removes the highlight, and the first launch offers it once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt

from vaegui.gui.common.wording import app_settings
from vaegui.gui.demo.tour import TOUR_OFFERED_KEY
from vaegui.gui.main_window import MainWindow
from vaegui.words import word
from vaegui.words.tour_terms import TOUR_STEPS

WAIT_MS = 120_000


@pytest.fixture(scope="module")
def run_z2(tmp_path_factory):
    from tests.conftest import train_tiny_run

    return train_tiny_run(tmp_path_factory.mktemp("runs") / "z2", z_dim=2)


def _check_highlight(window, tour) -> None:
    """The step's widget is on screen, in the tab shown, framed by the highlight, with the bubble beside it."""
    target = tour.highlighted()
    assert target is not None and target.isVisible()
    step = tour.steps[tour.index]
    assert window.tabs.currentWidget() is (window.training_tab if step.tab == "training" else window.explorer_tab)
    assert window.tabs.currentWidget().isAncestorOf(target)
    area = QRect(target.mapTo(window, QPoint(0, 0)), target.size()).intersected(window.rect())
    assert tour.frame.isVisible() and tour.frame.geometry().contains(area), (step.key, tour.frame.geometry(), area)
    assert tour.bubble.isVisible() and window.rect().contains(tour.bubble.geometry())
    assert tour.bubble.title.text() == word(f"tour_{step.key}_title")
    _check_text_whole(tour.bubble)
    assert tour.bubble.count.text() == f"{tour.index + 1} of {len(tour.steps)}"


def _waiting_words(window, key: str) -> str:
    """What a step says before a model exists, with the time training takes as the welcome says it."""
    estimate = window.training_tab.welcome.estimate_words()
    return word(key, estimate=f", {estimate}" if estimate else "")


def test_the_tour_walks_every_step_before_any_model_and_says_what_to_do(window, qtbot):
    window.tour_action.trigger()
    tour = window.tour
    assert [step.key for step in tour.steps] == list(TOUR_STEPS) and 6 <= len(tour.steps) <= 8
    seen = []
    for index, step in enumerate(tour.steps):
        assert tour.index == index
        qtbot.wait(20)
        _check_highlight(window, tour)
        seen.append(tour.highlighted())
        if step.stand_in is not None:  # no run yet: the bubble says what to do, on a widget that is on screen
            assert tour.highlighted() is step.stand_in() and not step.target().isVisible()
            assert _waiting_words(window, step.waiting) in tour.bubble.text.text()
            # What the bubble's button does meanwhile, by the name it has (the last step's says Finish).
            button = tour.bubble.next_button.text()
            assert f"{button} " in tour.bubble.text.text() and button == ("Finish" if index == 7 else "Next")
        else:
            assert tour.highlighted() is step.target()
        assert tour.bubble.back_button.isEnabled() == (index > 0)
        qtbot.mouseClick(tour.bubble.next_button, Qt.MouseButton.LeftButton)
    assert seen[0] is window.training_tab.welcome.train_button  # step 1: the big Train button of the welcome
    assert seen[5] is window.explorer_tab.mu_only_checkbox
    assert not tour.active and not tour.frame.isVisible() and not tour.bubble.isVisible()  # Finish closes it


def test_back_returns_to_the_step_before_and_close_removes_the_highlight(window, qtbot):
    tour = window.tour
    tour.start()
    for _ in range(5):
        tour.next()
    assert tour.index == 5 and tour.highlighted() is window.explorer_tab.mu_only_checkbox
    qtbot.mouseClick(tour.bubble.back_button, Qt.MouseButton.LeftButton)
    assert tour.index == 4 and window.tabs.currentWidget() is window.explorer_tab
    _check_highlight(window, tour)
    for _ in range(4):
        tour.back()
    assert tour.index == 0 and window.tabs.currentWidget() is window.training_tab
    tour.back()  # nothing before the first step
    assert tour.index == 0
    _check_highlight(window, tour)
    qtbot.mouseClick(tour.bubble.close_button, Qt.MouseButton.LeftButton)
    assert tour.highlighted() is None and not tour.frame.isVisible() and not tour.bubble.isVisible()


def test_with_a_run_open_each_step_highlights_its_own_widget(window, qtbot, run_z2):
    window.state.tensorflow_loaded = True  # the Explorer loads TensorFlow itself on its model's thread
    window.training_tab.open_run(str(run_z2.folder))
    qtbot.waitUntil(lambda: window.training_tab.run is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.explorer_tab.explorer.shown is not None, timeout=WAIT_MS)
    tour = window.tour
    tour.start()
    targets = {}
    for step in tour.steps:
        qtbot.wait(20)
        _check_highlight(window, tour)
        assert tour.highlighted() is step.target(), step.key
        assert _waiting_words(window, step.waiting or "tour_wait_training") not in tour.bubble.text.text()
        targets[step.key] = tour.highlighted()
        tour.next()
    training, explorer = window.training_tab, window.explorer_tab
    assert targets == {"train": training.train_button, "loss": training.loss_plot, "kl": training.kl_bars,
                       "preview": training.latent_preview, "point": explorer.map, "mu_only": explorer.mu_only_checkbox,
                       "empty": explorer.map, "generate": explorer.generation_panel}
    qtbot.waitUntil(lambda: not explorer.is_busy(), timeout=WAIT_MS)


def test_the_tour_follows_the_window_when_training_starts_during_a_step(window, qtbot):
    tour = window.tour
    tour.start()
    tour.next()  # the loss curves: not there yet, so Train is framed
    assert tour.highlighted() is window.training_tab.welcome.train_button
    window.training_tab.pages.setCurrentIndex(1)  # what pressing Train shows: the plots
    assert tour.highlighted() is window.training_tab.loss_plot
    _check_highlight(window, tour)
    assert _waiting_words(window, "tour_wait_training") not in tour.bubble.text.text()
    window.training_tab.pages.setCurrentIndex(0)
    tour.close()


def _check_text_whole(bubble) -> None:
    """The bubble's wrapped text is as tall as its lines need (it was cut to one line, and again after presenter
    mode's bigger fonts)."""
    bubble.text.ensurePolished()
    assert bubble.text.height() >= bubble.text.heightForWidth(bubble.text.width()), bubble.text.text()[:40]


def test_the_first_launch_offers_the_tour_and_later_ones_do_not(qtbot):
    app_settings().remove(TOUR_OFFERED_KEY)  # a machine where vaegui never ran
    windows = []
    for launch in (1, 2):
        window = MainWindow(dataset="digits")
        qtbot.addWidget(window)
        windows.append(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(lambda w=window: w._started)
        qtbot.wait(20)
        offered = window._tour is not None and window.tour.bubble.isVisible()
        assert offered == (launch == 1), launch
    first = windows[0].tour
    assert first.bubble.next_button.text() == "Start the tour" and first.highlighted() is None
    _check_text_whole(first.bubble)
    windows[0].presenter.set_active(True)  # bigger fonts: the offer grows to hold its text
    qtbot.wait(50)
    _check_text_whole(first.bubble)
    assert windows[0].rect().contains(first.bubble.geometry())
    windows[0].presenter.set_active(False)
    qtbot.mouseClick(first.bubble.next_button, Qt.MouseButton.LeftButton)
    assert first.index == 0 and first.highlighted() is windows[0].training_tab.welcome.train_button
    for window in windows:
        window.training_tab.shutdown()
        window.explorer_tab.shutdown()


def test_the_tour_asked_for_before_the_first_paint_is_the_one_the_first_launch_offers(qtbot):
    """Found walking the window on an X screen: the tour asked for before the window's start (which builds the
    Explorer after the first paint) started the window from inside its own making; the start offered a second tour,
    so the offer on screen was not the window's tour and its buttons answered to nobody the window knew."""
    from vaegui.gui.demo.tour import TourBubble

    app_settings().remove(TOUR_OFFERED_KEY)  # a machine where vaegui never ran
    window = MainWindow(dataset="digits")
    qtbot.addWidget(window)
    window.show()
    tour = window.tour  # before the first paint
    assert window.tour is tour
    shown = [bubble for bubble in window.findChildren(TourBubble) if bubble.isVisible()]
    assert shown == [tour.bubble] and tour.bubble.next_button.text() == "Start the tour"
    window.training_tab.shutdown()
    window.explorer_tab.shutdown()
