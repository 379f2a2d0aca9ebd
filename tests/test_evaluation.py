"""Accuracy targets against hand-checked expected records (corpus/expected)."""
from __future__ import annotations

import pytest

from pipeline.evaluate import cases, evaluate

pytestmark = pytest.mark.skipif(not cases(include_real=False), reason="no expected records in corpus/expected")


def test_seed_resolutions_f1_at_least_095():
    groups = evaluate(include_real=False)["groups"]
    assert "seed text" in groups
    for group in ("seed text", "seed PDF"):
        if group in groups:
            score = groups[group]["resolutions"]
            assert score.expected > 0
            assert score.f1 >= 0.95, (group, score.missed, score.extra)


def test_kent_kpi_ratings_are_scored_by_eval(shared_real):
    """``boardpapers eval`` scores the Kent dashboard's ratings; a wrong
    expectation (one RAG flipped) costs a match, so the score can fail."""
    import copy
    import json

    from pipeline.evaluate import CORPUS, SHARED, evaluate_file

    expected = json.loads((CORPUS / "expected" / "real" / "uk_kent_cc__qpr-q3-2024-25-kpis.json").read_text(encoding="utf-8"))
    path = SHARED / expected["source"]
    if not path.exists():
        pytest.skip(f"{path} is not present")
    score = evaluate_file(path, expected).scores["kpi_ratings"]
    assert (score.expected, score.matched, score.predicted) == (38, 38, 38), (score.missed, score.extra)
    flipped = copy.deepcopy(expected)
    flipped["kpis"][0]["latest_rag"] = "Red" if flipped["kpis"][0]["latest_rag"] != "Red" else "Green"
    assert evaluate_file(path, flipped).scores["kpi_ratings"].matched == 37
