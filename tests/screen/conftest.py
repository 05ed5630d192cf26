"""The real-screen walks, each run once per screen size and shared by the tests that look at its states."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.screen.harness import AppUnderTest, ShownState, Walk
from tests.screen.walks import DEMO_STATES, RUN_STATES
from tests.screen.x_server import XScreen, missing_programs

SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}


KEPT_FOR_S = 24 * 3600


def _kept_folder(name: str) -> Path:
    """A folder for a walk's screenshots, logs and runs, kept after the session (the failures name its pictures)
    for a day: older ones of the same name go when a new one is made (each walk's is ~6 MB).
    Not under pytest's basetemp: several sessions on one machine rotate those away while a walk still writes."""
    for old in Path(tempfile.gettempdir()).glob(f"vaegui-{name}-*"):
        try:
            if time.time() - old.stat().st_mtime > KEPT_FOR_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass  # another session removed it first
    return Path(tempfile.mkdtemp(prefix=f"vaegui-{name}-"))


def _screen(make_folder, size: str) -> XScreen:
    missing = missing_programs()
    if missing:
        pytest.skip(f"the real-screen tests need {', '.join(missing)} (Debian: openbox, xvfb, x11-utils, xdotool; "
                    "scripts/install-system-packages.sh installs them)")
    width, height = SIZES[size]
    return XScreen(width, height, make_folder(f"x-{size}")).start()


class DemoWalk:
    """The demo walk on a `size` screen, and a second window on its run, refused when the first trains it on;
    `make_folder(name)` gives a new folder (the screenshots and logs go to one).

    Walked as far as asked: `self[walk_name].state(name)` lets the apps go on to that state (each waits at every
    state until told to go on), so each test waits for the part of the walk it looks at, and a test picked alone
    (`-k first-launch`) walks no further than it needs. `finish()` walks to the end and gives every walk.

    The second window starts once the demo has trained the run and waits, open on it, until the demo trains it on:
    its start (its TensorFlow and the run's map) runs beside the demo's Explorer and Compare states instead of
    after them. It has a screen of its own, the same size, so that it never covers the demo's window (whose
    screenshots and pointer clicks are the screen's)."""

    def __init__(self, make_folder, size: str):
        self._make_folder, self._size = make_folder, size
        self._screens = [_screen(make_folder, size)]
        self._shots = make_folder(f"screen-{size}")
        try:
            self._demo = AppUnderTest(self._screens[0], "demo", [], self._shots, f"{size}-demo")
        except BaseException:
            self._screens[0].stop()  # no X server left behind by an app that could not start
            raise
        self._second: AppUnderTest | None = None
        self._finished = False

    def __getitem__(self, walk_name: str) -> WalkSoFar:
        return WalkSoFar(lambda name: self._state(walk_name, name))

    def _state(self, walk_name: str, name: str) -> ShownState:
        if walk_name == "demo" and DEMO_STATES.index(name) <= DEMO_STATES.index("run-open"):
            self._demo_to(name)
        else:  # the demo training the run on, and the second window refused: one part, as they wait on each other
            self.finish()
        walk = self._demo.walk if walk_name == "demo" else self._second_walk()
        return walk.state(name)

    def _demo_to(self, name: str) -> None:
        if name in self._demo.walk.states or self._demo.ended:
            return
        if DEMO_STATES.index(name) > DEMO_STATES.index("trained"):
            self._demo_to("trained")  # the second window starts there, beside what follows
        self._demo.until(name)
        trained = self._demo.walk.states.get("trained")
        if trained is not None and self._second is None:
            self._screens.append(_screen(self._make_folder, self._size))
            self._second = AppUnderTest(self._screens[1], "second-window", [trained.facts["run_folder"]],
                                        self._shots, f"{self._size}-second")

    def _second_walk(self) -> Walk:
        return self._second.walk if self._second else Walk({}, error="the demo walk did not reach trained")

    def finish(self) -> dict[str, Walk]:
        """Every walk to its end, the apps closed and the screens stopped."""
        if not self._finished:
            self._finished = True
            try:
                self._demo_to("run-open")
                if self._second is not None:
                    if "run-open" in self._demo.walk.states:
                        self._second.until("second-window")
                        self._demo.until("training-held")
                    self._second.finish()
                self._demo.finish()
            finally:
                for screen in self._screens:
                    screen.stop()
        return {"demo": self._demo.walk, "second-window": self._second_walk()}


class RunWalk:
    """The larger screen's walk (a run trained before, then a comparison of two), walked as far as asked like
    DemoWalk's; its screen stops at its last state."""

    def __init__(self, screen: XScreen, app: AppUnderTest):
        self._screen, self._app = screen, app
        self._finished = False

    def __getitem__(self, walk_name: str) -> WalkSoFar:
        assert walk_name == "run", walk_name
        return WalkSoFar(self._state)

    def _state(self, name: str) -> ShownState:
        if name not in self._app.walk.states and not self._app.ended:
            self._app.until(name)
        if name == RUN_STATES[-1]:
            self.finish()
        return self._app.walk.state(name)

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        try:
            self._app.finish()
        finally:
            self._screen.stop()


class WalkSoFar:
    """One walk's states, each read when first asked for (Walk.state's answers and errors)."""

    def __init__(self, state):
        self.state = state


@pytest.fixture(scope="session")
def screen_1280():
    walks = DemoWalk(_kept_folder, "1280x800")
    yield walks
    walks.finish()


@pytest.fixture(scope="session")
def screen_1920(tiny_run, tiny_run_z4):
    """Runs trained before, opened and compared on a 1920×1080 screen."""
    screen = _screen(_kept_folder, "1920x1080")
    try:
        app = AppUnderTest(screen, "run", [str(tiny_run.folder)], _kept_folder("screen-1920x1080"), "1920x1080-run",
                           VAEGUI_SCREEN_COMPARE=f"{tiny_run.folder}|{tiny_run_z4.folder}")
    except BaseException:
        screen.stop()
        raise
    walks = RunWalk(screen, app)
    yield walks
    walks.finish()
