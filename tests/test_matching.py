"""The fast matching paths (``extractors.matching``) give what plain spaCy
gives: the CI variant of benchmarks/check_matchers.py, on fewer random texts,
plus the contract of families run unordered."""
from __future__ import annotations

import random

import pytest

from conftest import load_benchmark
from extractors import indicator_patterns as P
from extractors.matching import WindowedMatchers, _start_end_key
from extractors.nlp import _matcher, blank_nlp


@pytest.fixture(scope="module")
def check():
    return load_benchmark("check_matchers")


def test_windowed_statistics_matchers_find_what_spacy_finds(check):
    assert check.check_statistics(random.Random(7), 2000, check.corpus_words()) == 0


def test_decision_trigger_pre_test_never_hides_a_phrase(check):
    assert check.check_triggers(random.Random(7), 1000, check.corpus_words()) == 0


def test_an_unordered_family_runs_one_matcher_per_anchor_and_gives_the_set_sorted():
    nlp = blank_nlp()
    patterns = P.not_statistic_patterns()
    ordered = WindowedMatchers(nlp.vocab, {"not_statistics": patterns})
    unordered = WindowedMatchers(nlp.vocab, {"not_statistics": patterns}, unordered=("not_statistics",))
    assert len(ordered.parts) == 1
    assert len(unordered.parts) > 5  # patterns on months, ages, numbers … each around their own anchor
    doc = nlp.make_doc("Call 0116 454 1000 by 5pm on 3 March 2022 about the 2,000 residents aged 65 and over "
                       "(paragraph 4 of the agenda), up to 12 hours a day, 3.5 acres; 24/02/2022.")
    expected = _matcher(nlp.vocab, patterns)(doc)
    assert len(expected) > 8
    assert ordered(doc)["not_statistics"] == expected
    got = unordered(doc)["not_statistics"]
    assert got == sorted(set(expected), key=_start_end_key)
    assert len(got) == len(set(got))


def test_unordered_must_name_a_family():
    nlp = blank_nlp()
    with pytest.raises(ValueError, match="periods"):
        WindowedMatchers(nlp.vocab, {"cues": P.comparison_patterns()}, unordered=("periods",))


FLAGGED = {"moves": [("MOVE", [{"LOWER": {"IN": ["rose", "fell"]}}, {"LOWER": "by", "OP": "?"},
                               {"TEXT": {"REGEX": r"^\d+(?:\.\d+)?$"}}, {"ORTH": "%"}]),
                     ("NOT_BY", [{"ORTH": {"NOT_IN": ["by", "to"]}}, {"TEXT": {"REGEX": r"^\d+(?:\.\d+)?$"}},
                                 {"ORTH": "%"}])]}
FLAGGED_TEXT = "Visits rose by 12% and then FELL 3.5% to 40% , Rose 7% ; fell by 2 %"


def test_word_constraints_run_as_lexeme_flags_with_the_same_matches():
    import spacy

    nlp = spacy.blank("en")  # a vocabulary of its own: its flag bits all free
    windowed = WindowedMatchers(nlp.vocab, FLAGGED)
    assert len(windowed.flags.bits) == 3  # the IN set, the NOT_IN set, the regex (used twice: one bit)
    for _, matcher in windowed.parts:
        for key in matcher.matcher._patterns:
            for pattern in matcher.matcher.get(key)[1]:
                assert not any(isinstance(value, dict) for token in pattern for value in token.values())
    doc = nlp.make_doc(FLAGGED_TEXT)
    expected = _matcher(nlp.vocab, FLAGGED["moves"])(doc)
    assert len(expected) >= 5
    assert windowed(doc)["moves"] == expected
    assert doc.vocab["FELL"].check_flag(windowed.flags.bits[("LOWER", "IN", frozenset({"rose", "fell"}))])
    assert not doc.vocab["Visits"].check_flag(windowed.flags.bits[("LOWER", "IN", frozenset({"rose", "fell"}))])


def test_constraints_beyond_the_free_flag_bits_are_left_to_spacy(monkeypatch):
    import spacy

    from extractors import matching

    monkeypatch.setattr(matching, "_USER_BITS", range(63, 61, -1))  # two bits for three constraints
    nlp = spacy.blank("en")
    windowed = WindowedMatchers(nlp.vocab, FLAGGED)
    assert len(windowed.flags.bits) == 2
    doc = nlp.make_doc(FLAGGED_TEXT)
    assert windowed(doc)["moves"] == _matcher(nlp.vocab, FLAGGED["moves"])(doc)


def test_a_bad_pattern_is_refused_as_spacy_refuses_it():
    from spacy.errors import MatchPatternError

    with pytest.raises(MatchPatternError):
        WindowedMatchers(blank_nlp().vocab, {"bad": [("BAD", [{"LOWER": {"IN": ["a"]}, "NOT_AN_ATTR": 1}])]})
