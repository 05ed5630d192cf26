"""Moving pictures: the latent map forming over the epochs, and a walk along a latent line, as GIF or MP4.

Only the defaults live here, so that the CLI can describe `vaegui animate` without importing the drawing code.
"""

from __future__ import annotations

FRAME_SIZE = 640  # pixels a side
FORMATION_FPS = 4.0  # epochs a second
INTERPOLATION_FPS = 12.0
INTERPOLATION_STEPS = 48
FPS_RANGE = (1, 50)  # GIF counts time in hundredths of a second, and viewers slow frames under 20 ms down
SIZE_RANGE = (240, 1920)
