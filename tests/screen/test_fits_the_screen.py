"""Every state a demo reaches fits a 1280×800 projector and a 1920×1080 screen, as the X server and its window
manager (openbox) have the windows: each window's frame and every visible widget inside the screen, no window asking
for more than the screen, no label, button or choice box cut or elided."""

from __future__ import annotations

import re

import pytest

from tests.screen.harness import ShownState
from tests.screen.walks import DEMO_STATES, RUN_STATES, SECOND_WINDOW_STATES, TOUR_STATES

STATES = [("demo", name) for name in DEMO_STATES] + [("second-window", name) for name in SECOND_WINDOW_STATES]


def misfits(state: ShownState) -> list[str]:
    """What does not fit the screen in `state`, in words (empty when everything fits)."""
    screen, found = state.screen, []
    if not state.windows:
        found.append("no window on screen")
    for window in state.windows:
        where = f"{window.title[:40]!r}"
        if not screen.contains(window.x.frame):
            found.append(f"{where}: its frame {window.x.frame} goes past the {screen.width}×{screen.height} screen")
        frame_width = window.x.frame.width - window.x.client.width
        frame_height = window.x.frame.height - window.x.client.height
        if window.x.minimum_size is not None:
            width, height = window.x.minimum_size
            if width + frame_width > screen.width or height + frame_height > screen.height:
                found.append(f"{where}: asks the window manager for at least {width}×{height} (WM_NORMAL_HINTS), "
                             f"more than the {screen.width}×{screen.height} screen holds with its frame")
        off = [f"{name} at {rect}" for name, rect in window.widget_rects() if not screen.contains(rect)]
        if off:
            more = f" and {len(off) - 6} more" if len(off) > 6 else ""
            found.append(f"{where}: widgets off the screen: {'; '.join(off[:6])}{more}")
        for widget in window.report["widgets"]:
            for problem in widget["problems"]:
                found.append(f"{where}: {widget['name']}: {problem}")
    return found


@pytest.mark.parametrize(("walk_name", "state_name"), STATES, ids=[name for _, name in STATES])
def test_every_state_fits_a_1280_by_800_projector(screen_1280, walk_name, state_name):
    state = screen_1280[walk_name].state(state_name)
    assert not misfits(state), f"{state_name} ({state.screenshot}):\n  " + "\n  ".join(misfits(state))


@pytest.mark.parametrize("state_name", RUN_STATES)
def test_every_state_fits_a_1920_by_1080_screen(screen_1920, state_name):
    state = screen_1920["run"].state(state_name)
    assert not misfits(state), f"{state_name} ({state.screenshot}):\n  " + "\n  ".join(misfits(state))


def test_the_window_opens_inside_the_screen_at_first_launch(screen_1280):
    """Finding 1: the window was created 1280×820, so on a 1280×800 screen its bottom (status bar, the tour's
    offer, the epoch slider) lay off the screen."""
    state = screen_1280["demo"].state("first-launch")
    (window,) = state.windows
    assert state.screen.contains(window.x.frame), f"frame {window.x.frame} on a {state.screen} screen"


def test_mu_only_on_and_off_never_widens_the_window(screen_1280):
    """Finding 2: mu-only's long status line set the window's minimum width to 1390 px, then 1427 px, for good."""
    for name in ("explorer", "mu-only-on", "mu-only-off", "tsne-running", "tsne-cancelled", "traverse"):
        state = screen_1280["demo"].state(name)
        window = state.windows[0]
        assert window.x.minimum_size[0] <= state.screen.width, (name, window.x.minimum_size)
        assert state.screen.contains(window.x.frame), (name, window.x.frame)
    status = screen_1280["demo"].state("mu-only-on").facts["status"]
    assert "centre of its cloud" in status  # the long status line that widened the window was said


def test_choosing_a_point_after_the_tour_shows_the_point_tab(screen_1280):
    """Finding 4: the tour's last step leaves the side panel on Generate; a point chosen then showed nothing."""
    assert screen_1280["demo"].state("explorer-point").facts["side_tab"] == "Point"


def test_the_welcome_and_the_tour_say_one_measured_time(screen_1280):
    """Finding 3: the welcome said 'about 15 s', the tour 'about half a minute', of a 51 s training: a constant
    measured on another machine. Now a few batches are timed here at first launch and both say that range."""
    ready = screen_1280["demo"].state("welcome-ready").facts
    assert re.fullmatch(r"about \d+(–\d+)? (s|min)|about \d+ s–\d+ min", ready["estimate"]), ready
    assert f"({ready['estimate']})" in ready["button"] and f", {ready['estimate']}." in ready["tour"]
    for name in TOUR_STATES:  # at first launch, before the timing: no time said, by either
        facts = screen_1280["demo"].state(name).facts
        if "No model yet" in facts["tour"]:
            assert (f", {facts['estimate']}." in facts["tour"]) if facts["estimate"] else "about" not in facts["tour"]


def test_the_compare_maps_get_most_of_the_page_in_presenter_mode_and_their_share_back_after(screen_1280):
    """Finding (qa2): in presenter mode the two maps were ~130 px tall under the panels, the key drawn over the class
    legend; a split saved when presenter mode was switched on (before the comparison was shown) was wrong, and kept
    after it ended. The comparison here is first shown in presenter mode, then presenter mode ends."""
    presenting = screen_1280["demo"].state("presenter-compare").facts
    normal = screen_1280["demo"].state("compare").facts
    assert min(presenting["map_heights"]) >= max(220, 0.38 * presenting["page_height"]), presenting
    assert min(normal["map_heights"]) >= max(180, 0.3 * normal["page_height"]), normal


def test_the_compare_tables_cells_show_their_whole_text(screen_1280):
    """Seen at 1280×800: the dataset read "Small d…" in both of the table's narrow columns. A dataset both runs
    share is said once across both; every cell shows its whole text (a cell's margins: 6 pixels)."""
    cells = screen_1280["demo"].state("compare").facts["table_cells"]
    assert len(cells) > 20 and cells[0][0] == "Small digits"
    cut = [(text, width, needed) for text, width, needed in cells if needed + 6 > width]
    assert not cut, cut

