"""One small file per layout quirk, with the expected records beside it."""
from __future__ import annotations

import json

import pytest

from conftest import FIXTURES
from pipeline.ingest import extract
from pipeline.reader import read_document
from schemas.records import Meeting, MinuteItem, Resolution

CASES = sorted(p for p in FIXTURES.glob("*.txt"))
RESOLUTION_FIELDS = ["minute_number", "item_title", "clause", "text", "kind", "trigger", "preamble"]
MEETING_FIELDS = ["body", "date", "start_time", "end_time", "venue", "chair"]


def summarise(path) -> dict:
    records = extract(read_document(path)).records
    return {
        "meetings": [{k: getattr(r, k) for k in MEETING_FIELDS} for r in records if isinstance(r, Meeting)],
        "minute_items": [{"number": r.number, "title": r.title} for r in records if isinstance(r, MinuteItem)],
        "resolutions": [{k: getattr(r, k) for k in RESOLUTION_FIELDS} for r in records if isinstance(r, Resolution)],
    }


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_fixture_gives_expected_records(path, update_expected):
    expected_path = path.with_suffix(".expected.json")
    actual = summarise(path)
    if update_expected:
        expected_path.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


def test_report_without_decisions_yields_no_resolutions():
    assert summarise(FIXTURES / "report_without_decisions.txt")["resolutions"] == []
