"""Colours shared by every view (Qt-free, #rrggbb strings): one palette for classes, one ramp for values."""

from __future__ import annotations

# Ten well-separated colours (matplotlib's tab10), then its lighter companions (tab20's second set).
CLASS_COLOURS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
]  # fmt: skip


def class_colour(label: int) -> str:
    """The colour of class `label` (the palette repeats past its end; a negative label, 'no label', takes the first)."""
    return CLASS_COLOURS[max(int(label), 0) % len(CLASS_COLOURS)]


# Low → high in eight bins, so each bin shares one brush: viridis from 0.35 to 1 (pyqtgraph's table). Its darker
# third is left out: #440154, its lowest step, is 1.2:1 against the map's background, invisible; here the lowest
# step is 3.1:1, above WCAG's 3:1 for marks that must be seen.
VALUE_COLOURS = ["#2f6c8e", "#26828e", "#1f998a", "#28ae80", "#4ec36b", "#83d44c", "#c1df24", "#fde725"]
MAP_BACKGROUND = "#161616"

# Text: secondary text (hints, captions) on the window's light background at WCAG AA (4.5:1 and more), and text on
# the light plots (pyqtgraph's default grey is 2.8:1 on white).
HINT_TEXT = "#595959"  # 6.1:1 on Qt's #efefef window, 7.0:1 on white
LIGHT_PLOT_TEXT = "#404040"  # 10.4:1 on white
DARK_HINT_TEXT = "#b4b4b4"  # on the map's and dark panels' #161616: 8.7:1
HINT_STYLE = f"color: {HINT_TEXT}; font-size: 11px;"  # the Qt style sheet of small hint text


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of '#rrggbb'."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two '#rrggbb' colours, 1 to 21 (AA text needs 4.5, large marks 3)."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)
