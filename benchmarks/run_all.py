"""Runs every benchmarks/*.py script in turn, shows its output live, then prints one summary table.

Usage: python benchmarks/run_all.py [NAME ...] [--timeout SECONDS]   (`make bench` runs them all)

A script's figures in the table are its lines that start with "SUMMARY " (prefix removed), or, for a
script without such lines, its last three lines of output.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def scripts(names: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("*.py") if p.name != Path(__file__).name and not p.name.startswith("_"))
    if names:
        wanted = {n.removesuffix(".py") for n in names}
        unknown = wanted - {p.stem for p in found}
        if unknown:
            raise SystemExit(f"No benchmark named {', '.join(sorted(unknown))}; there are: "
                             f"{', '.join(p.stem for p in found)}")
        found = [p for p in found if p.stem in wanted]
    return found


def run(script: Path, timeout: float) -> tuple[int | str, float, list[str]]:
    started = time.perf_counter()
    lines: list[str] = []
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, str(script)], cwd=HERE.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in process.stdout:
            print(f"  {line}", end="", flush=True)
            lines.append(line.rstrip())
            if time.perf_counter() - started > timeout:
                raise subprocess.TimeoutExpired(script.name, timeout)
        status: int | str = process.wait(timeout=max(1.0, timeout - (time.perf_counter() - started)))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        status = "timeout"
    return status, time.perf_counter() - started, lines


def figures(lines: list[str]) -> list[str]:
    marked = [line[len("SUMMARY "):] for line in lines if line.startswith("SUMMARY ")]
    # TensorFlow's C++ log lines (I0000 …, W0000 …) are not figures.
    return marked or [line for line in lines if line.strip() and line[:5] not in ("I0000", "W0000", "E0000")][-3:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmark names to run (default: all)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per script")
    args = parser.parse_args()
    results = []
    for script in scripts(args.names):
        print(f"\n=== {script.name} ===", flush=True)
        results.append((script.stem, *run(script, args.timeout)))

    print(f"\n=== Summary ({platform.node()}: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}) ===")
    width = max((len(name) for name, *_ in results), default=10)
    print(f"{'benchmark':<{width}}  {'status':<8} {'time':>7}  figures")
    for name, status, seconds, lines in results:
        state = "ok" if status == 0 else ("timeout" if status == "timeout" else f"exit {status}")
        shown = figures(lines) or ["(no output)"]
        print(f"{name:<{width}}  {state:<8} {seconds:6.0f}s  {shown[0]}")
        for line in shown[1:]:
            print(f"{'':<{width}}  {'':<8} {'':>7}  {line}")
    return 0 if all(status == 0 for _, status, *_ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
