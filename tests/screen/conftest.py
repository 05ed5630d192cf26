"""The real-screen walks, each run once per screen size and shared by the tests that look at its states."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from tests.screen.harness import AppUnderTest, Walk
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


def demo_walk(make_folder, size: str) -> dict[str, Walk]:
    """The demo walk on a `size` screen, and a second window on its run, refused when the first trains it on;
    `make_folder(name)` gives a new folder (the screenshots and logs go to one).

    The second window starts once the demo has trained the run and waits, open on it, until the demo trains it on:
    its start (its TensorFlow and the run's map) runs beside the demo's Explorer and Compare states instead of
    after them. It has a screen of its own, the same size, so that it never covers the demo's window (whose
    screenshots and pointer clicks are the screen's)."""
    screen = _screen(make_folder, size)
    second_screen = None
    shots = make_folder(f"screen-{size}")
    started = time.monotonic()
    try:
        demo = AppUnderTest(screen, "demo", [], shots, f"{size}-demo")
        second = None
        trained = demo.until("trained")
        if trained is not None:
            second_screen = _screen(make_folder, size)
            second = AppUnderTest(second_screen, "second-window", [trained.facts["run_folder"]], shots,
                                  f"{size}-second")
            if demo.until("run-open") is not None:
                second.until("second-window")
                demo.until("training-held")
            second.finish()
        walks = {"demo": demo.finish(),
                 "second-window": second.walk if second else Walk({}, error="the demo walk did not reach trained")}
    finally:
        screen.stop()
        if second_screen is not None:
            second_screen.stop()
    walks["demo"].seconds = time.monotonic() - started
    return walks


@pytest.fixture(scope="session")
def screen_1280() -> dict[str, Walk]:
    return demo_walk(_kept_folder, "1280x800")


@pytest.fixture(scope="session")
def screen_1920(tiny_run, tiny_run_z4) -> dict[str, Walk]:
    """Runs trained before, opened and compared on a 1920×1080 screen."""
    screen = _screen(_kept_folder, "1920x1080")
    shots = _kept_folder("screen-1920x1080")
    started = time.monotonic()
    try:
        app = AppUnderTest(screen, "run", [str(tiny_run.folder)], shots, "1920x1080-run",
                           VAEGUI_SCREEN_COMPARE=f"{tiny_run.folder}|{tiny_run_z4.folder}")
        walks = {"run": app.finish()}
    finally:
        screen.stop()
    walks["run"].seconds = time.monotonic() - started
    return walks
