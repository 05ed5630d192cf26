"""The README's pictures, taken by the real-screen harness (tests/screen/): the real app walked through a demo on a
1280×800 X screen with a window manager (a projector's size), the Training form's own model trained on the digits;
the screen at each chosen state saved as docs/screenshots/NAME.png, and every state's picture listed.

Usage: python scripts/screenshots/take.py   (needs Xvfb, openbox, x11-utils and xdotool: make screenshots)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["VAEGUI_SCREEN_SHOWCASE"] = "1"  # tests/screen/walks.py: the form's own model, not the tests' tiny one
SCREENSHOTS = ROOT / "docs" / "screenshots"
PICTURES = {  # docs/screenshots/NAME: the demo walk's state it shows
    "welcome.png": "welcome-ready",
    "tour.png": "tour-6",
    "training.png": "trained",
    "reopened.png": "epoch-views",
    "explorer.png": "explorer-point",
    "mu-only.png": "mu-only-on",
    "presenter.png": "presenter-explorer",
    "compare.png": "compare",
    "runs.png": "runs-dialog",
}


def main() -> int:
    from tests.screen.conftest import DemoWalk
    from tests.screen.test_fits_the_screen import misfits
    from tests.screen.x_server import missing_programs

    missing = missing_programs()
    if missing:
        print(f"Cannot take the screenshots: {', '.join(missing)} not installed "
              "(scripts/install-system-packages.sh installs them).", file=sys.stderr)
        return 1
    root = Path(tempfile.mkdtemp(prefix="vaegui-screenshots-"))
    walks = DemoWalk(lambda name: Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root)), "1280x800").finish()
    demo = walks["demo"]
    if demo.error:
        print(f"The walk stopped early: {demo.error} (see {demo.log})", file=sys.stderr)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    code = 0
    for name, state_name in PICTURES.items():
        state = demo.states.get(state_name)
        if state is None:
            print(f"{name}: the walk did not reach {state_name}", file=sys.stderr)
            code = 1
            continue
        shutil.copyfile(state.screenshot, SCREENSHOTS / name)
        problems = misfits(state)
        print(f"Saved {SCREENSHOTS / name} ({state_name})" + (f"; does not fit: {problems}" if problems else ""))
    for walk in walks.values():
        for state in walk.states.values():
            print(f"  {state.name}: {state.screenshot}")
    return code


if __name__ == "__main__":
    sys.exit(main())
