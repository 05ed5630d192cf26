"""The Compare tab's two maps share their verbs when both runs hold the same images: a group picked on one map is
the same images on the other, classes hidden or dimmed on one are on the other, and A and B are kept on both."""

from __future__ import annotations

import numpy as np

from vaegui.app.comparison import SIDES, ComparisonModel
from vaegui.app.group_model import NEW, image_keys
from vaegui.app.map_verbs import MapVerbs


class LinkedVerbs:
    def __init__(self, comparison: ComparisonModel, verbs: dict[str, MapVerbs]):
        self.comparison, self.verbs = comparison, verbs
        self._following = False
        for side in SIDES:
            verbs[side].groups.made.connect(lambda side=side: self._follow_group(side))
            verbs[side].filters.changed.connect(lambda side=side: self._follow_classes(side))

    @staticmethod
    def other(side: str) -> str:
        return "b" if side == "a" else "a"

    def _linked(self) -> bool:
        return not self._following and bool(self.comparison.same_images)

    def _follow_group(self, side: str) -> None:
        """The other map's group: the same images (by split and index), whatever their places there."""
        if not self._linked():
            return
        source, target = self.verbs[side].groups, self.verbs[self.other(side)].groups
        self._following = True
        try:
            if source.rows is None:
                target.clear()
                return
            drawn = target.drawn()
            if drawn is None:
                return
            wanted = image_keys(source.latents, source.rows)
            rows = np.flatnonzero(np.isin(image_keys(drawn[0]), wanted))
            target.select_rows(rows, f"{source.how}, as on the other map", NEW)
        finally:
            self._following = False

    def _follow_classes(self, side: str) -> None:
        if not self._linked():
            return
        source, target = self.verbs[side].filters, self.verbs[self.other(side)].filters
        if source.class_states == target.class_states:
            return
        self._following = True
        try:
            target.set_class_states(source.class_states)
        finally:
            self._following = False

    def keep_as(self, name: str) -> None:
        """Keep each map's group as A (or B): the same images, coded by each model."""
        for side in SIDES:
            self.verbs[side].groups.keep_as(name)
