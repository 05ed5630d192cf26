"""Durations read the same in the terminal and in the window."""

from __future__ import annotations

from vaegui.training.progress import format_duration


def test_durations_round_to_the_second_and_show_hours_only_when_needed():
    assert format_duration(0) == "0:00"
    assert format_duration(-3) == "0:00"
    assert format_duration(59.6) == "1:00"
    assert format_duration(3599.4) == "59:59"
    assert format_duration(3600) == "1:00:00"
    assert format_duration(90061) == "25:01:01"
