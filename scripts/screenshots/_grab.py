"""What every screenshot script ends with: grab the real window into docs/screenshots/, close it, quit."""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save_and_quit(app, window, name: str, result: dict) -> None:
    """Save `window` as docs/screenshots/NAME, say so, set result["code"] to 0 and end the app."""
    app.processEvents()
    target = SCREENSHOTS / name
    target.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(target))
    print(f"Saved {target}")
    result["code"] = 0
    window.close()
    app.quit()
