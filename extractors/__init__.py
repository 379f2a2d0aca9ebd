"""Extractors: pure functions from a ``ParsedDocument`` to records.

Each record family has one module; ``EXTRACTORS`` lists them in the order
they run. An extractor receives the records found so far, so later families
can build on earlier ones (actions arise from resolutions). Extractors never
open files or touch the database.
"""
from __future__ import annotations

from collections.abc import Callable

from extractors.actions import extract_actions
from extractors.indicators import extract_indicator_records
from extractors.minutes import extract_minutes
from extractors.officers import extract_officers
from extractors.packs import extract_packs
from schemas.parsed import ParsedDocument
from schemas.records import Record

Extractor = Callable[[ParsedDocument, str, list[Record]], list[Record]]

EXTRACTORS: dict[str, Extractor] = {
    "packs": extract_packs,
    "minutes": lambda doc, version, prior: extract_minutes(doc, version),
    "actions": extract_actions,
    "officers": extract_officers,
    "indicators": extract_indicator_records,
}


def clear_caches() -> None:
    """Empty the per-process caches of the extractors (results for repeated
    lines, what the matchers learnt about token strings); for benchmarks that
    want every run to cost what a first one would."""
    from extractors import matching, nlp

    nlp.clear_caches()
    matching.clear_memos()


def run_extractors(doc: ParsedDocument, pipeline_version: str) -> list[Record]:
    records: list[Record] = []
    for extract in EXTRACTORS.values():
        records.extend(extract(doc, pipeline_version, list(records)))
    return records
