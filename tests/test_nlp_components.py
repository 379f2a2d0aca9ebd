"""Rule components written for speed must give what spaCy's own give."""
from __future__ import annotations

from spacy.pipeline import Sentencizer

from conftest import FIXTURES, REPO
from extractors.nlp import blank_nlp, split_sentences

EDGE_CASES = ["", "One.", "...", "Hello world", "A. B! C? ... D", "It rose 5%. Then fell. (See below.) Next",
              ". . leading dots. x", "“Quoted.” Next one.", "Wow!!! Really?! Yes。 No", "Ends with a stop.   "]


def test_split_sentences_is_spacys_sentencizer():
    nlp, sentencizer = blank_nlp(), Sentencizer()
    texts = list(EDGE_CASES)
    for path in sorted((REPO / "corpus" / "text").glob("*.txt")) + sorted(FIXTURES.glob("*.txt")):
        content = path.read_text(encoding="utf-8", errors="replace")
        texts += [line for line in content.splitlines() if line.strip()]
        texts += [block.replace("\n", " ") for block in content.split("\n\n") if block.strip()]
    assert len(texts) > 2000
    for text in texts:
        want = [token.is_sent_start for token in sentencizer(nlp.make_doc(text))]
        assert [token.is_sent_start for token in split_sentences(nlp.make_doc(text))] == want, text
