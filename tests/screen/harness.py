"""The test side of the real-screen harness: start the app driver on an X screen, and at each state it stops at,
read from the X server where each of its windows is, then let it go on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.screen.app_driver import MARK
from tests.screen.x_server import Rect, XScreen, XWindow

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ShownWindow:
    """One window at one state: what the app said of it and what the X server says."""

    report: dict
    x: XWindow

    @property
    def title(self) -> str:
        return self.report["title"] or self.report["class"]

    def widget_rects(self) -> list[tuple[str, Rect]]:
        """Each visible widget's rect on the screen: the client area's place from X, the widget's place in it."""
        origin = self.x.client
        return [(w["name"], Rect(origin.x + w["rect"][0], origin.y + w["rect"][1], w["rect"][2], w["rect"][3]))
                for w in self.report["widgets"]]


@dataclass
class ShownState:
    name: str
    screen: Rect
    windows: list[ShownWindow]
    screenshot: Path
    facts: dict = field(default_factory=dict)


@dataclass
class Walk:
    """What a walk reached: its states by name, and the error that ended it early (or "")."""

    states: dict[str, ShownState]
    error: str = ""
    log: Path | None = None
    seconds: float = 0.0

    def state(self, name: str) -> ShownState:
        if name not in self.states:
            raise AssertionError(f"the walk did not reach state {name!r}: {self.error or 'no error said'} "
                                 f"(the app's output: {self.log})")
        return self.states[name]


class AppUnderTest:
    """The app driver walking `walk_name` on `screen` with `vaegui gui GUI_ARGS`: `until(name)` reads the states up
    to that one from X (letting the walk go on past the others) and leaves the app waiting there; `finish()` lets
    it walk to its end. Its states and the error that ended it early are in `walk`."""

    def __init__(self, screen: XScreen, walk_name: str, gui_args: list[str], shots: Path, prefix: str,
                 timeout: float = 300.0, **environment: str):
        self.screen = screen
        self.walk = Walk({}, log=shots / f"{prefix}.log")
        self.ended = False  # the walk is over: its states are all in `walk`
        self._waiting = False
        # In a folder of its own (the runs it trains go to ./runs there), with this checkout importable.
        env = screen.environment(XDG_CONFIG_HOME=tempfile.mkdtemp(prefix=f"{prefix}-config-", dir=shots),
                                 PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                                 VAEGUI_SCREEN_SHOTS=str(shots), VAEGUI_SCREEN_PREFIX=prefix,
                                 TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="", PYTHONUNBUFFERED="1",
                                 **environment)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.screen.app_driver", walk_name, *gui_args], cwd=shots, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.walk.log, "w"), text=True)
        self._timer = threading.Timer(timeout, self._time_out, (timeout,))
        self._timer.start()

    def _time_out(self, timeout: float) -> None:
        self.walk.error = self.walk.error or f"the walk took over {timeout:.0f} s"
        self.process.kill()

    def until(self, name: str | None) -> ShownState | None:
        """Read states up to `name` (None: to the walk's end); the app then waits at it. None if it never came."""
        self.resume()
        for line in self.process.stdout:
            if not line.startswith(MARK):
                continue
            message = json.loads(line[len(MARK):])
            if message["kind"] == "state":
                state = ShownState(message["name"], self.screen.root(),
                                   [ShownWindow(report, self.screen.window(report["id"]))
                                    for report in message["windows"]],
                                   Path(message["screenshot"]), message["facts"])
                self.walk.states[state.name] = state
                self._waiting = True
                if state.name == name:
                    return state
                self.resume()
            elif message["kind"] == "error":
                self.walk.error = message["message"]
                with open(self.walk.log, "a") as file:
                    file.write(message["traceback"])
            else:
                break
        self._end()
        return None

    def resume(self) -> None:
        """Let the walk go on from the state it waits at."""
        if self._waiting and self.process.poll() is None:
            self._waiting = False
            try:
                self.process.stdin.write("next\n")
                self.process.stdin.flush()
            except BrokenPipeError:
                pass

    def finish(self) -> Walk:
        self.until(None)
        return self.walk

    def _end(self) -> None:
        self.ended = True
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._timer.cancel()
        if self.process.returncode not in (0, None) and not self.walk.error:
            self.walk.error = f"the app ended with code {self.process.returncode}"
