"""A virtual X screen with a window manager (Xvfb + openbox), and what its X server says about the windows on it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

NEEDED = ("Xvfb", "openbox", "xwininfo", "xprop", "xdotool")  # xwininfo and xprop: Debian's x11-utils


def missing_programs() -> list[str]:
    """The programs of NEEDED not installed here (scripts/install-system-packages.sh installs them)."""
    return [name for name in NEEDED if shutil.which(name) is None]


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, other: Rect) -> bool:
        return self.x <= other.x and self.y <= other.y and other.right <= self.right and other.bottom <= self.bottom

    def __str__(self) -> str:
        return f"{self.width}×{self.height} at ({self.x}, {self.y})"


@dataclass(frozen=True)
class XWindow:
    """A top-level window as the X server has it: the client area, the frame the window manager drew around it
    and the smallest size the program asks for (WM_NORMAL_HINTS)."""

    window_id: int
    title: str
    client: Rect
    frame: Rect
    minimum_size: tuple[int, int] | None
    viewable: bool


class XScreen:
    """Xvfb at `width`×`height` with openbox managing its windows; `environment` points a program at it."""

    def __init__(self, width: int, height: int, log_folder: Path):
        self.width, self.height = width, height
        self.log_folder = log_folder
        self._processes: list[subprocess.Popen] = []
        self.display = ""

    def start(self, timeout: float = 20.0) -> XScreen:
        self.log_folder.mkdir(parents=True, exist_ok=True)
        read, write = os.pipe()
        # -displayfd: Xvfb picks a free display itself and writes its number once it accepts clients.
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{self.width}x{self.height}x24", "-nolisten", "tcp",
             "-noreset"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=open(self.log_folder / "xvfb.log", "w"))
        os.close(write)
        self._processes.append(server)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            self.stop()
            raise RuntimeError(f"Xvfb did not start: see {self.log_folder / 'xvfb.log'}")
        self.display = f":{number}"
        self._processes.append(subprocess.Popen(
            ["openbox", "--sm-disable"], env=self.environment(), stdout=subprocess.DEVNULL,
            stderr=open(self.log_folder / "openbox.log", "w")))
        deadline = time.monotonic() + timeout
        while "_NET_SUPPORTING_WM_CHECK(WINDOW)" not in self._xprop("-root", "_NET_SUPPORTING_WM_CHECK"):
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"openbox did not start on {self.display}: see {self.log_folder}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        for process in reversed(self._processes):
            process.terminate()
        for process in reversed(self._processes):
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._processes.clear()

    def environment(self, **extra: str) -> dict[str, str]:
        env = {**os.environ, "DISPLAY": self.display, "QT_QPA_PLATFORM": "xcb", **extra}
        env.pop("WAYLAND_DISPLAY", None)
        return env

    # ---- what the X server says ---------------------------------------------------------------

    def _run(self, *command: str) -> str:
        done = subprocess.run(command, env=self.environment(), capture_output=True, text=True, timeout=10)
        return done.stdout

    def _xprop(self, *args: str) -> str:
        return self._run("xprop", *args)

    def root(self) -> Rect:
        info = _fields(self._run("xwininfo", "-root"))
        return Rect(0, 0, int(info["Width"]), int(info["Height"]))

    def work_area(self) -> Rect:
        """What the window manager leaves to windows (_NET_WORKAREA of the first desktop)."""
        values = _numbers(self._xprop("-root", "_NET_WORKAREA"))
        return Rect(*values[:4]) if len(values) >= 4 else self.root()

    def managed_windows(self) -> list[int]:
        """The windows the window manager manages (its _NET_CLIENT_LIST), in mapping order."""
        text = self._xprop("-root", "_NET_CLIENT_LIST")
        return [int(value, 16) for value in re.findall(r"0x[0-9a-fA-F]+", text)]

    def window(self, window_id: int) -> XWindow:
        info = _fields(self._run("xwininfo", "-id", str(window_id)))
        client = Rect(int(info["Absolute upper-left X"]), int(info["Absolute upper-left Y"]), int(info["Width"]),
                      int(info["Height"]))
        props = self._xprop("-id", str(window_id), "_NET_FRAME_EXTENTS", "WM_NORMAL_HINTS", "_NET_WM_NAME")
        extents = re.search(r"_NET_FRAME_EXTENTS\(CARDINAL\) = (\d+), (\d+), (\d+), (\d+)", props)
        left, right, top, bottom = (int(v) for v in extents.groups()) if extents else (0, 0, 0, 0)
        frame = Rect(client.x - left, client.y - top, client.width + left + right, client.height + top + bottom)
        minimum = re.search(r"program specified minimum size: (\d+) by (\d+)", props)
        title = re.search(r'_NET_WM_NAME\(UTF8_STRING\) = "(.*)"', props)
        return XWindow(window_id, title.group(1) if title else "", client, frame,
                       (int(minimum.group(1)), int(minimum.group(2))) if minimum else None,
                       info.get("Map State") == "IsViewable")


def _fields(text: str) -> dict[str, str]:
    fields = {}
    for line in text.splitlines():
        name, colon, value = line.strip().partition(":")
        if colon:
            fields[name.strip()] = value.strip()
    return fields


def _numbers(text: str) -> list[int]:
    _, _, values = text.partition("=")
    return [int(v) for v in re.findall(r"-?\d+", values)]
