"""The result cache keeps recent entries and forgets the oldest."""
from __future__ import annotations

from vaegui.app.cache import ResultCache


def test_least_recently_used_entry_goes_first():
    cache = ResultCache(capacity=2)
    cache.put(("w", "train", None, False, "pca"), 1)
    cache.put(("w", "train", None, True, "pca"), 2)
    assert cache.get(("w", "train", None, False, "pca")) == 1  # now the most recent
    cache.put(("w", "test", None, False, "pca"), 3)
    assert ("w", "train", None, True, "pca") not in cache and len(cache) == 2
    assert cache.get(("w", "missing")) is None
