"""Extractors: pure functions from a ``ParsedDocument`` to records.

Each record family has one module; ``EXTRACTORS`` lists them. Extractors
never open files or touch the database.
"""
from __future__ import annotations

from collections.abc import Callable

from extractors.minutes import extract_minutes
from schemas.parsed import ParsedDocument
from schemas.records import Record

Extractor = Callable[[ParsedDocument, str], list[Record]]

EXTRACTORS: dict[str, Extractor] = {
    "minutes": extract_minutes,
}


def run_extractors(doc: ParsedDocument, pipeline_version: str) -> list[Record]:
    records: list[Record] = []
    for extract in EXTRACTORS.values():
        records.extend(extract(doc, pipeline_version))
    return records
