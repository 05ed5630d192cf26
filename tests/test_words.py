"""The words registry: every label has a plain and a technical wording, and the glossary explains what they use."""

from __future__ import annotations

import pytest

from vaegui.words import CONCEPTS, TERMS, concepts_named_in, concepts_shown, glossary, tip, word


def test_every_concept_a_label_relies_on_is_in_the_glossary():
    declared = {concept for term in TERMS.values() for concept in term.concepts}
    assert declared <= set(CONCEPTS), f"declared but not in the glossary: {declared - set(CONCEPTS)}"
    assert concepts_shown() <= {key for key, concept in CONCEPTS.items() if concept in glossary()}


def test_every_technical_label_is_explained_by_a_glossary_entry():
    """A label whose expert wording differs (a technical name) must lead to at least one glossary entry."""
    unexplained = [key for key, term in TERMS.items() if term.expert != term.plain and not term.all_concepts()]
    assert not unexplained, f"technical labels without a glossary entry: {unexplained}"


def test_the_glossary_has_no_entry_that_no_label_uses():
    assert set(CONCEPTS) - concepts_shown() == set()


def test_each_concept_has_a_plain_explanation_and_names_found_in_text():
    for key, concept in CONCEPTS.items():
        assert len(concept.explanation) > 40, key
        assert key in concepts_named_in(" ".join(f"[{alias}]" for alias in concept.aliases))


def test_names_are_found_as_whole_words_only():
    assert concepts_named_in("KL weight (β)") == {"kl", "beta"}
    assert "mu" in concepts_named_in("mu-only") and "mu_only" in concepts_named_in("mu-only")
    assert "z" not in concepts_named_in("z_dim and z1") and "z" in concepts_named_in("z = mu")
    assert "kl" not in concepts_named_in("KLaxon")


def test_words_fill_their_fields_and_an_unknown_key_is_named():
    assert word("kl_bars_title_epoch", epoch=3, active=2, count=4).startswith("Use of each direction")
    assert "epoch 3: 2 of 4 active" in word("kl_bars_title_epoch", True, epoch=3, active=2, count=4)
    assert "pulled into a tidy cloud (β)" in tip("kl_weight")
    with pytest.raises(KeyError, match="No term 'kl_wieght'.*kl_weight"):
        word("kl_wieght")
