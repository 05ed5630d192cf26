"""A flat folder of many tiny PNGs (8×8 grey), to time what a big folder's first scan costs and whether it can be cut.

A scan opens every file's header, so the count is what matters, not the pictures: 256 distinct images are encoded
once and written round-robin. 200,000 files take ~20-40 s to write on this machine and ~0.8 GiB of disk (a block
each); files already there are kept, so the folder is made once and reused.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
from PIL import Image

SIZE = 8
DISTINCT = 256


def _encoded_pngs(seed: int = 0) -> list[bytes]:
    rng = np.random.default_rng(seed)
    pngs = []
    for _ in range(DISTINCT):
        buffer = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (SIZE, SIZE), dtype=np.uint8), mode="L").save(buffer, format="PNG")
        pngs.append(buffer.getvalue())
    return pngs


def make_tiny_pngs(folder: Path, count: int, report=print) -> int:
    """Fill `folder` with `count` PNGs (000001.png …); returns how many were written now."""
    folder.mkdir(parents=True, exist_ok=True)
    pngs, written = _encoded_pngs(), 0
    for number in range(1, count + 1):
        path = os.path.join(folder, f"{number:06d}.png")
        if os.path.exists(path):
            continue
        with open(path, "wb") as file:
            file.write(pngs[number % DISTINCT])
        written += 1
        if written % 50_000 == 0:
            report(f"  {written:,} tiny PNGs written", flush=True)
    return written


if __name__ == "__main__":
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/vaegui-200k-tiny-pngs")
    print(f"{make_tiny_pngs(target, int(sys.argv[2]) if len(sys.argv) > 2 else 200_000):,} written in {target}")
