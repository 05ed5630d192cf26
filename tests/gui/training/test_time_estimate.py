"""The welcome's and the tour's time of the default training: one estimate, measured on this machine and refined by
each whole training."""

from __future__ import annotations

import json
import sys
import textwrap

from PySide6.QtCore import Qt

from vaegui.app.trainer_link import TrainerPool
from vaegui.app.training_model import IDLE
from vaegui.gui.app_state import AppState
from vaegui.gui.common.job_runner import QtJobRunner
from vaegui.gui.common.wording import app_settings
from vaegui.gui.training.time_estimate import PACE_KEY
from vaegui.gui.training.training_tab import TrainingTab
from vaegui.training.first_run import Pace

WAIT_MS = 120_000


def _remember(dataset: str, pace: Pace) -> None:
    app_settings().setValue(PACE_KEY.format(dataset=dataset), json.dumps(pace.to_dict()))


def test_the_tour_and_the_welcome_say_the_same_time(window, qtbot):
    """The welcome said 'about 15 s' and the tour 'about half a minute': now both say this machine's range."""
    _remember("digits", Pace(0.4, 2.0, "training"))
    window.training_tab.form.epochs_box.setValue(31)  # a form change: the welcome reads the remembered pace
    words = window.training_tab.welcome.estimate_words()
    assert words.startswith("about ") and words in window.training_tab.welcome.train_button.text()
    window.tour.show_step(1)  # "Watch it learn": no model yet, so it says how long training takes
    assert f", {words}." in window.tour.bubble.text.text()
    # A pace measured later (the next training) changes both alike.
    _remember("digits", Pace(4.0, 2.0, "training"))
    window.training_tab.form.epochs_box.setValue(30)
    later = window.training_tab.welcome.estimate_words()
    assert later != words
    window.tour.show_step(1)
    assert f", {later}." in window.tour.bubble.text.text()
    window.tour.close()


def test_a_whole_training_refines_the_estimate(tab, qtbot):
    """A default-model training of the digits, 1 epoch, timed by the window: the pace it leaves is a training's."""
    _remember("digits", Pace(100.0, 2.0, "batches"))  # a first guess far off
    form = tab.form
    form.set_config(type(form.config())())  # the default model
    form.set_dataset("digits")
    form.epochs_box.setValue(1)
    form.seed_edit.setText("1")
    before = tab.welcome.estimate
    qtbot.mouseClick(tab.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.mode == IDLE and not tab.is_training() and tab.model.epochs_completed == 1,
                    timeout=WAIT_MS)
    pace = Pace.from_dict(json.loads(app_settings().value(PACE_KEY.format(dataset="digits"))))
    assert pace.source == "training" and pace.seconds_per_1000_images < 100.0
    assert tab.welcome.estimate[1] < before[0]  # the next training is said to take what this one took


# A trainer that times a first launch's batches slowly: a real process on the real pipes, as the pool starts one.
SLOW_TIMING_TRAINER = textwrap.dedent("""
    import json, os, socket, sys, time

    def say(name, **fields):
        sys.stdout.write(json.dumps({"version": 1, "event": name, "time": time.time(), **fields}) + "\\n")
        sys.stdout.flush()

    say("ready", pid=os.getpid(), host=socket.gethostname(), device="CPU (a slow timer)")
    message = json.loads(sys.stdin.readline())
    assert message["job"]["kind"] == "time_default_batches", message
    time.sleep(1.5)  # the window that asked is gone by now
    say("timed", pace={"seconds_per_1000_images": 0.5, "start_seconds": 2.0, "source": "batches"})
    sys.stdin.readline()
""")


def test_a_timing_that_ends_after_its_window_went_is_dropped_quietly(qtbot):
    """The trainers serve the whole process: a first launch's timing answered after its Training tab was deleted
    (without a shutdown) raised 'Signal source has been deleted' in whatever ran next."""
    app_settings().remove(PACE_KEY.format(dataset="digits"))
    pool = TrainerPool(QtJobRunner(), command=(sys.executable, "-c", SLOW_TIMING_TRAINER))
    try:
        tab = TrainingTab(AppState(trainers=pool), dataset="digits")
        tab.state.start_trainer()
        qtbot.waitUntil(lambda: tab.welcome.times.measuring == "digits", timeout=WAIT_MS)
        trainer = pool.idle
        timed = []
        trainer.event.connect(lambda event: timed.append(event.name) if event.name == "timed" else None)
        tab.deleteLater()
        qtbot.waitUntil(lambda: bool(timed), timeout=WAIT_MS)  # a raise inside it fails this test (pytest-qt)
        qtbot.wait(100)
    finally:
        pool.end_all()
    assert app_settings().value(PACE_KEY.format(dataset="digits")) is None  # nobody asks for it any more
