"""A spaCy ``Matcher`` that only looks where its patterns can match.

spaCy's ``Matcher`` starts every pattern at every token and evaluates its set
and regex predicates in Python, so its cost grows with the length of the text
times the number of patterns, even where nothing can match. Most rule
patterns need one particular token somewhere (a number, "per", "compared"):
``WindowedMatcher`` finds, for each pattern, such an *anchor* token — a token
every match must contain — and runs the same spaCy ``Matcher`` only over
windows of the document around the tokens that satisfy an anchor, each window
wide enough to hold any match through its anchor plus one token either side.

The matches are the ones ``Matcher(doc)`` finds, in the same order (a
family split by anchor: the same set, sorted), as (match_id, start, end)
tuples relative to the whole document:

* every match contains a token satisfying its pattern's anchor (the anchor is
  a pattern token that must match once or more, and the test applied is one
  of that token's own constraints, so a superset of what the token accepts);
* the window around that token covers the most tokens the pattern can have
  before and after it; where the anchor token repeats ("+"), every token of
  the run is an anchor and the windows of consecutive tokens touch, so they
  merge into one window covering the run;
* spaCy's matcher treats each (pattern, start) state on its own, deciding from
  the tokens it consumes and the token after them; every window holds the
  whole match and the token after it (the one-token margin), so a state
  yields the same matches inside its window as over the whole document;
* a state cut off at a window's edge has not reached its anchor, or is longer
  than the pattern allows, so it yields no match in either run.

Patterns with no anchor, or whose extent around every anchor is unbounded,
make the matcher fall back to running over the whole document.

spaCy tests a token against ``IN``, ``NOT_IN`` and ``REGEX`` constraints on
its text (or lower case) by calling Python for every token a match is tried
at. Those are properties of the word, so ``WindowedMatchers`` works each one
out once per word instead, as one of the vocabulary's lexeme flags
(``Lexeme.flags``, spaCy's own per-word bits, tested in C), and gives spaCy
the flag in its place (``_LexemeFlags``); the words of each document get
their flags before any matcher runs on it.

``WindowedMatchers`` runs several such matchers over the same documents (it
is the entry point), finding all their windows in one pass over the tokens;
a family whose matches are read as a set can be split into one matcher per
anchor, each run only around its own anchor. ``text_prefilter`` is the same
idea on raw text, for a matcher only ever run on short texts: a
test, derived from the patterns, that is true of every text in which they
can match, so the tokenizer and matcher can be skipped for the rest.

``benchmarks/check_matchers.py`` checks both against plain spaCy on random
text.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from spacy.attrs import ORTH
from spacy.errors import MatchPatternError
from spacy.matcher import Matcher
from spacy.schemas import validate_token_pattern
from spacy.tokens import Doc

_INF = float("inf")
_INSTANCES: weakref.WeakSet = weakref.WeakSet()


def clear_memos() -> None:
    """Forget what every ``WindowedMatchers`` learnt about token strings."""
    for matcher in list(_INSTANCES):
        matcher._memo.clear()


@dataclass(frozen=True)
class _Anchor:
    """One pattern's anchor test and the most tokens its matches can have
    before and after the anchor token."""
    orths: frozenset[str] = frozenset()
    lowers: frozenset[str] = frozenset()
    regex: re.Pattern | None = None
    regex_attr: str = "ORTH"  # ORTH (text) or LOWER
    before: int = 0
    after: int = 0


def _op(token: dict):
    return next((v for k, v in token.items() if isinstance(k, str) and k.upper() == "OP"), None)


def _bounds(token: dict) -> tuple[int, float]:
    """(min, max) repetitions of a pattern token, from its OP."""
    op = _op(token)
    if op is None or op == "1":
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, _INF
    if op == "+":
        return 1, _INF
    if op == "!":
        return 1, 1  # a token that must NOT match: one token, never an anchor
    if isinstance(op, str) and op.startswith("{") and op.endswith("}"):
        inner = op[1:-1]
        if "," not in inner:
            n = int(inner)
            return n, n
        low, high = inner.split(",", 1)
        return int(low) if low.strip() else 0, int(high) if high.strip() else _INF
    raise ValueError(f"unknown OP {op!r}")


# Tokens common in any English prose: an anchor on one of them opens many
# windows. Only a cost estimate for choosing anchors (any choice is correct).
_COMMON = {
    "the", "a", "an", "of", "in", "to", "and", "or", "for", "on", "at", "by", "with", "from", "as", "is", "was",
    "are", "were", "be", "been", "has", "have", "had", "that", "this", "it", "not", "no", "per", "than", "up",
    "will", "which", "all", "there", "their", "they", "we", "our", "its", "being", "into", "can", "should",
    "would", "also", "but", "if", "so", "other", "more", "most", "over", "under", "out", "upon",
    "%", ".", ",", ";", ":", "-", "–", "—", "(", ")", "'", '"', "/", "&",
}
_RARE_WORD = 0.001  # estimated share of tokens that are one given uncommon word
_COMMON_WORD = 0.05
_REGEX = 0.08  # the anchor regexes used here match numbers, years, dates (common in paragraphs with figures)


def _word_constraints(token: dict) -> list[tuple[object, str, str, object]]:
    """A pattern token's constraints on its word's text or lower case, as
    (key in the token, "ORTH" or "LOWER", op, argument): op "EQUALS" (the
    argument a string), "IN" or "NOT_IN" (a frozenset of strings), "REGEX"
    (a string). Other constraints, and malformed ones, are left out."""
    out = []
    for key, value in token.items():
        attr = key.upper() if isinstance(key, str) else None
        attr = "ORTH" if attr == "TEXT" else attr
        if attr not in ("ORTH", "LOWER"):
            continue
        if isinstance(value, str):
            out.append((key, attr, "EQUALS", value))
            continue
        if not isinstance(value, dict) or len(value) != 1:
            continue
        (op, arg), = value.items()
        op = op.upper() if isinstance(op, str) else op
        if op in ("IN", "NOT_IN") and isinstance(arg, (list, tuple, set, frozenset)) \
                and all(isinstance(v, str) for v in arg):
            out.append((key, attr, op, frozenset(arg)))
        elif op == "REGEX" and isinstance(arg, str):
            out.append((key, attr, op, arg))
    return out


def _constraints(token: dict) -> list[tuple[float, _Anchor]]:
    """Anchor tests from one pattern token's own constraints, each a superset
    of the tokens it accepts, with the estimated share of tokens that pass."""
    out = []
    for _, attr, op, arg in _word_constraints(token):
        field = "orths" if attr == "ORTH" else "lowers"
        if op == "EQUALS":
            op, arg = "IN", frozenset([arg])
        if op == "IN" and arg:
            share = sum(_COMMON_WORD if v.lower() in _COMMON else _RARE_WORD for v in arg)
            out.append((share, _Anchor(**{field: arg})))
        elif op == "REGEX":
            out.append((_REGEX, _Anchor(regex=re.compile(arg), regex_attr=attr)))
    return out


def pattern_anchor(pattern: list[dict]) -> _Anchor | None:
    """The anchor for one pattern with its window extents, or None if it has
    no anchor with bounded extents. Of the possible anchors, the one expected
    to cover the fewest tokens with windows (how often it occurs times how
    wide its windows are)."""
    bounds = [_bounds(token) for token in pattern]
    if any(_op(token) == "!" for token in pattern):
        return None  # negated tokens: keep it simple, match the whole document
    best = None
    for index, token in enumerate(pattern):
        low, high = bounds[index]
        if low < 1:
            continue
        before = sum(high for _, high in bounds[:index])
        # A repeated anchor counts as one token: each of its repeats is an
        # anchor too, and the windows of a run of them merge.
        after = sum(high for _, high in bounds[index + 1:])
        if before == _INF or after == _INF:
            continue
        for share, anchor in _constraints(token):
            cost = share * (before + after + 3)
            if best is None or cost < best[0]:
                best = (cost, _Anchor(anchor.orths, anchor.lowers, anchor.regex, anchor.regex_attr,
                                      int(before), int(after)))
    return best[1] if best else None


class _WordTests:
    """Tests of a word against literal texts, lower-cased texts and regexes
    (on its text or its lower case), each with a payload: ``hits`` gives the
    payloads of the tests a word passes. The regexes are tried one by one
    only where one search for any of them succeeds (most words fail it)."""

    def __init__(self, texts: dict[str, object], lowers: dict[str, object], regexes: list[tuple[str, bool, object]]):
        self._texts, self._lowers = texts, lowers
        self._regexes = [(re.compile(pattern), on_lower, payload) for pattern, on_lower, payload in regexes]
        # None: no regex tests that form of the word
        self._any_text, self._any_lower = (_prefilter([pattern for pattern, lower, _ in regexes if lower == on_lower])
                                           for on_lower in (False, True))

    def hits(self, text: str) -> list:
        lower = text.lower()
        hits = []
        found = self._texts.get(text)
        if found is not None:
            hits.append(found)
        found = self._lowers.get(lower)
        if found is not None:
            hits.append(found)
        if (self._any_text is not None and self._any_text.search(text) is not None) or \
                (self._any_lower is not None and self._any_lower.search(lower) is not None):
            hits += [payload for regex, on_lower, payload in self._regexes
                     if regex.search(lower if on_lower else text) is not None]
        return hits


# Lexeme flag bits in use, per vocabulary: {id(vocab): (vocab, {constraint: bit})}
# (the vocabulary kept, so that its id is not another's).
_FLAG_BITS: dict[int, tuple[object, dict[tuple, int]]] = {}
# The bits spaCy leaves to users (FLAG19 .. FLAG63), taken from the top down
# (Vocab.add_flag takes the lowest free bit).
_USER_BITS = range(63, 18, -1)


def _flag_bit(vocab, constraint: tuple) -> int | None:
    """The lexeme flag bit that stands for ``constraint`` in ``vocab`` (one
    for each constraint, however many matchers use it), or None when every
    bit is taken (the constraint is then left to spaCy)."""
    _, bits = _FLAG_BITS.setdefault(id(vocab), (vocab, {}))
    if constraint not in bits:
        taken = set(bits.values()) | set(vocab.lex_attr_getters)
        free = next((bit for bit in _USER_BITS if bit not in taken), None)
        if free is None:
            return None
        bits[constraint] = free
    return bits[constraint]


class _LexemeFlags:
    """Word constraints of patterns (``IN``, ``NOT_IN``, ``REGEX`` on ``ORTH``,
    ``TEXT`` or ``LOWER``) as lexeme flags: ``rewrite`` puts the flag in a
    pattern token's place (``{bit: True}``; ``{bit: False}`` for ``NOT_IN``),
    ``word_flags`` works out a word's bits. Constraints on the first token
    of a pattern, tried at every token of a window, get bits first."""

    def __init__(self, vocab, patterns: list[list[dict]]):
        self.vocab = vocab
        self.bits: dict[tuple, int] = {}
        self.mask = 0
        firsts = [token for pattern in patterns for token in pattern[:1]]
        rest = [token for pattern in patterns for token in pattern[1:]]
        for token in firsts + rest:
            for constraint in self._constraints(token).values():
                if constraint not in self.bits:
                    bit = _flag_bit(vocab, constraint)
                    if bit is not None:
                        self.bits[constraint] = bit
                        self.mask |= 1 << bit
        # Words in a set, by text and by lower case, and regexes: the bits they set.
        by_text: dict[str, int] = {}
        by_lower: dict[str, int] = {}
        regexes: list[tuple[str, bool, int]] = []
        for (attr, op, value), bit in self.bits.items():
            if op == "REGEX":
                regexes.append((value, attr == "LOWER", 1 << bit))
                continue
            table = by_lower if attr == "LOWER" else by_text
            for word in value:
                table[word] = table.get(word, 0) | (1 << bit)
        self._tests = _WordTests(by_text, by_lower, regexes)

    @staticmethod
    def _constraints(token: dict) -> dict:
        """{key in the token: (attr, op, value)} for its flaggable constraints
        (a plain string is left to spaCy, which compares it in C)."""
        # NOT_IN: the same bit as IN, wanted clear
        return {key: (attr, "IN" if op == "NOT_IN" else op, arg)
                for key, attr, op, arg in _word_constraints(token) if op != "EQUALS"}

    def rewrite(self, pattern: list[dict]) -> list[dict]:
        """``pattern`` with each flagged constraint replaced by its flag."""
        out = []
        for token in pattern:
            constraints = self._constraints(token)
            new: dict = {}
            for key, value in token.items():
                bit = self.bits.get(constraints.get(key))
                if bit is None:
                    new[key] = value
                else:
                    (op, _), = value.items()
                    new[bit] = op.upper() != "NOT_IN"
            out.append(new)
        return out

    def word_flags(self, text: str) -> int:
        """The bits of the flagged constraints ``text`` satisfies."""
        bits = 0
        for hit in self._tests.hits(text):
            bits |= hit
        return bits

    def set_flags(self, orth: int) -> None:
        """Give the word ``orth`` its bits (the flags of other constraints kept)."""
        lexeme = self.vocab[orth]
        lexeme.flags = (lexeme.flags & ~self.mask) | self.word_flags(lexeme.orth_)


class WindowedMatcher:
    """``Matcher`` over ``families`` ([(label, pattern)], each added as its own
    call to ``Matcher.add`` in order, as ``spaCy`` users usually build them),
    run only over the windows where matches can be; ``WindowedMatchers``
    finds the windows. The patterns' word constraints go to spaCy as the
    lexeme ``flags`` (the caller sets them on every word first)."""

    def __init__(self, vocab, families, flags: _LexemeFlags):
        # Patterns are checked as Matcher(vocab) checks them, then given to
        # spaCy with their word constraints as lexeme flags (not checked:
        # spaCy's schema does not know flags by number).
        self.matcher = Matcher(vocab, validate=False)
        anchors = []
        for label, pattern in families:
            errors = validate_token_pattern(pattern)
            if errors:
                raise MatchPatternError(label, {0: errors})
            self.matcher.add(label, [flags.rewrite(pattern)])
            anchors.append(pattern_anchor(pattern))
        self.whole = any(a is None for a in anchors)
        self.anchors = [] if self.whole else anchors

    def run(self, doc: Doc, windows: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """The matches within ``windows``, as whole-document offsets."""
        if self.whole:
            return self.matcher(doc)
        found = []
        for start, end in windows:
            if start == 0 and end == len(doc):
                found.extend(self.matcher(doc))
            else:
                found.extend((key, s + start, e + start) for key, s, e in self.matcher(doc[start:end]))
        return found


def _add_window(out: list[tuple[int, int]], i: int, reach: tuple[int, int], length: int) -> None:
    """Add the window around an anchor at token ``i`` to ``out``, which holds
    disjoint windows in token order, merging it with every window it overlaps
    or touches (a window can reach back past earlier ones: anchors differ in
    how far before them a match can start)."""
    start = i - reach[0] - 1
    if start < 0:
        start = 0
    end = i + reach[1] + 2
    if end > length:
        end = length
    while out and start <= out[-1][1]:
        last_start, last_end = out.pop()
        if last_start < start:
            start = last_start
        if last_end > end:
            end = last_end
    out.append((start, end))


def _prefilter(patterns: list[str]) -> re.Pattern | None:
    """A regex found wherever one of ``patterns`` is: their alternation, or,
    when one cannot be combined safely (back-references, inline flags), a
    regex found everywhere; None when there are no patterns."""
    if not patterns:
        return None
    if any(re.search(r"\\[1-9]|\(\?P=|\(\?[aiLmsux]", pattern) for pattern in patterns):
        return re.compile("")
    try:
        return re.compile("|".join(f"(?:{pattern})" for pattern in patterns))
    except re.error:
        return re.compile("")


def _by_anchor(patterns: list) -> list[list]:
    """``patterns`` ([(label, pattern)]) in groups that share one anchor test,
    patterns without an anchor together, in their first pattern's order."""
    groups: dict = {}
    for label, pattern in patterns:
        anchor = pattern_anchor(pattern)
        key = None if anchor is None else (anchor.orths, anchor.lowers,
                                           anchor.regex.pattern if anchor.regex else None, anchor.regex_attr)
        groups.setdefault(key, []).append((label, pattern))
    return list(groups.values())


def _start_end_key(match: tuple[int, int, int]) -> tuple[int, int, int]:
    return match[1], match[2], match[0]


class WindowedMatchers:
    """Several ``WindowedMatcher`` over the same documents, their windows
    found in one pass over the tokens.

    A family named in ``unordered`` is split into one matcher per anchor test,
    each run only around its own anchor: the cost of spaCy's ``Matcher`` is
    tokens times patterns, so a number then opens a window for the patterns
    anchored on a number, not for every pattern of the family. Such a family's
    matches are the set ``Matcher(doc)`` gives, each once, sorted by (start,
    end, match_id) instead of in the ``Matcher``'s order: for families whose
    users read them as a set."""

    def __init__(self, vocab, families: dict[str, list], unordered: tuple[str, ...] = ()):
        unknown = set(unordered) - families.keys()
        if unknown:
            raise ValueError(f"unordered names no family: {sorted(unknown)}")
        self.vocab = vocab
        self.families = list(families)
        self.unordered = tuple(unordered)
        self.flags = _LexemeFlags(vocab, [pattern for patterns in families.values() for _, pattern in patterns])
        # Every matcher that runs, with the family it finds matches for.
        self.parts: list[tuple[str, WindowedMatcher]] = [
            (name, WindowedMatcher(vocab, group, self.flags))
            for name, patterns in families.items()
            for group in (_by_anchor(patterns) if name in self.unordered else [patterns])]
        self._memo: dict[int, tuple | None] = {}
        _INSTANCES.add(self)
        self._index()

    def _index(self) -> None:
        """Each anchor test with how far the windows it opens reach, per
        matcher (by its position in ``parts``): literal texts, lower-cased
        texts, and regexes, each tested once however many matchers use it."""
        def widen(table: dict, key, slot: int, anchor: _Anchor) -> None:
            reaches = table.setdefault(key, {})
            before, after = reaches.get(slot, (-1, -1))
            reaches[slot] = (max(before, anchor.before), max(after, anchor.after))

        orths: dict = {}
        lowers: dict = {}
        regexes: dict = {}
        for slot, (_, matcher) in enumerate(self.parts):
            for anchor in matcher.anchors:
                for text in anchor.orths:
                    widen(orths, text, slot, anchor)
                for text in anchor.lowers:
                    widen(lowers, text, slot, anchor)
                if anchor.regex is not None:
                    widen(regexes, (anchor.regex.pattern, anchor.regex_attr == "LOWER"), slot, anchor)
        self._anchor_tests = _WordTests({text: tuple(reaches.items()) for text, reaches in orths.items()},
                                        {text: tuple(reaches.items()) for text, reaches in lowers.items()},
                                        [(pattern, on_lower, tuple(reaches.items()))
                                         for (pattern, on_lower), reaches in regexes.items()])

    def _reaches(self, orth: int) -> tuple | None:
        """((slot, (before, after)), …) for the matchers with an anchor the
        token string ``orth`` satisfies, by slot, or None if there are none."""
        hits = self._anchor_tests.hits(self.vocab.strings[orth])
        if not hits:
            return None  # most words
        merged: dict[int, tuple[int, int]] = {}
        for reaches in hits:
            for slot, (before, after) in reaches:
                old = merged.get(slot)
                merged[slot] = (before, after) if old is None else (max(old[0], before), max(old[1], after))
        return tuple(sorted(merged.items())) or None

    def __call__(self, doc: Doc) -> dict[str, list[tuple[int, int, int]]]:
        """For each family by name, its matches as ``Matcher(doc)`` gives them
        (for an ``unordered`` family: the same set, sorted)."""
        length = len(doc)
        if len(self._memo) > 500_000:
            self._memo.clear()
        memo = self._memo
        windows: list[list[tuple[int, int]]] = [[] for _ in self.parts]
        for i, orth in enumerate(doc.to_array(ORTH).tolist() if length else []):
            reaches = memo.get(orth, False)
            if reaches is False:  # a word first seen: its flags, and the windows it opens
                self.flags.set_flags(orth)
                reaches = memo[orth] = self._reaches(orth)
            if reaches is None:
                continue
            for slot, reach in reaches:
                _add_window(windows[slot], i, reach, length)
        found: dict[str, list[tuple[int, int, int]]] = {name: [] for name in self.families}
        for (name, matcher), spans in zip(self.parts, windows):
            found[name].extend(matcher.run(doc, spans))
        for name in self.unordered:
            found[name] = sorted(set(found[name]), key=_start_end_key)
        return found


def _literal_words(pattern: list[dict]) -> tuple[frozenset[str], frozenset[str]] | None:
    """(texts, lower-cased texts) one of which every match of ``pattern`` has
    as a token: the literal constraints of its most selective mandatory token,
    or None if it has none."""
    best = None
    for token in pattern:
        low, _ = _bounds(token)
        if low < 1 or _op(token) == "!":
            continue
        for share, anchor in _constraints(token):
            if anchor.regex is None and (best is None or share < best[0]):
                best = (share, anchor.orths, anchor.lowers)
    return (best[1], best[2]) if best else None


def text_prefilter(families):
    """A test on raw text that is true whenever ``Matcher`` with ``families``
    could find a match in the text's tokens (and may be true otherwise).

    Every match holds a token equal to one of its pattern's literal words
    (``_literal_words``); a token is a piece of the text, and lower-casing is
    done character by character (outside Greek sigma, which no ASCII word
    holds), so that word is in the text, or in the lower-cased text for
    ``LOWER`` constraints. Patterns without literal words make the test
    always true."""
    orths: set[str] = set()
    lowers: set[str] = set()
    for _, pattern in families:
        words = _literal_words(pattern)
        if words is None:
            return lambda text: True
        orths |= words[0]
        lowers |= words[1]
    if any(not w.isascii() for w in lowers) or "" in orths or "" in lowers:
        return lambda text: True
    orth_re = re.compile("|".join(re.escape(w) for w in sorted(orths, key=len, reverse=True))) if orths else None
    lower_re = re.compile("|".join(re.escape(w) for w in sorted(lowers, key=len, reverse=True))) if lowers else None

    def may_match(text: str) -> bool:
        return bool((lower_re is not None and lower_re.search(text.lower()))
                    or (orth_re is not None and orth_re.search(text)))

    return may_match
