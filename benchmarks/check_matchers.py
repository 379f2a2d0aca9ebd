"""Check the fast matching paths against plain spaCy, on random text.

Run: ``python benchmarks/check_matchers.py [--docs N] [--seed S]``.

``extractors.matching.WindowedMatchers`` (the indicator statistics) must give
exactly what a spaCy ``Matcher`` over the whole text gives, same matches in
the same order (for a family it runs unordered: the same set, sorted), and
``extractors.nlp.match_trigger``'s keyword pre-test must never hide a
decision phrase. Texts are token soups drawn from the patterns'
own words, number shapes and words from the corpus, so the patterns match
often and at odd places (window edges, runs of numbers). Exit status 1 on any
difference.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extractors import indicator_patterns as P  # noqa: E402
from extractors import nlp as decision_nlp  # noqa: E402
from extractors import patterns as decision_patterns  # noqa: E402
from extractors.matching import WindowedMatchers, _start_end_key  # noqa: E402

NUMBERS = ["1", "5", "12", "2019", "2017/18", "2015-16", "1,245", "69.5", "0.84", "100,000", "1000", "0116", "305",
           "4239", "07534263203", "5pm", "10.00am", "10.00", "Q1", "q4", "1st", "8th", "24/02/2022", "£", "$", "%",
           "(", ")", "+", "-", "–", "19m", "600k", "3", "20", "999", "101", "18(", "65", "0", "99.9", "one", "ten"]


def pattern_words(families) -> list[str]:
    words: set[str] = set()

    def walk(x):
        if isinstance(x, str):
            words.add(x)
        elif isinstance(x, dict):
            for key, value in x.items():
                if key not in ("REGEX", "OP"):
                    walk(value)
        elif isinstance(x, (list, tuple)):
            for value in x:
                walk(value)

    for _, pattern in families:
        walk(pattern)
    return sorted(w for w in words if w and w == w.strip())


def corpus_words(limit: int = 20000) -> list[str]:
    words: list[str] = []
    for path in sorted((REPO / "corpus" / "text").glob("*.txt")) + sorted((REPO / "tests" / "fixtures").glob("*.txt")):
        words.extend(path.read_text(encoding="utf-8", errors="replace").split())
        if len(words) > limit:
            break
    return words or ["the", "council", "report"]


def soup(rng: random.Random, pools: list[list[str]], weights: list[float], n: int) -> str:
    out = []
    for _ in range(n):
        word = rng.choice(rng.choices(pools, weights)[0])
        r = rng.random()
        if r < 0.1:
            word = word.upper()
        elif r < 0.2:
            word = word.title()
        out.append(word)
    return " ".join(out)


def check_statistics(rng: random.Random, docs: int, prose: list[str]) -> int:
    nlp = decision_nlp.blank_nlp()
    families = {"quantities": P.quantity_patterns(), "not_statistics": P.not_statistic_patterns(),
                "cues": P.comparison_patterns(), "periods": P.period_patterns()}
    unordered = ("not_statistics",)  # as the indicator statistics run it
    windowed = WindowedMatchers(nlp.vocab, families, unordered=unordered)
    plain = {}
    for name, patterns in families.items():
        plain[name] = decision_nlp._matcher(nlp.vocab, patterns)
    vocab = sorted({w for patterns in families.values() for w in pattern_words(patterns)})
    bad = found = 0
    for _ in range(docs):
        text = soup(rng, [vocab, NUMBERS, prose], [0.45, 0.35, 0.2], rng.randint(1, 40))
        doc = nlp.make_doc(text)
        got = windowed(doc)
        for name, matcher in plain.items():
            expected = matcher(doc)
            if name in unordered:
                expected = sorted(set(expected), key=_start_end_key)
            found += len(expected)
            if expected != got[name]:
                bad += 1
                if bad <= 3:
                    print(f"DIFF {name}: {text!r}\n  spaCy    {expected}\n  windowed {got[name]}")
    print(f"statistics: {docs} texts, {found} matches, {bad} differences")
    return bad


def check_triggers(rng: random.Random, docs: int, prose: list[str]) -> int:
    vocab = pattern_words(decision_patterns.trigger_patterns())
    lead = ["The", "Policy", "Board", "It", "was", "UPON", "MOTION", "1.", "(a)", "that", ":", "Members", "x", "3"]
    reference = decision_nlp._match_trigger.__wrapped__  # the matcher, without pre-test or cache
    may_match = decision_nlp._trigger_prefilter()
    make_doc, triggers, _ = decision_nlp._decision_pipes()
    bad = found = anywhere = 0
    for _ in range(docs):
        text = soup(rng, [vocab, lead, prose], [0.6, 0.3, 0.1], rng.randint(1, 8))
        expected = reference(text[:300])
        found += expected is not None
        if decision_nlp.match_trigger(text) != expected:
            bad += 1
            if bad <= 3:
                print(f"DIFF trigger: {text!r}: {decision_nlp.match_trigger(text)} vs {expected}")
        # the pre-test must pass wherever the patterns match at all, not only at the start
        if triggers(make_doc(text[:300])).spans["triggers"]:
            anywhere += 1
            if not may_match(text[:300]):
                bad += 1
                print(f"DIFF trigger pre-test: {text!r} has a match but fails the pre-test")
    print(f"triggers: {docs} texts, {found} opening with a decision phrase, {anywhere} holding one, "
          f"{bad} differences")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    prose = corpus_words()
    bad = check_statistics(rng, args.docs, prose) + check_triggers(rng, args.docs, prose)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
