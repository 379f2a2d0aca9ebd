"""Real council PDFs from ../shared/real (skipped when that folder is absent)."""
from __future__ import annotations

import pytest

from pipeline.errors import NoTextLayerError
from pipeline.ingest import extract
from pipeline.reader import read_document
from schemas.records import Meeting, Resolution


def resolutions(path):
    records = extract(read_document(path)).records
    return [r for r in records if isinstance(r, Resolution)], [r for r in records if isinstance(r, Meeting)]


def test_kent_cabinet_minutes(shared_real):
    found, meetings = resolutions(shared_real / "uk_kent_cc" / "Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf")
    assert meetings[0].date == "2025-01-30" and meetings[0].chair == "Mr R W Gough"
    by_key = {(r.minute_number, r.clause): r for r in found}
    assert by_key[("88", "e")].text == "Agree the Capital budget changes."
    assert by_key[("88", "e")].preamble == "Cabinet agree to"
    assert by_key[("91", "a")].text == "Adopt the Integrated Care Strategy Delivery Plan on behalf of Kent County Council"
    assert by_key[("86", "")].page == 1


def test_bristol_minutes_numbered_approvals(shared_real):
    found, meetings = resolutions(shared_real / "uk_bristol_cc" /
                                  "src-bcc-0022_src-bcc-0022-printed-minutes-transport-and-connectivity-policy-committee-12-september-2024.pdf")
    assert meetings[0].date == "2024-09-12"
    items = {r.minute_number for r in found}
    assert {"7", "8", "9", "10"} <= items
    assert not any("policycommittees@bristol.gov.uk" in r.text for r in found)


def test_reports_and_agendas_yield_no_resolutions(shared_real):
    for name in ("uk_kent_cc/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf",
                 "uk_bristol_cc/src-bcc-0003_committee-report-workplace-parking-levy-2024-09-12.pdf",
                 "uk_kent_cc/QPR Q3 Cabinet appendix 1.pdf"):
        found, _ = resolutions(shared_real / name)
        assert found == [], name


def test_scanned_accounts_need_ocr(shared_real):
    with pytest.raises(NoTextLayerError, match="OCR"):
        read_document(shared_real / "uk_suffolk_libraries" / "suffolk-libraries-accounts-period-ended-31-march-2013.pdf")
