"""The spaCy pipeline: ``spacy.blank("en")`` plus rule components built from
``extractors.patterns``. Nothing is downloaded; the pipeline is built once per
process."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from extractors import patterns
from extractors.matching import text_prefilter


def _matcher(vocab, families) -> Matcher:
    matcher = Matcher(vocab)
    for label, pattern in families:
        matcher.add(label, [pattern])
    return matcher


@Language.factory("decision_triggers")
def make_decision_triggers(nlp: Language, name: str):
    matcher = _matcher(nlp.vocab, patterns.trigger_patterns())

    def annotate(doc: Doc) -> Doc:
        spans = [Span(doc, start, end, label=nlp.vocab.strings[key]) for key, start, end in matcher(doc)]
        doc.spans["triggers"] = spans
        return doc

    return annotate


@Language.factory("decision_kinds")
def make_decision_kinds(nlp: Language, name: str):
    matcher = _matcher(nlp.vocab, patterns.kind_patterns())

    def annotate(doc: Doc) -> Doc:
        doc.spans["kinds"] = [Span(doc, start, end, label=nlp.vocab.strings[key]) for key, start, end in matcher(doc)]
        return doc

    return annotate


_PUNCT_CHARS = frozenset(Sentencizer.default_punct_chars)
_PUNCT_IDS = frozenset(get_string_id(char) for char in _PUNCT_CHARS)  # as a token's ORTH holds them


def split_sentences(doc: Doc) -> Doc:
    """spaCy's ``Sentencizer`` (default punctuation) on a fresh doc, from the
    doc's attribute arrays: the same sentence starts without a ``Token``
    object per token (a sentence starts after a run of sentence-ending
    punctuation, at the first token that is not punctuation)."""
    count = len(doc)
    if not count:
        return doc
    orth, is_punct = doc.to_array([ORTH, IS_PUNCT]).T.tolist()
    starts = [-1] * count
    starts[0] = 1
    start, seen_period = 0, False
    for i in range(count):
        ends_sentence = orth[i] in _PUNCT_IDS
        if seen_period and not is_punct[i] and not ends_sentence:
            starts[start] = 1
            start, seen_period = i, False
        elif ends_sentence:
            seen_period = True
    starts[start] = 1
    doc.from_array([SENT_START], np.array(starts, dtype=np.int64).astype(np.uint64).reshape(count, 1))
    return doc


@lru_cache(maxsize=1)
def blank_nlp() -> Language:
    """A bare English tokenizer, for PhraseMatchers built at run time."""
    return spacy.blank("en")


@lru_cache(maxsize=1)
def _decision_pipes():
    """(make_doc, triggers, kinds): the ``decision_triggers`` and
    ``decision_kinds`` components over the shared English tokenizer of
    ``blank_nlp``, without building an English pipeline for each (each
    ``spacy.blank("en")`` costs a tenth of a second per process)."""
    nlp = blank_nlp()
    return nlp.make_doc, make_decision_triggers(nlp, "decision_triggers"), make_decision_kinds(nlp, "decision_kinds")


@lru_cache(maxsize=1)
def _trigger_prefilter():
    return text_prefilter(patterns.trigger_patterns())


def match_trigger(text: str) -> tuple[str, int, str] | None:
    """If ``text`` opens with a decision phrase: (strength, end offset in
    characters, the phrase as written). Only matches at the very start count."""
    head = text[:300]
    # Most lines hold none of the words a decision phrase needs: skip the
    # tokenizer and matcher for them (the test never misses a phrase).
    if not _trigger_prefilter()(head):
        return None
    return _match_trigger(head)


@lru_cache(maxsize=8192)
def _match_trigger(text: str) -> tuple[str, int, str] | None:
    """``match_trigger`` on at most 300 characters; the minutes extractor asks
    about the same line several times (regions, headings, blocks)."""
    make_doc, triggers, _ = _decision_pipes()
    doc = triggers(make_doc(text))
    best = None
    for span in doc.spans["triggers"]:
        if span.start != 0:
            continue
        if best is None or span.end > best.end or (span.end == best.end and span.label_ == "STRONG"):
            best = span
    if best is None:
        return None
    end = best.end_char
    return best.label_, end, text[:end].rstrip(" :;,–—-")


def clear_caches() -> None:
    _match_trigger.cache_clear()


def classify_kind(clause: str, trigger: str, preamble: str = "") -> str:
    """noted / approved / agreed / requested / recommended / other: from the
    clause's own verb, else the lead-in ("Cabinet agree to:"), else the trigger."""
    make_doc, _, kinds = _decision_pipes()
    doc = kinds(make_doc(clause[:400]))
    lead = 1 if len(doc) and doc[0].lower_ in ("that", "to") else 0
    candidates = []
    for span in doc.spans["kinds"]:
        label = span.label_
        if label.endswith("@start"):
            if span.start > lead:
                continue
            label = label.split("@")[0]
        if label == "requested" and span.end + 1 < len(doc) and doc[span.end].lower_ == "to":
            # "is asked to agree the following": the body is asked to decide,
            # nobody is asked to act; the decision's own verb says the kind.
            inner = classify_kind(doc[span.end + 1:].text, "")
            if inner not in ("other", "requested"):
                label = inner
        candidates.append((span.start, label))
    if candidates:
        return min(candidates)[1]
    if preamble:
        kind = classify_kind(preamble, "")
        if kind != "other":
            return kind
    for word in reversed(trigger.lower().replace(":", " ").split()):
        if word in patterns.TRIGGER_KINDS:
            return patterns.TRIGGER_KINDS[word]
    return "other"
