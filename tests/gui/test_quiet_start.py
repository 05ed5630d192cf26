"""`vaegui gui` in a fresh process prints none of TensorFlow's start-up lines, unless --verbose."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.test_tensorflow_start import noise_in, user_environment

# The real entry point and event loop; the window closes itself once TensorFlow is in and Train is live.
START_SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    from vaegui import cli
    from vaegui.gui import main_window

    original_show = main_window.MainWindow.show

    def show(window):
        def ready(device):
            print("TRAIN ENABLED", window.training_tab.train_button.isEnabled(), flush=True)
            QTimer.singleShot(0, window.close)

        window.state.trainer_ready.connect(ready)
        window.state.trainer_failed.connect(lambda message: (print("FAILED", message), window.close()))
        original_show(window)

    main_window.MainWindow.show = show
    sys.exit(cli.main(sys.argv[1:]))
    """
)


def launch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", START_SCRIPT, *args], capture_output=True, text=True, timeout=300,
        env=user_environment(QT_QPA_PLATFORM="offscreen"),
    )


def test_the_app_starts_quietly_and_verbose_shows_tensorflows_lines():
    quiet = launch("gui")
    assert quiet.returncode == 0, quiet.stderr
    assert "TRAIN ENABLED True" in quiet.stdout, quiet.stdout + quiet.stderr
    assert noise_in(quiet.stderr) == [], quiet.stderr

    verbose = launch("--verbose")  # no command: the app, as `vaegui --verbose`
    assert verbose.returncode == 0, verbose.stderr
    assert "TRAIN ENABLED True" in verbose.stdout
    assert "absl::InitializeLog" in verbose.stderr and len(noise_in(verbose.stderr)) >= 2, verbose.stderr
