"""Finding map points by what a person types: a class name, a picture's number, or (image folders) a file name."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from vaegui.latent.encoding import SPLIT_TEST, SPLIT_TRAIN, LatentSet

_NUMBER = re.compile(r"^(?:(train|test)\s*)?#?\s*(\d+)$")


@dataclass(frozen=True, eq=False)
class SearchResult:
    """The rows found and, in words, what matched them."""

    query: str
    rows: np.ndarray  # sorted row numbers of the latent set
    what: str  # "class Sneaker", "picture #12", "file names containing 'cat'", "nothing"


def search(latents: LatentSet, query: str, class_names: list[str] | None = None) -> SearchResult:
    """Rows whose class name matches `query` (whole name first, else the start of names, case ignored), whose
    picture number it is ("12", "#12", "test #12"), or whose file name contains it (image folders)."""
    text = query.strip()
    if not text:
        return SearchResult(query, np.arange(len(latents)), "every picture")
    lowered = text.lower()
    number = _NUMBER.match(lowered)
    found: list[np.ndarray] = []
    said: list[str] = []
    if latents.labels is not None:
        classes = _matching_classes(lowered, latents.labels, class_names)
        if classes:
            found.append(np.flatnonzero(np.isin(latents.labels, classes)))
            said.append("class " + ", ".join(_class_name(c, class_names) for c in classes))
    if number is not None:
        split_word, value = number.group(1), int(number.group(2))
        where = latents.source_index == value
        if split_word is not None:
            where &= latents.split == (SPLIT_TEST if split_word == "test" else SPLIT_TRAIN)
        found.append(np.flatnonzero(where))
        said.append(f"picture #{value}" + (f" ({split_word})" if split_word else ""))
    files = _file_rows(latents, lowered)
    if files is not None and len(files):
        found.append(files)
        said.append(f"file names containing '{text}'")
    matched = np.zeros(len(latents), bool)  # a union by mask: each part is sorted already, no sort of 200k rows
    for part in found:
        matched[part] = True
    rows = np.flatnonzero(matched)
    return SearchResult(query, rows.astype(np.int64), " or ".join(said) if len(rows) else "nothing")


def _class_name(label: int, class_names: list[str] | None) -> str:
    return class_names[label] if class_names and 0 <= label < len(class_names) else str(label)


def _matching_classes(lowered: str, labels: np.ndarray, class_names: list[str] | None) -> list[int]:
    present = np.flatnonzero(np.bincount(labels)).tolist()
    names = {label: _class_name(label, class_names).lower() for label in present}
    exact = [label for label, name in names.items() if name == lowered]
    if exact:
        return exact
    if lowered.isdigit() and not class_names:
        return []  # "3" on digits without names is the class "3", matched exactly above, never "30"
    return [label for label, name in names.items() if name.startswith(lowered)]


_NAMES: dict[int, tuple[object, np.ndarray]] = {}  # id(paths) → (paths, their lower-case base names)


def _lower_names(paths) -> np.ndarray:
    """The files' base names in lower case, computed once per folder (200,000 names take ~0.1 s)."""
    cached = _NAMES.get(id(paths))
    if cached is None or cached[0] is not paths:
        if len(_NAMES) >= 4:
            _NAMES.clear()
        cached = _NAMES[id(paths)] = (paths, np.array([os.path.basename(p).lower() for p in paths]))
    return cached[1]


def warm_file_names(latents: LatentSet) -> None:
    """Work out the files' names now (off the GUI thread), so that the first search by file name is quick."""
    for images in latents.sources:
        paths = getattr(images, "paths", None)
        if paths is not None:
            _lower_names(paths)


def _file_rows(latents: LatentSet, lowered: str) -> np.ndarray | None:
    """Rows whose file's name contains the text, for images read from a folder (None for other datasets)."""
    per_split = []
    for code in (SPLIT_TRAIN, SPLIT_TEST):
        images = latents.sources[code] if len(latents.sources) > code else None
        paths = getattr(images, "paths", None)
        if paths is None:
            continue
        names = _lower_names(paths)
        hits = np.flatnonzero(np.char.find(names, lowered) >= 0) if len(names) else np.zeros(0, np.int64)
        rows = np.flatnonzero((latents.split == code) & np.isin(latents.source_index, hits))
        per_split.append(rows)
    if not per_split:
        return None
    return np.concatenate(per_split)
