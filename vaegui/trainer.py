"""`python -m vaegui.trainer`: the trainer process the window starts, lowered in priority before anything else runs.

Its niceness is set here, first, while the process has one thread: every thread started later (numpy's BLAS
pool as it is imported, TensorFlow's) inherits it. The work itself is vaegui.training.trainer_process.
"""

import os
import sys

TRAINER_NICE = 10  # the window's own threads (nice 0) win the CPU when both want it

if __name__ == "__main__":
    try:
        os.nice(TRAINER_NICE)
    except (AttributeError, OSError):
        pass  # no niceness here (Windows): the window is merely less smooth while training
    from vaegui.training.trainer_process import main

    sys.exit(main())
