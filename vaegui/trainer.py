"""`python -m vaegui.trainer`: the trainer process the window starts, lowered in priority before anything else runs.

Its niceness is set here, first, while the process has one thread: every thread started later (numpy's BLAS
pool as it is imported, TensorFlow's) inherits it. Linux with autogroups shares the CPU between sessions before
niceness ranks the threads inside one, so the window keeps the trainer in its own session (vaegui.app.trainer_link);
where it had to start it in a session of its own (Python 3.10), that session's group is lowered here too, or the
trainer would compete with the window as an equal. The work itself is vaegui.training.trainer_process.
"""

import os
import sys

TRAINER_NICE = 10  # the window's own threads (nice 0) win the CPU when both want it


def lower_priority() -> None:
    """This process, and the autogroup of its session when it leads one (never a terminal's, which it would share)."""
    try:
        os.nice(TRAINER_NICE)
    except (AttributeError, OSError):
        return  # no niceness here (Windows): the window is merely less smooth while training
    if os.getsid(0) != os.getpid():
        return
    try:
        with open("/proc/self/autogroup", "w") as group:  # Linux only; raising a group's niceness needs no rights
            group.write(str(TRAINER_NICE))
    except OSError:
        pass  # no autogroups (another kernel, or turned off): niceness alone ranks the threads


if __name__ == "__main__":
    lower_priority()
    from vaegui.training.trainer_process import main

    sys.exit(main())
