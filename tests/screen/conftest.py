"""The real-screen walks, each run once per screen size and shared by the tests that look at its states."""

from __future__ import annotations

import time

import pytest

from tests.screen.harness import AppUnderTest, Walk
from tests.screen.x_server import XScreen, missing_programs

SIZES = {"1280x800": (1280, 800), "1920x1080": (1920, 1080)}


def _screen(tmp_path_factory, size: str) -> XScreen:
    missing = missing_programs()
    if missing:
        pytest.skip(f"the real-screen tests need {', '.join(missing)} (Debian: openbox, xvfb, x11-utils, xdotool; "
                    "scripts/install-system-packages.sh installs them)")
    width, height = SIZES[size]
    return XScreen(width, height, tmp_path_factory.mktemp(f"x-{size}")).start()


def _demo(tmp_path_factory, size: str) -> dict[str, Walk]:
    """The demo walk on a `size` screen, and a second window on its run, refused when the first trains it on."""
    screen = _screen(tmp_path_factory, size)
    shots = tmp_path_factory.mktemp(f"screen-{size}")
    started = time.monotonic()
    try:
        demo = AppUnderTest(screen, "demo", [], shots, f"{size}-demo")
        second = None
        run_open = demo.until("run-open")
        if run_open is not None:
            second = AppUnderTest(screen, "second-window", [run_open.facts["run_folder"]], shots, f"{size}-second")
            second.until("second-window")
            demo.until("training-held")
            second.finish()
        walks = {"demo": demo.finish(),
                 "second-window": second.walk if second else Walk({}, error="the demo walk did not reach run-open")}
    finally:
        screen.stop()
    walks["demo"].seconds = time.monotonic() - started
    return walks


@pytest.fixture(scope="session")
def screen_1280(tmp_path_factory) -> dict[str, Walk]:
    return _demo(tmp_path_factory, "1280x800")


@pytest.fixture(scope="session")
def screen_1920(tmp_path_factory) -> dict[str, Walk]:
    return _demo(tmp_path_factory, "1920x1080")
