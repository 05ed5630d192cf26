"""Presenter mode's settings: how much bigger text, lines and markers get, and what is hidden (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PresenterSettings:
    """What presenter mode changes; the views apply it and leaving the mode undoes it."""

    font_scale: float = 1.5  # every font of the widgets and the plots' numbers and axis names
    title_scale: float = 1.25  # the plots' titles: two plots share a row 840 pixels wide at 1280×800
    line_scale: float = 2.0  # curve and outline widths
    marker_scale: float = 1.6  # dots and symbols on the plots and the map
    hide_expert_controls: bool = True  # settings only practitioners change (Wording.mark_expert)
    full_screen: bool = True

    def font_size(self, size: float) -> float:
        return size * self.font_scale

    def title_size(self, size: float) -> float:
        return size * self.title_scale

    def line_width(self, width: float) -> float:
        return max(1.0, width) * self.line_scale  # a cosmetic 0-width pen is drawn 1 pixel wide

    def marker_size(self, size: float) -> float:
        return size * self.marker_scale
