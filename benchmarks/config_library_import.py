"""What reading settings with a validation library costs at start-up: import time and the first section read.

Usage: python benchmarks/config_library_import.py [--launches 9]

vaegui.config is imported before the window appears, so the library that checks the settings' JSON types is
paid on every launch. For each candidate installed in this interpreter (msgspec, pydantic v2, cattrs), fresh
processes import it and check one section of settings the way vaegui would (a whole number, a list of whole
numbers, an optional number; one wrong value to make an error); `-X importtime` gives the import's own
cumulative microseconds and the child times the import and the first checks. The floor, checking by hand,
imports nothing.
Medians of `--launches` launches, the candidates alternated so that each sees the same machine load. The other
candidates need not be installed in vaegui's environment: run this with an interpreter that has them.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import textwrap

# Each candidate checks {"z_dim": 3, "conv_filters": [4, 8], "seed": None} and refuses {"z_dim": "ten"}.
CANDIDATES = {
    "msgspec": textwrap.dedent(
        """
        import msgspec
        values = [msgspec.convert(3, int), msgspec.convert([4, 8], tuple[int, ...]), msgspec.convert(None, int | None)]
        try:
            msgspec.convert("ten", int)
        except msgspec.ValidationError as error:
            message = str(error)
        """
    ),
    "pydantic": textwrap.dedent(
        """
        from pydantic import TypeAdapter, ValidationError
        values = [TypeAdapter(int).validate_python(3, strict=True),
                  TypeAdapter(tuple[int, ...]).validate_json(b"[4, 8]", strict=True),
                  TypeAdapter(int | None).validate_python(None, strict=True)]
        try:
            TypeAdapter(int).validate_python("ten", strict=True)
        except ValidationError as error:
            message = str(error)
        """
    ),
    "cattrs": textwrap.dedent(
        """
        import cattrs
        converter = cattrs.Converter()
        values = [converter.structure(3, int), converter.structure([4, 8], tuple[int, ...]),
                  converter.structure(None, int | None)]
        try:
            converter.structure("ten", int)
        except Exception as error:
            message = str(error)
        """
    ),
}
CHILD = textwrap.dedent(
    """
    import time
    start = time.perf_counter()
    {code}
    print("CHECKED", time.perf_counter() - start)
    print("MESSAGE", repr(message))
    """
)


def launch(library: str) -> tuple[float, float, str]:
    """One fresh process: (the import's cumulative ms by -X importtime, import + checks in ms, the error message)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CHILD.format(code=textwrap.indent(CANDIDATES[library], ""))],
        capture_output=True, text=True, check=True,
    )
    top = library.split(".")[0]
    cumulative = [int(m.group(1)) for m in re.finditer(rf"^import time:\s+\d+ \|\s+(\d+) \| {top}$", done.stderr, re.M)]
    checked = float(done.stdout.split("CHECKED ")[1].split()[0])
    message = done.stdout.split("MESSAGE ")[1].strip()
    return sum(cumulative) / 1000, checked * 1000, message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=9)
    args = parser.parse_args()
    available = []
    for library in CANDIDATES:
        try:
            __import__(library)
            available.append(library)
        except ImportError:
            print(f"{library}: not installed in {sys.executable}, skipped")
    for library in available:
        launch(library)  # uncounted: bytecode compiled, files in the disk cache
    results: dict[str, list[tuple[float, float, str]]] = {library: [] for library in available}
    for _ in range(args.launches):
        for library in available:
            results[library].append(launch(library))
    print("floor: checking types by hand (what vaegui did before) imports nothing: 0 ms")
    for library in available:
        imports = statistics.median(r[0] for r in results[library])
        checks = statistics.median(r[1] for r in results[library])
        print(f"{library}: message for 'ten' as a whole number: {results[library][0][2]}")
        print(f"SUMMARY config_library {library} import_ms={imports:.1f} import_and_first_checks_ms={checks:.1f} "
              f"launches={args.launches}")


if __name__ == "__main__":
    main()
