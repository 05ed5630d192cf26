"""A latent traversal: change one coordinate of a vector at a time, over a range taken from the data."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

MAX_DIMENSIONS = 16  # sliders shown: the most informative dimensions first
STEPS = 400  # slider positions across a dimension's range
MARGIN = 0.1  # of the data's span, added on each side
PRIOR_REACH = 3.0  # every range reaches ±3 at least: the prior puts 99.7 % of its mass there


@dataclass(frozen=True)
class TraversalAxis:
    """One dimension's slider: `positions` evenly spaced values; position `base_position` is exactly the base
    vector's own value, so the slider can always return to it."""

    dimension: int
    kl: float
    base_value: float
    step: float
    positions: int
    base_position: int

    def value(self, position: int) -> float:
        return self.base_value + (position - self.base_position) * self.step

    def position(self, value: float) -> int:
        return int(np.clip(self.base_position + round((value - self.base_value) / self.step), 0, self.positions - 1))

    @property
    def low(self) -> float:
        return self.value(0)

    @property
    def high(self) -> float:
        return self.value(self.positions - 1)


@dataclass(frozen=True, eq=False)
class Traversal:
    base: np.ndarray
    vector: np.ndarray
    axes: tuple[TraversalAxis, ...]
    image: np.ndarray | None = None

    @classmethod
    def around(cls, base: np.ndarray, mu: np.ndarray, order: np.ndarray, kl: np.ndarray,
               mu_range: tuple[np.ndarray, np.ndarray] | None = None) -> Traversal:
        """Sliders for the first MAX_DIMENSIONS dimensions of `order`, each spanning where the data's `mu` lie,
        at least ±PRIOR_REACH, and always the base's own value (a point far out is not pinned at an end).

        `mu_range`: the lowest and highest mu of each dimension, when known (a click at 200,000 images should
        not read them all again)."""
        base = np.asarray(base, np.float32).copy()
        axes = []
        for dimension, dimension_kl in zip(order[:MAX_DIMENSIONS], kl[:MAX_DIMENSIONS]):
            d = int(dimension)
            if mu_range is not None:
                data_low, data_high = float(mu_range[0][d]), float(mu_range[1][d])
            else:
                data_low, data_high = (float(mu[:, d].min()), float(mu[:, d].max())) if len(mu) else (0.0, 0.0)
            span = data_high - data_low
            low = min(data_low - MARGIN * span, -PRIOR_REACH, float(base[d]))
            high = max(data_high + MARGIN * span, PRIOR_REACH, float(base[d]))
            step = (high - low) / STEPS
            below = math.ceil((float(base[d]) - low) / step - 1e-9)
            above = math.ceil((high - float(base[d])) / step - 1e-9)
            axes.append(TraversalAxis(d, float(dimension_kl), float(base[d]), step, below + above + 1, below))
        return cls(base, base.copy(), tuple(axes))

    def with_value(self, dimension: int, value: float) -> Traversal:
        vector = self.vector.copy()
        vector[dimension] = value
        return replace(self, vector=vector)

    def reset(self) -> Traversal:
        return replace(self, vector=self.base.copy())

    def axis(self, dimension: int) -> TraversalAxis:
        return next(a for a in self.axes if a.dimension == dimension)
