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
