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


# Low → high (viridis) in eight bins, so each bin shares one brush.
VALUE_COLOURS = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"]
