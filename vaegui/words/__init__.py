"""Every term the app shows, in plain words and in its technical name, and the glossary that explains them.

One source for each term's wording: the views read `word(key, expert)` and `tip(key)`; the Expert labels switch
chooses between the two wordings; Help → Glossary lists the concepts the terms rely on. Qt-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vaegui.words.explorer_terms import EXPLORER_TERMS
from vaegui.words.glossary import CONCEPTS, Concept
from vaegui.words.map_view_terms import MAP_VIEW_TERMS
from vaegui.words.tour_terms import TOUR_TERMS
from vaegui.words.training_terms import TRAINING_TERMS
from vaegui.words.verbs_terms import VERBS_TERMS


@dataclass(frozen=True)
class Term:
    """One label: `plain` for anyone, `expert` for practitioners, `tip` (both modes) saying what it does and what
    to expect; `concepts` are the glossary entries it relies on. Texts may hold {fields} that views fill in."""

    plain: str
    expert: str
    tip: str = ""
    concepts: tuple[str, ...] = ()

    def text(self, expert: bool) -> str:
        return self.expert if expert else self.plain

    def all_concepts(self) -> set[str]:
        """The concepts this term relies on: those declared, and those its labels name (e.g. 'KL' names kl)."""
        return set(self.concepts) | concepts_named_in(self.plain) | concepts_named_in(self.expert)


TERMS: dict[str, Term] = {key: Term(*fields)
                          for key, fields in {**TRAINING_TERMS, **EXPLORER_TERMS, **MAP_VIEW_TERMS, **TOUR_TERMS,
                                              **VERBS_TERMS}.items()}


def pictures(count: int) -> str:
    """'1 picture', '1,204 pictures'."""
    return f"{count:,} picture{'' if count == 1 else 's'}"


def term(key: str) -> Term:
    """The term named `key`; an unknown key is a programming error, said with the nearest known keys."""
    try:
        return TERMS[key]
    except KeyError:
        import difflib

        near = ", ".join(difflib.get_close_matches(key, TERMS, 3)) or "none close"
        raise KeyError(f"No term '{key}' in vaegui.words (near: {near})") from None


def word(key: str, expert: bool = False, **fields: object) -> str:
    """The label of `key` in the chosen wording, with its {fields} filled in."""
    text = term(key).text(expert)
    return text.format(**fields) if fields else text


def tip(key: str, **fields: object) -> str:
    text = term(key).tip
    return text.format(**fields) if fields else text


def dataset_words(dataset: str, expert: bool = False, short: bool = False) -> str:
    """A dataset as people call it: 'Fashion-MNIST (clothes)' for fashion_mnist ('Fashion-MNIST' when `short`); a
    folder or file as its path."""
    key = f"dataset_{dataset}"
    if key not in TERMS:
        return dataset
    text = word(key, expert)
    return text.split(" (")[0] if short else text


def concepts_named_in(text: str) -> set[str]:
    """The glossary concepts whose technical names (aliases) appear in `text` as whole words."""
    return {key for key, concept in CONCEPTS.items()
            if any(re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w])", text) for alias in concept.aliases)}


def glossary() -> list[Concept]:
    """Every concept the glossary explains, in the order a newcomer meets them."""
    return list(CONCEPTS.values())


def concepts_shown() -> set[str]:
    """The concepts some label of the app relies on: what the glossary must cover."""
    return set().union(*(t.all_concepts() for t in TERMS.values()))


__all__ = ["CONCEPTS", "TERMS", "Concept", "Term", "concepts_named_in", "concepts_shown", "dataset_words", "glossary",
           "term", "tip", "word"]
